"""MXS008 - fixed port or fixed temp path shared between xdist workers (exact reports and full
messages from the fast ``lint``; ``# noqa`` and a few messages through the real flake8).

Position convention: the binding / writing *call* node. For a
method chain such as ``Path("/tmp/x").write_text("")`` or ``sock.bind(...)`` the outer call starts
at the start of the whole expression; inside ``with open(...)`` or after ``x = `` it is the column
of the call, not of the statement.
"""
import pytest

from cases import CASE, case

SELECT = "--select=MXS008"


def port(line, col, number, path="test_example.py"):
    return (f"{path}:{line}:{col}: MXS008 fixed port {number} is shared by all xdist workers; "
            "bind port 0 or use a free-port fixture")


def fixed_path(line, col, tmp, path="test_example.py"):
    """*tmp*: the path literal (the message quotes it)."""
    return (f"{path}:{line}:{col}: MXS008 fixed path {tmp!r} is shared by all xdist workers; "
            "use tmp_path / tmp_path_factory")


def body(*lines):
    """A test function whose body is *lines* (each at 4-space indent, starting on line 6)."""
    head = [
        "import asyncio, http.server, logging, os, shutil, socket, socketserver, sqlite3",
        "import uvicorn",
        "from aiohttp import web",
        "from pathlib import Path",
        "def test_it(app, handler, loop, runner, sock):",
    ]
    return "\n".join(head + ["    " + line for line in lines]) + "\n"


# --- (a) fixed ports ----------------------------------------------------------------------------

FIXED_PORTS = [
    ('sock.bind(("127.0.0.1", 8080))', 5, 8080),
    ('socket.socket().bind(("", 8080))', 5, 8080),
    ('srv = socketserver.TCPServer(("localhost", 9000), handler)', 11, 9000),
    ('srv = socketserver.UDPServer(("localhost", 9000), handler)', 11, 9000),
    ('srv = http.server.HTTPServer(("", 8000), handler)', 11, 8000),
    ('srv = http.server.ThreadingHTTPServer(("", 8000), handler)', 11, 8000),
    ('asyncio.start_server(handler, "127.0.0.1", 8888)', 5, 8888),
    ("asyncio.start_server(handler, port=8888)", 5, 8888),
    ('loop.create_server(handler, "127.0.0.1", 8888)', 5, 8888),
    ("loop.create_server(handler, port=8888)", 5, 8888),
    ("uvicorn.run(app, port=8000)", 5, 8000),
    ('config = uvicorn.Config(app, host="127.0.0.1", port=8000)', 14, 8000),
    ("site = web.TCPSite(runner, port=8080)", 12, 8080),
    ("web.run_app(app, port=8080)", 5, 8080),
    ("app.run(port=5000)", 5, 5000),
    ('app.run(host="0.0.0.0", port=5000, debug=True)', 5, 5000),
]


@pytest.mark.parametrize("line, col, number", FIXED_PORTS, ids=[p[0] for p in FIXED_PORTS])
def test_fixed_port_is_reported(lint, line, col, number):
    assert lint.messages(body(line), SELECT) == [port(6, col, number)]


EPHEMERAL_OR_NOT_BINDING = [
    'sock.bind(("127.0.0.1", 0))',
    'srv = socketserver.TCPServer(("localhost", 0), handler)',
    'srv = http.server.HTTPServer(("", 0), handler)',
    'asyncio.start_server(handler, "127.0.0.1", 0)',
    "uvicorn.run(app, port=0)",
    "web.run_app(app, port=0)",
    "app.run(port=0)",
    "app.run(debug=True)",
    "sock.listen(5)",
    "sock.listen(8080)",
    'sock.connect(("127.0.0.1", 8080))',
    'sock.bind(("127.0.0.1", PORT))',
    "uvicorn.run(app, port=PORT)",
    'reply = app.get("http://localhost:8080/health")',
]


@pytest.mark.parametrize("line", EPHEMERAL_OR_NOT_BINDING)
def test_ephemeral_or_non_binding_port_is_not_reported(lint, line):
    assert lint(body(line), SELECT) == []


# --- (b) fixed temp paths ---------------------------------------------------------------------

FIXED_PATHS = [
    ('with open("/tmp/out.txt", "w") as fh:\n        fh.write("x")', 10, "/tmp/out.txt"),
    ('fh = open("/tmp/out.txt", "a")', 10, "/tmp/out.txt"),
    ('fh = open("/tmp/out.bin", "wb")', 10, "/tmp/out.bin"),
    ('fh = open("/tmp/out.txt", "x")', 10, "/tmp/out.txt"),
    ('fh = open("/tmp/out.txt", "r+")', 10, "/tmp/out.txt"),
    ('fh = open("/tmp/out.txt", mode="w")', 10, "/tmp/out.txt"),
    ('fh = open("/var/tmp/out.txt", "w")', 10, "/var/tmp/out.txt"),
    ('Path("/tmp/out.txt").write_text("x")', 5, "/tmp/out.txt"),
    ('Path("/tmp/out.bin").write_bytes(b"x")', 5, "/tmp/out.bin"),
    ('Path("/tmp/workdir").mkdir(parents=True)', 5, "/tmp/workdir"),
    ('Path("/var/tmp/flag").touch()', 5, "/var/tmp/flag"),
    ('os.mkdir("/tmp/workdir")', 5, "/tmp/workdir"),
    ('os.makedirs("/var/tmp/workdir", exist_ok=True)', 5, "/var/tmp/workdir"),
    ('shutil.copy("fixture.txt", "/tmp/fixture.txt")', 5, "/tmp/fixture.txt"),
    ('shutil.copyfile("fixture.txt", "/tmp/fixture.txt")', 5, "/tmp/fixture.txt"),
    ('shutil.copy2("fixture.txt", "/tmp/fixture.txt")', 5, "/tmp/fixture.txt"),
    ('shutil.copytree("fixtures", "/tmp/fixtures")', 5, "/tmp/fixtures"),
    ('shutil.move("fixture.txt", "/tmp/fixture.txt")', 5, "/tmp/fixture.txt"),
    ('conn = sqlite3.connect("/tmp/test.db")', 12, "/tmp/test.db"),
    ('handler = logging.FileHandler("/tmp/test.log")', 15, "/tmp/test.log"),
]


@pytest.mark.parametrize("line, col, tmp", FIXED_PATHS, ids=[p[0].split("\n")[0] for p in FIXED_PATHS])
def test_fixed_temp_path_is_reported(lint, line, col, tmp):
    assert lint.messages(body(line), SELECT) == [fixed_path(6, col, tmp)]


NOT_WRITING_OR_NOT_TMP = [
    'fh = open("/tmp/in.txt")',
    'fh = open("/tmp/in.txt", "r")',
    'fh = open("/tmp/in.bin", "rb")',
    'fh = open("/tmp/in.txt", mode="r")',
    'data = Path("/tmp/in.txt").read_text()',
    'exists = os.path.exists("/tmp/in.txt")',
    'shutil.copy("/tmp/fixture.txt", "fixture.txt")',
    'reply = app.get("http://example.com/tmp/file")',
    'reply = app.post("/tmp/upload", data="x")',
    'fh = open("/tmpdata/out.txt", "w")',
    'fh = open("data/tmp/out.txt", "w")',
    'os.makedirs("build/out", exist_ok=True)',
    'conn = sqlite3.connect(":memory:")',
    "fh = open(path, 'w')",
]


@pytest.mark.parametrize("line", NOT_WRITING_OR_NOT_TMP)
def test_read_only_or_not_tmp_is_not_reported(lint, line):
    assert lint(body(line), SELECT) == []


# --- aliases ------------------------------------------------------------------------------------

ALIASES = [
    case(
        """
        import os as _os

        def test_alias():
            _os.makedirs("/tmp/workdir")
        """,
        fixed_path(4, 5, "/tmp/workdir"),
        id="import-os-as",
    ),
    case(
        """
        from pathlib import Path as P

        def test_alias():
            P("/tmp/out.txt").write_text("x")
        """,
        fixed_path(4, 5, "/tmp/out.txt"),
        id="path-as-p",
    ),
    case(
        """
        from shutil import copy

        def test_alias():
            copy("fixture.txt", "/tmp/fixture.txt")
        """,
        fixed_path(4, 5, "/tmp/fixture.txt"),
        id="from-shutil-import-copy",
    ),
    case(
        """
        from http.server import HTTPServer, BaseHTTPRequestHandler

        def test_alias():
            srv = HTTPServer(("", 8000), BaseHTTPRequestHandler)
        """,
        port(4, 11, 8000),
        id="from-http-server-import",
    ),
    case(
        """
        import uvicorn as uv

        def test_alias(app):
            uv.run(app, port=8000)
        """,
        port(4, 5, 8000),
        id="import-uvicorn-as",
    ),
]


@pytest.mark.parametrize(CASE, ALIASES)
def test_alias_forms_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


# --- several calls in one test: only the fixed ports and paths are reported ----------------------

SEVERAL_CALLS = [
    case(
        """
        import asyncio

        async def test_it(handler, loop, f, host):
            await asyncio.start_server(handler, "127.0.0.1", 8888)
            await loop.create_server(f, host, port=9000)
            await asyncio.start_server(handler, "127.0.0.1", 0)
            await loop.create_server(f, host, port=0)
        """,
        port(4, 11, 8888),
        port(5, 11, 9000),
        id="asyncio-servers"),
    case(
        """
        import uvicorn
        from aiohttp import web

        def test_it(app, runner):
            config = uvicorn.Config(app, port=8000)
            site = web.TCPSite(runner, "0.0.0.0", 8080)
            web.run_app(app, port=8081)
            uvicorn.run(app, port=0)
        """,
        port(5, 14, 8000),
        port(6, 12, 8080),
        port(7, 5, 8081),
        id="uvicorn-aiohttp"),
    case(
        """
        import socketserver
        from http.server import HTTPServer

        def test_it(H):
            socketserver.TCPServer(("", 8000), H)
            HTTPServer(("localhost", 8080), H)
            socketserver.TCPServer(("", 0), H)
        """,
        port(5, 5, 8000),
        port(6, 5, 8080),
        id="socketserver-httpserver"),
    case(
        """
        import socket

        def test_it(app):
            s = socket.socket()
            s.bind(("127.0.0.1", 8080))
            s.listen(5)
            s.bind(("127.0.0.1", 0))
            app.run(host="0.0.0.0", port=5000)
            s.connect(("127.0.0.1", 8080))
        """,
        port(5, 5, 8080),
        port(8, 5, 5000),
        id="bind-listen-run-connect"),
    case(
        """
        def test_it():
            open("/tmp/x", mode="a")
            open("/tmp/x", "rb")
            open("/tmp/x")
            open("/tmp/y", "r+")
            open("/tmpfoo", "w")
            open("relative/tmp/x", "w")
        """,
        fixed_path(2, 5, "/tmp/x"),
        fixed_path(5, 5, "/tmp/y"),
        id="open-modes"),
    case(
        """
        import shutil
        import sqlite3
        import logging
        from pathlib import Path

        def test_it(src, dst):
            Path("/tmp/x").write_text("hi")
            shutil.copy(src, "/tmp/out")
            shutil.copy("/tmp/in", dst)
            sqlite3.connect("/tmp/t.db")
            logging.FileHandler("/var/tmp/log")
            Path("/tmp/x").read_text()
        """,
        fixed_path(10, 5, "/tmp/t.db"),
        fixed_path(11, 5, "/var/tmp/log"),
        fixed_path(7, 5, "/tmp/x"),
        fixed_path(8, 5, "/tmp/out"),
        id="path-shutil-sqlite-logging"),
    case(
        """
        import os
        import shutil
        from pathlib import Path

        def test_it():
            os.makedirs("/tmp/d", exist_ok=True)
            os.mkdir("/var/tmp/e")
            Path("/tmp/f").mkdir(parents=True)
            Path("/var/tmp/g").touch()
            Path("/tmp/h").write_bytes(b"")
            shutil.move("/tmp/a", dst="/tmp/b")
            with Path("/tmp/i").open("w") as fh:
                pass
        """,
        fixed_path(10, 5, "/tmp/h"),
        fixed_path(11, 5, "/tmp/b"),
        fixed_path(12, 10, "/tmp/i"),
        fixed_path(6, 5, "/tmp/d"),
        fixed_path(7, 5, "/var/tmp/e"),
        fixed_path(8, 5, "/tmp/f"),
        fixed_path(9, 5, "/var/tmp/g"),
        id="dirs-touch-move-path-open"),
    case(
        """
        import requests

        def test_it(client):
            requests.get("http://localhost:8000/")
            client.get("/tmp/x")
        """,
        id="urls-and-reads-not-reported"),
]


@pytest.mark.parametrize(CASE, SEVERAL_CALLS)
def test_only_fixed_ports_and_paths_are_reported(lint, src, args, expected):
    assert lint.messages(src, SELECT, *args) == expected


def test_fixture_and_module_level_are_reported(lint):
    src = """
    import socket
    import pytest

    LOG = open("/tmp/suite.log", "w")

    @pytest.fixture
    def server():
        sock = socket.socket()
        sock.bind(("127.0.0.1", 8080))
        yield sock
    """
    assert lint.messages(src, SELECT) == sorted([
        fixed_path(4, 7, "/tmp/suite.log"),
        port(9, 5, 8080),
    ])


def test_non_test_file_is_not_checked(lint):
    src = """
    import uvicorn

    def main(app):
        uvicorn.run(app, port=8000)
        open("/tmp/pid", "w")
    """
    assert lint({"serve.py": src}, SELECT) == []


def test_noqa(lint_flake8):
    src = """
    import socket

    def test_noqa():
        socket.socket().bind(("", 8080))  # noqa: MXS008
        socket.socket().bind(("", 8081))  # noqa: MXS007
    """
    assert lint_flake8(src, SELECT) == ["test_example.py:5:5: MXS008"]


def test_messages_suggest_port_zero_and_tmp_path(project):
    project.write(
        {
            "test_example.py": """
            import socket

            def test_it():
                socket.socket().bind(("", 8080))
                open("/tmp/out.txt", "w")
            """
        }
    )
    assert project.flake8(SELECT) == [port(4, 5, 8080), fixed_path(5, 5, "/tmp/out.txt")]


def test_joined_path_is_shown_whole(project):
    project.write({"test_example.py": """
        from pathlib import Path


        def test_write():
            (Path("/tmp") / "out.txt").write_text("x")
        """})
    assert project.flake8("--select=MXS008") == [fixed_path(5, 5, "/tmp/out.txt")]


def test_joined_part_that_is_not_a_literal_is_shown_as_dots(lint):
    src = """
    from pathlib import Path


    def test_write(name):
        (Path("/tmp") / name / "y.txt").write_text("x")
    """
    assert lint.messages(src, "--select=MXS008") == [fixed_path(5, 5, "/tmp/.../y.txt")]


def test_port_bound_to_a_module_level_name(lint):
    src = """
    import socketserver

    PORT = 8000
    EPHEMERAL = 0


    def test_serve(handler):
        socketserver.TCPServer(("", PORT), handler)
        socketserver.TCPServer(("", EPHEMERAL), handler)
    """
    assert lint.messages(src, "--select=MXS008") == [port(8, 5, 8000)]
