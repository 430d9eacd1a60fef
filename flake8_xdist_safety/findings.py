"""Findings as data: what a rule judged, where to report it, and the message's fields.

Rules yield :class:`Finding` values; text is made only at the edges (the flake8 adapter,
the fixer's report) by :func:`format_message`, from the one code table (codes.message).
"""
import ast
from typing import Any, Mapping, NamedTuple

from flake8_xdist_safety.codes import message, template_fields


class Finding(NamedTuple):
    #: a code of the table, or ``CODE-variant`` for a second message of the same code
    key: str
    #: the node reported at: its ``lineno``/``col_offset`` are the finding's position
    node: ast.AST
    #: what was judged (a ClassInfo, FunctionInfo, EnvChange, Site, ...), for the fixer
    subject: Any
    fields: Mapping[str, object]

    @property
    def code(self) -> str:
        return self.key.split("-", 1)[0]

    @property
    def line(self) -> int:
        return int(getattr(self.node, "lineno", 1))

    @property
    def col(self) -> int:
        return int(getattr(self.node, "col_offset", 0))


def finding(key: str, node: ast.AST, subject: Any, **fields: object) -> Finding:
    """A Finding whose fields are exactly the template's (a mismatch is a bug here, not
    a garbled message at the user's)."""
    expected = template_fields(key)
    if set(fields) != expected:
        raise ValueError(f"{key}: fields {sorted(fields)} do not match the template's {sorted(expected)}")
    return Finding(key, node, subject, fields)


#: Longest text of one field in a message (the rules cut names and keys shorter already).
MAX_FIELD_CHARS = 200


def format_message(item: Finding) -> str:
    """The flake8 message: ``MXS003 os.environ['A'] is changed ...``. Every field is shown
    bounded (:func:`bounded_text`): a value from the user's code may be anything."""
    return message(item.key, **{name: bounded_text(value) for name, value in item.fields.items()})


def bounded_text(value: object, limit: int = MAX_FIELD_CHARS) -> str:
    """*value* as text of at most *limit* characters, never raising. An int too long for
    ``str()`` (Python refuses more than 4,300 digits: a hex literal of 4,000 digits is one) is
    shown in hex, as such a literal is written; any other value whose ``str()`` fails as ``...``."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int) and not isinstance(value, bool):
        try:
            text = str(value)
        except ValueError:
            text = hex(value)
    else:
        try:
            text = str(value)
        except Exception:  # a value with a broken __str__: show something, never fail
            return "..."
    return text if len(text) <= limit else text[:max(limit - 3, 0)] + "..."
