"""MXS008 - fixed port or fixed temp path shared between xdist workers (exact reports from the fast ``lint``; ``# noqa`` and the messages through the real flake8).

Position convention: the binding / writing *call* node. For a
method chain such as ``Path("/tmp/x").write_text("")`` or ``sock.bind(...)`` the outer call starts
at the start of the whole expression; inside ``with open(...)`` or after ``x = `` it is the column
of the call, not of the statement.
"""
import pytest

from cases import CASE, case

SELECT = "--select=MXS008"


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
    ('sock.bind(("127.0.0.1", 8080))', 5),
    ('socket.socket().bind(("", 8080))', 5),
    ('srv = socketserver.TCPServer(("localhost", 9000), handler)', 11),
    ('srv = socketserver.UDPServer(("localhost", 9000), handler)', 11),
    ('srv = http.server.HTTPServer(("", 8000), handler)', 11),
    ('srv = http.server.ThreadingHTTPServer(("", 8000), handler)', 11),
    ('asyncio.start_server(handler, "127.0.0.1", 8888)', 5),
    ("asyncio.start_server(handler, port=8888)", 5),
    ('loop.create_server(handler, "127.0.0.1", 8888)', 5),
    ("loop.create_server(handler, port=8888)", 5),
    ("uvicorn.run(app, port=8000)", 5),
    ('config = uvicorn.Config(app, host="127.0.0.1", port=8000)', 14),
    ("site = web.TCPSite(runner, port=8080)", 12),
    ("web.run_app(app, port=8080)", 5),
    ("app.run(port=5000)", 5),
    ('app.run(host="0.0.0.0", port=5000, debug=True)', 5),
]


@pytest.mark.parametrize("line, col", FIXED_PORTS, ids=[p[0] for p in FIXED_PORTS])
def test_fixed_port_is_reported(lint, line, col):
    assert lint(body(line), SELECT) == [f"test_example.py:6:{col}: MXS008"]


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
    ('with open("/tmp/out.txt", "w") as fh:\n        fh.write("x")', 10),
    ('fh = open("/tmp/out.txt", "a")', 10),
    ('fh = open("/tmp/out.bin", "wb")', 10),
    ('fh = open("/tmp/out.txt", "x")', 10),
    ('fh = open("/tmp/out.txt", "r+")', 10),
    ('fh = open("/tmp/out.txt", mode="w")', 10),
    ('fh = open("/var/tmp/out.txt", "w")', 10),
    ('Path("/tmp/out.txt").write_text("x")', 5),
    ('Path("/tmp/out.bin").write_bytes(b"x")', 5),
    ('Path("/tmp/workdir").mkdir(parents=True)', 5),
    ('Path("/var/tmp/flag").touch()', 5),
    ('os.mkdir("/tmp/workdir")', 5),
    ('os.makedirs("/var/tmp/workdir", exist_ok=True)', 5),
    ('shutil.copy("fixture.txt", "/tmp/fixture.txt")', 5),
    ('shutil.copyfile("fixture.txt", "/tmp/fixture.txt")', 5),
    ('shutil.copy2("fixture.txt", "/tmp/fixture.txt")', 5),
    ('shutil.copytree("fixtures", "/tmp/fixtures")', 5),
    ('shutil.move("fixture.txt", "/tmp/fixture.txt")', 5),
    ('conn = sqlite3.connect("/tmp/test.db")', 12),
    ('handler = logging.FileHandler("/tmp/test.log")', 15),
]


@pytest.mark.parametrize("line, col", FIXED_PATHS, ids=[p[0].split("\n")[0] for p in FIXED_PATHS])
def test_fixed_temp_path_is_reported(lint, line, col):
    assert lint(body(line), SELECT) == [f"test_example.py:6:{col}: MXS008"]


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
        "test_example.py:4:5: MXS008",
        id="import-os-as",
    ),
    case(
        """
        from pathlib import Path as P

        def test_alias():
            P("/tmp/out.txt").write_text("x")
        """,
        "test_example.py:4:5: MXS008",
        id="path-as-p",
    ),
    case(
        """
        from shutil import copy

        def test_alias():
            copy("fixture.txt", "/tmp/fixture.txt")
        """,
        "test_example.py:4:5: MXS008",
        id="from-shutil-import-copy",
    ),
    case(
        """
        from http.server import HTTPServer, BaseHTTPRequestHandler

        def test_alias():
            srv = HTTPServer(("", 8000), BaseHTTPRequestHandler)
        """,
        "test_example.py:4:11: MXS008",
        id="from-http-server-import",
    ),
    case(
        """
        import uvicorn as uv

        def test_alias(app):
            uv.run(app, port=8000)
        """,
        "test_example.py:4:5: MXS008",
        id="import-uvicorn-as",
    ),
]


@pytest.mark.parametrize(CASE, ALIASES)
def test_alias_forms_are_reported(lint, src, args, expected):
    assert lint(src, SELECT, *args) == expected


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
        "test_example.py:4:11: MXS008",
        "test_example.py:5:11: MXS008",
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
        "test_example.py:5:14: MXS008",
        "test_example.py:6:12: MXS008",
        "test_example.py:7:5: MXS008",
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
        "test_example.py:5:5: MXS008",
        "test_example.py:6:5: MXS008",
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
        "test_example.py:5:5: MXS008",
        "test_example.py:8:5: MXS008",
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
        "test_example.py:2:5: MXS008",
        "test_example.py:5:5: MXS008",
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
        "test_example.py:10:5: MXS008",
        "test_example.py:11:5: MXS008",
        "test_example.py:7:5: MXS008",
        "test_example.py:8:5: MXS008",
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
        "test_example.py:10:5: MXS008",
        "test_example.py:11:5: MXS008",
        "test_example.py:12:10: MXS008",
        "test_example.py:6:5: MXS008",
        "test_example.py:7:5: MXS008",
        "test_example.py:8:5: MXS008",
        "test_example.py:9:5: MXS008",
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
    assert lint(src, SELECT, *args) == expected


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
    assert lint(src, SELECT) == sorted([
        "test_example.py:4:7: MXS008",
        "test_example.py:9:5: MXS008",
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
    port_line, path_line = project.flake8(SELECT)
    assert port_line.startswith("test_example.py:4:5: MXS008 ")
    assert "8080" in port_line and "port 0" in port_line
    assert path_line.startswith("test_example.py:5:5: MXS008 ")
    assert "/tmp/out.txt" in path_line and "tmp_path" in path_line


def test_joined_path_is_shown_whole(project):
    project.write({"test_example.py": """
        from pathlib import Path


        def test_write():
            (Path("/tmp") / "out.txt").write_text("x")
        """})
    assert project.flake8("--select=MXS008") == [
        "test_example.py:5:5: MXS008 fixed path '/tmp/out.txt' is shared by all xdist workers; "
        "use tmp_path / tmp_path_factory"
    ]


def test_port_bound_to_a_module_level_name(lint):
    src = """
    import socketserver

    PORT = 8000
    EPHEMERAL = 0


    def test_serve(handler):
        socketserver.TCPServer(("", PORT), handler)
        socketserver.TCPServer(("", EPHEMERAL), handler)
    """
    assert lint(src, "--select=MXS008") == ["test_example.py:8:5: MXS008"]
