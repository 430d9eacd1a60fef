"""MXS008: a fixed port or a fixed /tmp path that parallel workers fight over."""
import ast
from typing import Callable, Dict, Iterator, List, Optional

from flake8_xdist_safety.findings import Finding, finding
from flake8_xdist_safety.config import Config
from flake8_xdist_safety.analysis.model import FileModel, Site
from flake8_xdist_safety.analysis.vocabulary import call_argument

_TMP_PREFIXES = ("/tmp/", "/var/tmp/")
_WRITE_MODE_CHARS = set("wax+")


# -- ports -------------------------------------------------------------------------------
# Each binding call is described by where its port expression sits; _fixed_port then reads
# it: a non-zero integer literal, or a name bound to one (``PORT = 8000``).

def _keyword(call: ast.Call, name: str) -> Optional[ast.expr]:
    return call_argument(call, None, name)


def _arg(call: ast.Call, position: int, name: str) -> Optional[ast.expr]:
    return call_argument(call, position, name)


def _address_port(node: Optional[ast.expr]) -> Optional[ast.expr]:
    """The port of a ``(host, port)`` tuple literal."""
    if isinstance(node, ast.Tuple) and len(node.elts) >= 2:
        return node.elts[1]
    return None


def _server_address(call: ast.Call) -> Optional[ast.expr]:
    return _address_port(_arg(call, 0, "server_address"))


_SOCKETSERVERS = ("TCPServer", "UDPServer", "ThreadingTCPServer", "ThreadingUDPServer",
                  "ForkingTCPServer", "ForkingUDPServer")
_PORT_ARGUMENT: Dict[str, Callable[[ast.Call], Optional[ast.expr]]] = {
    **{"socketserver." + n: _server_address for n in _SOCKETSERVERS},
    "http.server.HTTPServer": _server_address,
    "http.server.ThreadingHTTPServer": _server_address,
    "asyncio.start_server": lambda c: _arg(c, 2, "port"),
    "uvicorn.run": lambda c: _keyword(c, "port"),
    "uvicorn.Config": lambda c: _keyword(c, "port"),
    "aiohttp.web.TCPSite": lambda c: _arg(c, 2, "port"),
    "aiohttp.web.run_app": lambda c: _keyword(c, "port"),
}


def _port_argument(site: Site) -> Optional[ast.expr]:
    call: ast.Call = site.node  # type: ignore[assignment]
    func = call.func
    where = _PORT_ARGUMENT.get(site.name or "")
    if where is not None:
        return where(call)
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr == "bind" and len(call.args) == 1 and not call.keywords:
        return _address_port(call.args[0])
    if func.attr == "create_server":  # loop.create_server(factory, host, port)
        return _arg(call, 2, "port")
    if func.attr == "run":  # app.run(port=5000)
        return _keyword(call, "port")
    return None


def _fixed_port(model: FileModel, site: Site) -> Optional[int]:
    node = _port_argument(site)
    value: object
    if isinstance(node, ast.Name):
        value = site.scope.constant(node.id, node)
    elif isinstance(node, ast.Constant):
        value = node.value
    else:
        return None
    return value if isinstance(value, int) and type(value) is int and value > 0 else None


# -- temp paths --------------------------------------------------------------------------

def _tmp_literal(model: FileModel, site: Site, node: Optional[ast.expr]) -> Optional[str]:
    """A fixed path under /tmp or /var/tmp: a literal, a name bound to one, Path(literal)."""
    joined: List[str] = []  # Path("/tmp") / "name" is under /tmp; Path("/tmp") itself is not
    for _ in range(6):  # follow a few Path(...) / name hops, no more
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if value.startswith(_TMP_PREFIXES) or joined and value in ("/tmp", "/var/tmp"):
                return "/".join([value.rstrip("/")] + joined[::-1]) if joined else value
            return None
        if isinstance(node, ast.Name):
            bound = site.scope.constant(node.id, node)
            node = ast.Constant(bound) if isinstance(bound, str) else None
            continue
        if isinstance(node, ast.Call) and _is_path_class(site, node.func) and node.args:
            node = node.args[0]
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            right = node.right
            literal = isinstance(right, ast.Constant) and isinstance(right.value, str)
            joined.append(right.value if literal else "...")  # type: ignore[attr-defined]
            node = node.left
            continue
        return None
    return None


def _is_path_class(site: Site, func: ast.expr) -> bool:
    name = site.scope.resolve(func)
    return name in ("pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath", "pathlib.PurePosixPath")


def _writes(mode: Optional[ast.expr]) -> bool:
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) \
        and bool(_WRITE_MODE_CHARS & set(mode.value))


def _fixed_path(model: FileModel, site: Site) -> Optional[str]:
    call: ast.Call = site.node  # type: ignore[assignment]
    name = site.name or ""
    func = call.func
    if name in ("open", "io.open", "builtins.open"):
        if _writes(_arg(call, 1, "mode")):
            return _tmp_literal(model, site, _arg(call, 0, "file"))
        return None
    if name in ("os.mkdir", "os.makedirs"):
        return _tmp_literal(model, site, _arg(call, 0, "name" if name == "os.makedirs" else "path"))
    if name in ("shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree", "shutil.move"):
        return _tmp_literal(model, site, _arg(call, 1, "dst"))
    if name == "sqlite3.connect":
        return _tmp_literal(model, site, _arg(call, 0, "database"))
    if name == "logging.FileHandler":
        return _tmp_literal(model, site, _arg(call, 0, "filename"))
    if isinstance(func, ast.Attribute) and isinstance(func.value, (ast.Call, ast.BinOp, ast.Name)):
        receiver = func.value
        if func.attr in ("write_text", "write_bytes", "mkdir", "touch"):
            return _path_receiver(model, site, receiver)
        if func.attr == "open" and _writes(_arg(call, 0, "mode")):
            return _path_receiver(model, site, receiver)
    return None


def _path_receiver(model: FileModel, site: Site, receiver: ast.expr) -> Optional[str]:
    # Only a Path(...) expression: a bare name could be any object with a .touch().
    node = receiver
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        node = node.left
    if isinstance(node, ast.Call) and _is_path_class(site, node.func):
        return _tmp_literal(model, site, receiver)
    return None


_PORT_NAMES = (
    "bind", "start_server", "create_server", "run", "Config", "TCPSite", "run_app",
    "HTTPServer", "ThreadingHTTPServer", *_SOCKETSERVERS)
_PATH_NAMES = (
    "open", "write_text", "write_bytes", "mkdir", "touch", "makedirs", "copy", "copy2",
    "copyfile", "copytree", "move", "connect", "FileHandler")
#: the calls MXS008 reads
CALLS = (*_PORT_NAMES, *_PATH_NAMES)


def check_shared_resources(model: FileModel, config: Config) -> Iterator[Finding]:
    """MXS008."""
    for site in model.calls_named(*_PORT_NAMES):
        port = _fixed_port(model, site)
        if port is not None:
            yield finding("MXS008", site.node, site, port=port)
    for site in model.calls_named(*_PATH_NAMES):
        path = _fixed_path(model, site)
        if path is not None:
            yield finding("MXS008-path", site.node, site, path=path)
