"""The pytest commands a project's command files and CI workflows run, and where they run.

Read without a YAML or Makefile parser, on purpose and within limits: each file is cut into
shell commands (a Makefile recipe line, a ``commands`` line of tox.ini, a workflow step's
``run:``, a ``script:`` item of .gitlab-ci.yml, a line of a shell script, a ``session.run``
of a noxfile), ``cd`` is followed, and each command that runs ``pytest`` gets its working
directory: the file's own directory for a Makefile, tox.ini (or its ``changedir``) and a
noxfile; the repository checkout for a CI file (or the step's ``working-directory``);
unknown for a shell script, which runs wherever it is called from. Unknown is kept unknown.
"""
import ast
import os
import re
import shlex
from typing import Iterable, Iterator, List, NamedTuple, Optional, Tuple

from flake8_xdist_safety.analysis.regular_files import read_regular_text

#: Where projects write their test command, relative to a root (the project's, the repository's).
COMMAND_FILES = ("tox.ini", "noxfile.py", "Makefile", ".gitlab-ci.yml", "*.sh",
                 ".github/workflows/*.yml", ".github/workflows/*.yaml", "scripts/*.sh")
LOADGROUP = re.compile(r"""--dist(?:\s*=\s*|["',\s]+)["']?loadgroup\b""")
#: ``$VAR``, ``${VAR}``, ``$(VAR)`` (make), ``${{ expr }}`` (GitHub), ``{env:VAR}`` (tox): options
#: that come from elsewhere. ``$@``/``$*``, tox's ``{posargs}`` and nox's ``session.posargs``
#: are what a person adds by hand: the configured run passes none, so they are not counted.
_EXPANSION = re.compile(r"(?<!\$)\$(?![@*$])|\{env:")
_SEPARATORS = re.compile(r"&&|\|\||;|\|")
#: A line or command that may run pytest or change the directory.
_WORTH_SPLITTING = re.compile(r"py\.?test|\b(?:cd|pushd)\b")
_NOT_RUNNERS = {"pip", "pip3", "pipx", "conda", "mamba", "apt", "apt-get", "brew", "echo", "printf", "add",
                "install"}
_SCRIPT_DIRECTORY = re.compile(
    r"""^["']?\$\(\s*dirname\s+["']?(?:\$0|\$\{BASH_SOURCE(?:\[0\])?\})["']?\s*\)["']?""")


class Command(NamedTuple):
    #: the shell command (or the noxfile call's literal arguments, joined)
    text: str
    #: the directory it runs in, absolute; None when that cannot be told
    cwd: Optional[str]
    #: the words after the program, as the shell would split them
    arguments: Tuple[str, ...]


class CommandFile(NamedTuple):
    path: str
    #: its text; None when it is not a regular file of a bounded size (never read further)
    text: Optional[str]
    commands: Tuple[Command, ...]


def command_files(root: str) -> Iterator[str]:
    """The command files under *root*, in a stable order."""
    import glob

    seen = set()
    for pattern in COMMAND_FILES:
        for path in sorted(glob.glob(os.path.join(glob.escape(root), pattern))):
            if path not in seen:
                seen.add(path)
                yield path


def read_command_file(path: str, checkout: str) -> CommandFile:
    """The pytest commands of one command file; *checkout* is the directory a CI file runs
    from (the root it was found at)."""
    text = read_regular_text(path)
    if text is None:
        return CommandFile(path, None, ())
    here = os.path.dirname(path)
    name = os.path.basename(path)
    if "pytest" not in text and "py.test" not in text:
        return CommandFile(path, text, ())  # most CI files: nothing to cut into commands
    if name == "noxfile.py":
        commands = list(_nox_commands(text, here))
    elif name == "Makefile":
        commands = [c for line in _logical_lines(text) if line.startswith("\t")  # a recipe line:
                    for c in _shell([re.sub(r"^\t[@+\-\s]*", "", line)], here, here)]  # its own shell
    elif name == "tox.ini":
        commands = list(_tox_commands(text, here))
    elif name.endswith((".yml", ".yaml")):
        commands = list(_yaml_commands(text, checkout, here))
    else:  # a shell script: called from anywhere
        commands = list(_shell(_logical_lines(text), None, here))
    return CommandFile(path, text, tuple(commands))


# -- shell -------------------------------------------------------------------------------

def has_expansion(text: str) -> bool:
    """Does a command take words from a variable (``$VAR``, ``$(VAR)``, ``{env:VAR}``)?"""
    return bool(_EXPANSION.search(text))


def _logical_lines(text: str) -> List[str]:
    lines: List[str] = []
    pending = ""
    for line in text.splitlines():
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def _words(text: str) -> List[str]:
    try:
        return shlex.split(text, comments=True)
    except ValueError:  # an unbalanced quote: whitespace split, as a fallback
        return text.split()


def _shell(lines: Iterable[str], cwd: Optional[str], script_directory: str) -> Iterator[Command]:
    """The pytest commands of shell lines run one after another from *cwd*; ``cd`` moves on."""
    for line in lines:
        if not _WORTH_SPLITTING.search(line):
            continue  # most lines of a CI file: no shell splitting (shlex is slow) for them
        for segment in _SEPARATORS.split(line):
            if not _WORTH_SPLITTING.search(segment):
                continue
            segment = segment.strip().strip("()").strip()  # (cd sub && pytest): a subshell
            words = _words(segment)
            if not words:
                continue
            if words[0] in ("cd", "pushd"):
                cwd = _changed_directory(cwd, words[1:], segment, script_directory)
                continue
            arguments = _pytest_arguments(words)
            if arguments is not None:
                yield Command(segment, cwd, arguments)


def _changed_directory(cwd: Optional[str], target: List[str], segment: str,
                       script_directory: str) -> Optional[str]:
    raw = segment.split(None, 1)[1].strip() if len(segment.split(None, 1)) > 1 else ""
    match = _SCRIPT_DIRECTORY.match(raw)
    if match:  # cd "$(dirname "$0")/.." : from the script's own directory
        rest = raw[match.end():].strip("\"'")
        return os.path.normpath(script_directory + rest) if rest.startswith("/") or not rest \
            else None
    if len(target) != 1 or _EXPANSION.search(target[0]) or target[0].startswith(("~", "-")):
        return None
    if os.path.isabs(target[0]):
        return os.path.normpath(target[0])
    return None if cwd is None else os.path.normpath(os.path.join(cwd, target[0]))


def _pytest_arguments(words: List[str]) -> Optional[Tuple[str, ...]]:
    """The arguments after ``pytest``/``py.test`` when *words* run it, else None."""
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        words = words[1:]  # VAR=value pytest ...
    if not words or os.path.basename(words[0]) in _NOT_RUNNERS or words[1:2] in (["pip"], ["add"]):
        return None
    for index, word in enumerate(words):
        if os.path.basename(word) in ("pytest", "py.test") and (index == 0 or words[index - 1] != "install"):
            return tuple(words[index + 1:])
    return None


# -- tox.ini, noxfile.py ---------------------------------------------------------------

def _tox_commands(text: str, here: str) -> Iterator[Command]:
    """Each line of a section runs from the section's ``changedir`` (default: tox.ini's directory)."""
    section: List[str] = []
    for line in _logical_lines(text) + ["[end]"]:
        if line.startswith("["):
            changedir = next((re.split(r"[=:]", item, 1)[1].strip() for item in section
                              if re.match(r"^changedir\s*[=:]", item)), None)
            cwd: Optional[str] = here
            if changedir is not None:
                changedir = changedir.replace("{toxinidir}", here)
                cwd = None if "{" in changedir else os.path.normpath(os.path.join(here, changedir))
            lines = [re.sub(r"^\w[\w-]*\s*[=:]", "", item) for item in section]
            yield from _shell(lines, cwd, here)
            section = []
        else:
            section.append(line)


def _nox_commands(text: str, here: str) -> Iterator[Command]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # each line naming pytest, anywhere
        for line in text.splitlines():
            if "pytest" in line or "py.test" in line:
                yield Command(line.strip(), None, ())
        return
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        cwd: Optional[str] = here
        for node in ast.walk(function):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            literal = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.attr in ("chdir", "cd"):  # session.chdir("server"): from here on
                cwd = os.path.normpath(os.path.join(here, literal[0])) if cwd and len(literal) == 1 \
                    and len(node.args) == 1 else None
            elif node.func.attr in ("run", "run_always", "run_install"):
                opaque = any(not isinstance(a, ast.Constant) and not _is_posargs(a) for a in node.args)
                words = literal + (["$ARGS"] if opaque else [])
                arguments = _pytest_arguments(words)
                if arguments is not None:
                    yield Command(" ".join(words), cwd, arguments)


def _is_posargs(node: ast.expr) -> bool:
    inner = node.value if isinstance(node, ast.Starred) else node
    return isinstance(inner, ast.Attribute) and inner.attr == "posargs"


# -- GitHub workflows, .gitlab-ci.yml ------------------------------------------------------

_KEY = re.compile(r"^(\s*)(- +)?([\w-]+):\s*(.*)$")


def _yaml_commands(text: str, checkout: str, here: str) -> Iterator[Command]:
    """``run:`` steps (with the step's or the defaults' ``working-directory``) and
    ``script:``-like lists, as shell lines from the checkout."""
    lines = text.splitlines()
    defaults = {_unquoted(m.group(4)) for i, m in _keys(lines, "working-directory")
                if _step_start(lines, i, _key_column(m)) is None}
    default_cwd = _resolve(checkout, defaults.pop()) if len(defaults) == 1 else \
        (checkout if not defaults else None)  # one default per job, several jobs: unknown
    for index, match in _keys(lines, "run"):
        column = _key_column(match)
        start = _step_start(lines, index, column)
        if start is None and not match.group(4).strip():
            continue  # "run:" as a mapping (defaults: run: working-directory:) is not a step
        step = [] if start is None else [lines[start]] + _indented(lines, start + 1, column - 1)
        own = [_unquoted(m.group(4)) for _, m in _keys(step, "working-directory") if _key_column(m) == column]
        cwd = _resolve(checkout, own[0]) if own else default_cwd
        yield from _shell(_scalar(lines, index, match), cwd, here)
    for index, match in _keys(lines, "script", "before_script", "after_script"):
        column = _key_column(match)
        items = [line for line in _indented(lines, index + 1, column, dash_at=column) if line.strip()]
        shell = [_unquoted(re.sub(r"^\s*- ?", "", line)) for line in items] + _scalar(lines, index, match)
        yield from _shell(shell, checkout, here)


def _keys(lines: List[str], *names: str) -> Iterator[Tuple[int, "re.Match[str]"]]:
    for index, line in enumerate(lines):
        match = _KEY.match(line)
        if match and match.group(3) in names:
            yield index, match


def _key_column(match: "re.Match[str]") -> int:
    return len(match.group(1)) + len(match.group(2) or "")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _step_start(lines: List[str], index: int, column: int) -> Optional[int]:
    """The line of the list item ("- ") whose mapping holds the key at *column*, if any."""
    for back in range(index, -1, -1):
        line = lines[back]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY.match(line)
        if match and match.group(2) and _key_column(match) == column:
            return back
        if _indent(line) < column:
            return None
    return None


def _indented(lines: List[str], start: int, column: int, dash_at: int = -1) -> List[str]:
    """Lines from *start* while blank or indented more than *column* (or list items at
    *dash_at*: YAML lets a key's list sit at the key's own indent)."""
    block = []
    for line in lines[start:]:
        if line.strip() and _indent(line) <= column and not (
                _indent(line) == dash_at and line.lstrip().startswith("- ")):
            break
        block.append(line)
    return block


def _scalar(lines: List[str], index: int, match: "re.Match[str]") -> List[str]:
    """The value of the key on *index*: inline, or a block scalar's more-indented lines."""
    value = match.group(4).strip()
    if value[:1] in ("|", ">"):
        return [line.strip() for line in _indented(lines, index + 1, _key_column(match))]
    return [_unquoted(value)] if value else []


def _unquoted(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _resolve(checkout: str, directory: str) -> Optional[str]:
    if not directory or "${{" in directory or _EXPANSION.search(directory):
        return None
    return os.path.normpath(os.path.join(checkout, directory))
