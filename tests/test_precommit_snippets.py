"""The README's pre-commit snippets agree with .pre-commit-hooks.yaml and work before a release
(.ci/precommit_check runs them through pre-commit; this is the quick check of their text)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## pre-commit\n", 1)[1].split("\n## ", 1)[0]


def yaml_blocks():
    return re.findall(r"```yaml\n(.*?)```", section(), re.DOTALL)


def value(text, key):
    """The one ``key: value`` of a small YAML text (hook ids, entries and globs hold no ``: ``)."""
    (found,) = re.findall(rf"^\s*-?\s*{key}: (.*)$", text, re.MULTILINE)
    return found.strip()


def dependencies(text):
    """The items of a block-style ``additional_dependencies:`` list."""
    return re.findall(r"^\s+-\s+(flake8-xdist-safety\b.*)$", text, re.MULTILINE)


def test_the_snippets_are_two_configs_for_today_and_one_released_form():
    blocks = yaml_blocks()
    assert [block.startswith("repos:") for block in blocks] == [True, True, False]
    hook, local, released = blocks
    assert value(hook, "repo") == "https://github.com/OWNER/flake8-xdist-safety"
    assert value(hook, "rev") == "main"
    assert value(local, "repo") == "local"
    assert re.findall(r"flake8-xdist-safety[^\s\]]*", value(released, "additional_dependencies")) == [
        "flake8-xdist-safety==0.1.0"]


def test_the_hook_ids_are_the_manifests():
    manifest = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hook, local, _ = yaml_blocks()
    assert value(hook, "id") == value(local, "id") == value(manifest, "id") == "flake8-xdist-safety"


def test_the_local_hook_runs_what_the_manifest_runs():
    manifest = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    _, local, _ = yaml_blocks()
    (select,) = re.findall(r'args: \["(--select=[A-Z0-9,]+)"\]', manifest)
    assert value(local, "entry") == f"{value(manifest, 'entry')} {select}"
    for key in ("language", "types", "files"):
        assert value(local, key) == value(manifest, key), key
    assert dependencies(local) == [
        "flake8-xdist-safety @ git+https://github.com/OWNER/flake8-xdist-safety@main"]


def test_no_snippet_for_today_names_a_tag_or_the_index():
    hook, local, _ = yaml_blocks()
    for snippet in (hook, local):
        assert not re.search(r"rev: v\d", snippet)
        assert all(" @ git+https://" in dependency for dependency in dependencies(snippet))
