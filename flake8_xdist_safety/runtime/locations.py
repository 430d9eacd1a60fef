"""Where a finding is shown: paths relative to the rootdir, and the user's ``def`` for a
fixture, including the ones pytest makes itself from ``setup_class``/``setUpClass``/
``setup_module`` (whose function lives inside pytest)."""
import inspect
import os
from typing import Any, Tuple

#: The xunit-style hooks pytest wraps in fixtures of its own, by the scope of that fixture.
_XUNIT_HOOKS = ("setup_class", "setUpClass", "setup_module", "setUpModule", "teardown_class",
                "tearDownClass", "teardown_module", "tearDownModule")


def relative(path: str, rootdir: str) -> str:
    try:
        return os.path.relpath(path, rootdir)
    except ValueError:  # another drive on Windows
        return path


def _line_of(function: Any) -> int:
    function = getattr(function, "__func__", function)  # a classmethod's function
    code = getattr(function, "__code__", None)
    return int(code.co_firstlineno) if code is not None else 0


def _user_location(request: Any, rootdir: str) -> Tuple[str, int]:
    """The xunit hook's ``def`` in the class or module the fixture belongs to (its class line if
    the hook cannot be found)."""
    owner = getattr(getattr(request, "node", None), "obj", None)
    for name in _XUNIT_HOOKS:
        function = inspect.getattr_static(owner, name, None) if owner is not None else None
        if function is not None and _line_of(function):
            source = inspect.getsourcefile(getattr(function, "__func__", function)) or "?"
            return relative(source, rootdir), _line_of(function)
    if owner is None:
        return "?", 0
    try:
        source = inspect.getsourcefile(owner) or "?"
        return relative(source, rootdir), inspect.getsourcelines(owner)[1]
    except (TypeError, OSError):
        return "?", 0


def fixture_location(fixturedef: Any, request: Any, rootdir: str) -> Tuple[str, int]:
    func = fixturedef.func
    try:
        source = inspect.getsourcefile(func) or "?"
        line = func.__code__.co_firstlineno
    except (TypeError, AttributeError):
        return "?", 0
    if os.sep + "_pytest" + os.sep in source:  # a fixture pytest made from an xunit hook
        return _user_location(request, rootdir)
    return relative(source, rootdir), int(line)
