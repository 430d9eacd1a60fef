"""A pytest configuration file read as pytest reads it: which file names count, which
section holds the options, and which contents make pytest stop with an error.

pytest reads ``.ini``/``.cfg`` files with its own small parser (iniconfig), not with
configparser: keys keep their case (``Python_Files`` is not ``python_files``), a UTF-8
byte-order mark is dropped, there is no ``[DEFAULT]`` section, and a duplicate key or
section, a key before any section, or a line that is neither is an error that stops the
run. TOML files are decoded as plain UTF-8 (a byte-order mark is a TOML error there).
"""
import sys
from typing import Dict, List, Optional, Tuple

from flake8_xdist_safety.analysis.regular_files import read_regular_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on the 3.9/3.10 CI leg
    import tomli as tomllib

#: The files pytest looks for in each directory, in its order (``pytest.toml`` since pytest 9).
CONFIG_FILES = ("pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini",
                "setup.cfg")
_COMMENT_CHARACTERS = "#;"


class Unreadable(Exception):
    """pytest would stop on this file: it cannot be read, or it is malformed."""


def ini_options(path: str, name: str) -> Optional[Dict[str, object]]:
    """The pytest options in the file *path* (named *name* the way pytest looks for it): a
    dict, or None when the file holds no pytest configuration and pytest walks on. Raises
    Unreadable where pytest would stop with an error."""
    data = read_regular_file(path)
    if data is None:  # vanished, unreadable, or over the size bound: nothing can be told
        raise Unreadable(path)
    if name.endswith(".toml"):
        return _toml_options(data, name)
    try:
        sections = ini_sections(data.decode("utf-8"))
    except ValueError as exc:  # UnicodeDecodeError included: pytest's open() would raise it
        raise Unreadable(path) from exc
    if name == "setup.cfg":
        if "tool:pytest" in sections:
            return dict(sections["tool:pytest"])
        if "pytest" in sections:  # pytest refuses a [pytest] section in setup.cfg
            raise Unreadable(path)
        return None
    if "pytest" in sections:
        return dict(sections["pytest"])
    return {} if name != "tox.ini" else None  # pytest.ini counts even without the section


def _toml_options(data: bytes, name: str) -> Optional[Dict[str, object]]:
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except ValueError as exc:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        raise Unreadable(name) from exc
    if name != "pyproject.toml":  # pytest.toml: the [pytest] table, the file counts even if empty
        table = document.get("pytest", {})
        if not isinstance(table, dict) or any(not isinstance(v, dict) for v in document.values()):
            raise Unreadable(name)  # options outside any table: pytest stops
        return dict(table)
    tool = document.get("tool", {})
    pytest_table = tool.get("pytest", {}) if isinstance(tool, dict) else None
    if not isinstance(pytest_table, dict):
        raise Unreadable(name)
    native = {k: v for k, v in pytest_table.items() if k != "ini_options"}
    ini = pytest_table.get("ini_options")
    if native and ini is not None:  # pytest refuses both styles in one file
        raise Unreadable(name)
    if native:
        return native
    if isinstance(ini, dict):
        return dict(ini)
    if ini is not None:
        raise Unreadable(name)
    return None


def ini_sections(text: str) -> Dict[str, Dict[str, str]]:
    """The sections of an ini text, parsed by pytest's rules; ValueError where pytest's
    parser stops."""
    if text.startswith("\ufeff"):
        text = text[1:]
    sections: Dict[str, Dict[str, str]] = {}
    section: Optional[Dict[str, str]] = None
    lines: Optional[List[str]] = None  # the value being read, continuation lines included
    read: List[Tuple[Dict[str, str], str, List[str]]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = "" if raw.lstrip()[:1] in tuple(_COMMENT_CHARACTERS) else raw.rstrip()
        if not line:
            continue
        header = line
        for character in _COMMENT_CHARACTERS:
            header = header.split(character)[0].rstrip()
        if line[0] == "[" and header.endswith("]"):
            name = header[1:-1]
            if not name or name in sections:
                raise ValueError(f"line {number}: empty or duplicate section {name!r}")
            section = sections[name] = {}
            lines = None
        elif line[0].isspace() or line[0] == "[":  # pytest reads a broken header as a continuation
            if lines is None:
                raise ValueError(f"line {number}: a continuation line with nothing to continue")
            lines.append(line.strip())
        else:
            key, separator, rest = line.partition("=")
            if not separator or ":" in key:
                key, separator, rest = line.partition(":")
            if not separator:
                raise ValueError(f"line {number}: unexpected line {line!r}")
            if section is None:
                raise ValueError(f"line {number}: a key before any section")
            key = key.strip()
            if key in section:
                raise ValueError(f"line {number}: duplicate key {key!r}")
            section[key] = ""
            lines = [rest.strip()] if rest.strip() else []
            read.append((section, key, lines))
    for owner, key, value in read:
        owner[key] = "\n".join(value)
    return sections
