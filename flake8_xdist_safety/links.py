"""Where a user reads about a code: the command that prints its page, and the page's URL.

Findings, the fixer's notes and the runtime plugin's reports point here, never at a path of this
repository (which exists in neither the user's project nor the installed package).
"""

#: The rule pages of the project's documentation (``docs/rules/`` on the main branch); pyproject.toml's
#: ``[project.urls]`` says the same (tests/test_rule_pages.py).
DOCS_URL = "https://github.com/OWNER/flake8-xdist-safety/blob/main/docs/rules/"


def rule_url(code: str) -> str:
    """``https://.../docs/rules/MXS003.md``"""
    return f"{DOCS_URL}{code}.md"


def rule_command(code: str) -> str:
    """The command that prints *code*'s page from the installed package."""
    return f"flake8-xdist-safety rule {code}"


def rule_pointer(code: str) -> str:
    """``"flake8-xdist-safety rule MXS003" or https://.../MXS003.md``: both ways to the page."""
    return f'"{rule_command(code)}" or {rule_url(code)}'
