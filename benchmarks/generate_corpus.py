"""Write a deterministic, synthetic, mock-heavy pytest suite for the benchmark.

The corpus is made of independent "packages". Scale N writes 4*N of them; package
number k is generated from its own random stream (seeded by ``--seed`` and k), so the
scale-1 corpus is exactly the first four packages of every bigger corpus and the same
arguments always give byte-identical files. Each package has:

* ``tests/conftest.py``   - fixtures, several of them session/module scoped, env and
                            dependency-override mutations, (in every other package) an
                            autouse gc.collect() fixture;
* ``tests/test_*.py`` (8) - test classes holding mocks, ``@patch`` decorators, ``with
                            patch(...)`` blocks, patchers started in setup, module-level
                            mocks, ``os.environ`` writes, fixed ports / paths,
                            performance-marked tests, and a lot of ordinary assertions;
* ``helpers.py``, ``factories.py``, ``models.py`` - plain modules the plugin must skip.

Scale 1 is 56 files and about 11,300 lines (scale 16: about 181,000). Only the standard library is used.

    python benchmarks/generate_corpus.py --scale 4 --out /tmp/mxs-corpus-4
"""
import argparse
import os
import random
import shutil
import sys
from typing import Dict, List, Optional, Tuple

PACKAGES_PER_SCALE = 4
TEST_FILES_PER_PACKAGE = 8

NOUNS = [
    "account", "invoice", "order", "payment", "customer", "session", "report", "shipment",
    "ledger", "profile", "catalog", "basket", "coupon", "refund", "tenant", "webhook",
]
ENV_VARS = ["APP_ENV", "DATABASE_URL", "FEATURE_FLAGS", "CACHE_TTL", "API_TOKEN", "TZ"]
PORTS = [8000, 8080, 5432, 6379, 9200]
PATHS = ["/tmp/app.sock", "/tmp/cache.db", "/tmp/reports"]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--scale", type=int, default=1, help="corpus size multiplier (default 1)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"),
                        help="output directory, replaced if it exists (default: benchmarks/corpus)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be >= 1")
    files, lines = write_corpus(args.out, args.scale, args.seed)
    print(f"wrote {files} files, {lines} lines to {args.out}")
    return 0


def write_corpus(out: str, scale: int, seed: int = 0) -> Tuple[int, int]:
    """(Re)create *out* with the corpus; return (number of files, number of lines)."""
    if os.path.isdir(out):
        shutil.rmtree(out)
    n_files = n_lines = 0
    for k in range(PACKAGES_PER_SCALE * scale):
        for rel, text in sorted(package_files(k, seed).items()):
            path = os.path.join(out, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            n_files += 1
            n_lines += text.count("\n")
    return n_files, n_lines


def package_files(k: int, seed: int) -> Dict[str, str]:
    rng = random.Random(f"mxs-corpus:{seed}:{k}")
    pkg = f"pkg{k:03d}"
    nouns = rng.sample(NOUNS, 6)
    files = {
        f"{pkg}/__init__.py": "",
        f"{pkg}/models.py": models_module(rng, nouns),
        f"{pkg}/helpers.py": helpers_module(rng, pkg, nouns),
        f"{pkg}/factories.py": factories_module(rng, pkg, nouns),
        f"{pkg}/tests/__init__.py": "",
        f"{pkg}/tests/conftest.py": conftest_module(rng, pkg, nouns, gc_fixture=k % 2 == 0),
    }
    for i in range(TEST_FILES_PER_PACKAGE):
        noun = nouns[i % len(nouns)]
        files[f"{pkg}/tests/test_{noun}_{i}.py"] = test_module(rng, pkg, noun, i)
    return files


# -- plain modules ------------------------------------------------------------------------

def models_module(rng: random.Random, nouns: List[str]) -> str:
    out = ['"""Domain models."""', "import dataclasses", "import datetime",
           "from typing import Dict, List, Optional", "", ""]
    for noun in nouns:
        cls = camel(noun)
        out += [
            "@dataclasses.dataclass",
            f"class {cls}:",
            "    id: int",
            "    name: str",
            "    created: datetime.datetime = dataclasses.field(default_factory=datetime.datetime.now)",
            "    tags: List[str] = dataclasses.field(default_factory=list)",
            "    parent_id: Optional[int] = None",
            "",
            "    def to_dict(self) -> Dict[str, object]:",
            "        return {",
            '            "id": self.id,',
            '            "name": self.name,',
            '            "created": self.created.isoformat(),',
            '            "tags": sorted(self.tags),',
            '            "parent_id": self.parent_id,',
            "        }",
            "",
            "    @classmethod",
            f"    def from_dict(cls, data: Dict[str, object]) -> \"{cls}\":",
            "        return cls(",
            '            id=int(data["id"]),',
            '            name=str(data["name"]),',
            '            tags=list(data.get("tags", [])),',
            '            parent_id=data.get("parent_id"),',
            "        )",
            "",
        ]
        for j in range(rng.randint(2, 4)):
            out += [
                f"    def validate_{j}(self) -> bool:",
                f"        if not self.name or len(self.name) > {rng.randint(40, 200)}:",
                "            return False",
                f"        return all(tag.isidentifier() for tag in self.tags) and self.id >= {j}",
                "",
            ]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def helpers_module(rng: random.Random, pkg: str, nouns: List[str]) -> str:
    out = ['"""Test helpers shared by the package\'s tests (not a test file)."""', "import json",
           "import os", "from typing import Any, Dict, Iterable, List", "",
           f"from {pkg}.models import " + ", ".join(camel(n) for n in nouns), "", ""]
    for noun in nouns:
        out += [
            f"def make_{noun}_payload(count: int = 3, **extra: Any) -> List[Dict[str, Any]]:",
            "    items = []",
            "    for index in range(count):",
            f'        item = {{"id": index, "name": "{noun}-%d" % index, "tags": ["a", "b"]}}',
            "        item.update(extra)",
            "        items.append(item)",
            "    return items",
            "",
            "",
            f"def assert_{noun}_equal(left: Dict[str, Any], right: Dict[str, Any]) -> None:",
            "    missing = set(left) ^ set(right)",
            '    assert not missing, "keys differ: %s" % sorted(missing)',
            "    for key in left:",
            '        assert left[key] == right[key], (key, left[key], right[key])',
            "",
            "",
        ]
    out += [
        "def load_fixture(name: str) -> Any:",
        '    path = os.path.join(os.path.dirname(__file__), "data", name)',
        "    with open(path) as fh:",
        "        return json.load(fh)",
        "",
        "",
        "def chunks(items: Iterable[Any], size: int) -> List[List[Any]]:",
        "    out, current = [], []",
        "    for item in items:",
        "        current.append(item)",
        "        if len(current) == size:",
        "            out.append(current)",
        "            current = []",
        "    if current:",
        "        out.append(current)",
        "    return out",
    ]
    if rng.random() < 0.5:
        out += ["", "", "def env_flag(name: str) -> bool:",
                '    return os.environ.get(name, "").lower() in ("1", "true", "yes")']
    return "\n".join(out) + "\n"


def factories_module(rng: random.Random, pkg: str, nouns: List[str]) -> str:
    out = ['"""Object factories for tests (not a test file)."""', "import itertools",
           "from unittest import mock", "",
           f"from {pkg}.models import " + ", ".join(camel(n) for n in nouns), "",
           "_ids = itertools.count(1)", "", ""]
    for noun in nouns:
        cls = camel(noun)
        out += [
            f"def build_{noun}(**overrides):",
            f'    values = {{"id": next(_ids), "name": "{noun}", "tags": []}}',
            "    values.update(overrides)",
            f"    return {cls}(**values)",
            "",
            "",
            f"def mock_{noun}_repository():",
            "    repo = mock.MagicMock(name=\"%s_repository\" % " + repr(noun) + ")",
            f"    repo.get.return_value = build_{noun}()",
            "    repo.list.return_value = []",
            "    return repo",
            "",
            "",
        ]
    if rng.random() < 0.5:
        out += ["def build_many(factory, count=5):",
                "    return [factory() for _ in range(count)]", ""]
    return "\n".join(out).rstrip() + "\n"


# -- conftest -------------------------------------------------------------------------------

def conftest_module(rng: random.Random, pkg: str, nouns: List[str], gc_fixture: bool) -> str:
    out = ['"""Fixtures for the package."""', "import gc", "import os", "from unittest import mock",
           "from unittest.mock import MagicMock, patch", "", "import pytest", "",
           f"from {pkg} import factories", "", "", "class _App:",
           "    def __init__(self):", "        self.dependency_overrides = {}", "", "",
           "app = _App()", "", "",
           "def get_db():", "    raise RuntimeError(\"no database in tests\")", "", ""]
    if gc_fixture:  # half the packages collect garbage after every test
        out += [
            "@pytest.fixture(autouse=True)",
            "def _collect_garbage():",
            "    yield",
            "    gc.collect()",
            "",
            "",
        ]
    for noun in nouns:
        scope = rng.choice(["session", "module", "function", "function", "package"])
        deco = "@pytest.fixture" if scope == "function" else f'@pytest.fixture(scope="{scope}")'
        out += [
            deco,
            f"def {noun}_repository():",
            f"    return factories.mock_{noun}_repository()",
            "",
            "",
            deco,
            f"def {noun}_client():",
            f'    client = MagicMock(name="{noun}_client")',
            f'    client.fetch.return_value = {{"status": "ok", "{noun}": []}}',
            "    yield client",
            "    client.reset_mock()",
            "",
            "",
        ]
    out += [
        '@pytest.fixture(scope="session")',
        "def settings():",
        f'    os.environ["{rng.choice(ENV_VARS)}"] = "test"',
        '    return {"debug": True, "retries": 3}',
        "",
        "",
        "@pytest.fixture",
        "def db_override():",
        "    fake = MagicMock()",
        "    app.dependency_overrides[get_db] = lambda: fake",
        "    yield fake",
        "    app.dependency_overrides.clear()",
        "",
        "",
        "@pytest.fixture",
        "def leaky_override():",
        "    app.dependency_overrides[get_db] = MagicMock",
        "    return app",
        "",
        "",
        "@pytest.fixture",
        "def env(monkeypatch):",
        f'    monkeypatch.setenv("{rng.choice(ENV_VARS)}", "1")',
        "    return os.environ",
        "",
        "",
        "@pytest.fixture",
        "def clock():",
        '    with patch("time.time", return_value=1_700_000_000.0) as fake:',
        "        yield fake",
    ]
    return "\n".join(out) + "\n"


# -- test modules -----------------------------------------------------------------------------

def test_module(rng: random.Random, pkg: str, noun: str, index: int) -> str:
    cls = camel(noun)
    out = [
        f'"""Tests for the {noun} service ({index})."""',
        "import gc",
        "import os",
        "import socket",
        "import unittest",
        "from unittest import mock",
        "from unittest.mock import AsyncMock, MagicMock, call, create_autospec, patch",
        "",
        "import pytest",
        "",
        f"from {pkg} import factories, helpers",
        f"from {pkg}.models import {cls}",
        "",
    ]
    if rng.random() < 0.4:
        out += [f"SHARED_{noun.upper()} = MagicMock()", ""]
    if rng.random() < 0.3:
        out += [f'_module_patcher = patch("{pkg}.helpers.load_fixture")', "_module_patcher.start()", ""]
    out.append("")
    for n in range(rng.randint(1, 3)):
        out += test_class(rng, pkg, noun, cls, n)
    for n in range(rng.randint(3, 6)):
        out += test_function(rng, pkg, noun, cls, n)
    if rng.random() < 0.5:
        out += unittest_class(rng, pkg, noun, cls)
    return "\n".join(out).rstrip() + "\n"


def test_class(rng: random.Random, pkg: str, noun: str, cls: str, n: int) -> List[str]:
    out = []
    if rng.random() < 0.5:
        out.append(f'@pytest.mark.xdist_group(name="{noun}")')
    elif rng.random() < 0.2:
        out.append("@pytest.mark.xdist_group")
    out += [f"class Test{cls}{n}:"]
    if rng.random() < 0.3:
        out += [f"    shared = MagicMock(name=\"{noun}_shared\")", ""]
    out += [
        "    def setup_method(self):",
        "        self.repo = MagicMock()",
        f"        self.service = create_autospec(helpers.make_{noun}_payload)",
        f"        self.items = helpers.make_{noun}_payload({rng.randint(2, 9)})",
    ]
    if rng.random() < 0.4:
        out += [f'        self.patcher = patch("{pkg}.helpers.chunks")',
                "        self.chunks = self.patcher.start()"]
    out.append("")
    if rng.random() < 0.5:
        out += ["    def teardown_method(self):", "        self.repo.reset_mock()"]
        if rng.random() < 0.6:
            out.append("        gc.collect()")
        out.append("")
    for m in range(rng.randint(2, 4)):
        out += test_method(rng, pkg, noun, cls, m)
    out.append("")
    return out


def test_method(rng: random.Random, pkg: str, noun: str, cls: str, m: int) -> List[str]:
    kind = rng.randrange(6)
    out = []
    if kind == 0:
        out += [
            f'    @patch("{pkg}.helpers.load_fixture")',
            f'    @patch("{pkg}.factories.build_{noun}")',
            f"    def test_loads_{m}(self, build, load_fixture):",
            f'        load_fixture.return_value = {{"id": {m}, "name": "x"}}',
            f"        build.return_value = {cls}(id={m}, name=\"x\")",
            f"        result = {cls}.from_dict(load_fixture(\"{noun}.json\"))",
            f"        assert result.id == {m}",
            '        assert result.name == "x"',
            "        load_fixture.assert_called_once()",
        ]
    elif kind == 1:
        out += [
            f"    def test_with_block_{m}(self):",
            f'        with patch.object({cls}, "validate_0", return_value=True) as validate:',
            f'            item = {cls}(id={m}, name="ok")',
            "            assert item.validate_0()",
            "            validate.assert_called_once_with()",
            "        assert self.repo.method_calls == []",
        ]
    elif kind == 2:
        out += [
            f"    def test_environment_{m}(self):",
            f'        os.environ["{rng.choice(ENV_VARS)}"] = "{m}"',
            "        assert helpers.env_flag(\"X\") in (True, False)",
        ]
    elif kind == 3:
        out += [
            "    @pytest.mark.parametrize(\"count\", [%s])"
            % ", ".join(str(rng.randint(0, 20)) for _ in range(4)),
            f"    def test_payload_{m}(self, count):",
            f"        items = helpers.make_{noun}_payload(count)",
            "        assert len(items) == count",
            "        for position, item in enumerate(items):",
            '            assert item["id"] == position',
            '            assert item["tags"] == ["a", "b"]',
            "        chunked = helpers.chunks(items, 2)",
            "        assert sum(len(chunk) for chunk in chunked) == count",
        ]
    elif kind == 4:
        out += [
            f"    async def test_async_{m}(self):",
            "        client = AsyncMock()",
            f'        client.get.return_value = {{"{noun}": [1, 2, 3]}}',
            "        result = await client.get(\"/items\")",
            f'        assert result["{noun}"] == [1, 2, 3]',
            '        client.get.assert_awaited_once_with("/items")',
        ]
    else:
        out += [
            f"    def test_repository_{m}(self, {noun}_repository, {noun}_client):",
            f"        {noun}_repository.get.return_value = factories.build_{noun}(name=\"r{m}\")",
            f"        found = {noun}_repository.get({m})",
            f'        assert found.name == "r{m}"',
            f"        {noun}_client.fetch.assert_not_called()",
            f"        {noun}_repository.get.assert_has_calls([call({m})])",
            "        self.repo.save(found)",
            "        self.repo.save.assert_called_once_with(found)",
        ]
    out += ["        " + line for line in filler(rng, rng.randint(1, 6))]
    out.append("")
    return out


def test_function(rng: random.Random, pkg: str, noun: str, cls: str, n: int) -> List[str]:
    kind = rng.randrange(5)
    out = []
    if kind == 0:
        out += [
            f"def test_{noun}_roundtrip_{n}():",
            f'    original = {cls}(id={n}, name="{noun}", tags=["x"])',
            f"    restored = {cls}.from_dict(original.to_dict())",
            "    assert restored.id == original.id",
            "    assert restored.tags == original.tags",
        ]
    elif kind == 1:
        out += [
            "@pytest.mark.performance",
            f"def test_{noun}_throughput_{n}():",
            f"    items = helpers.make_{noun}_payload(1000)",
            "    assert len(helpers.chunks(items, 10)) == 100",
        ]
    elif kind == 2:
        out += [
            f"def test_{noun}_server_{n}():",
            "    sock = socket.socket()",
            f'    sock.bind(("127.0.0.1", {rng.choice(PORTS)}))',
            "    try:",
            f'        with open("{rng.choice(PATHS)}", "w") as fh:',
            '            fh.write("state")',
            "        assert sock.getsockname()[1] > 0",
            "    finally:",
            "        sock.close()",
        ]
    elif kind == 3:
        out += [
            f"def test_{noun}_patcher_{n}():",
            f'    patcher = patch("{pkg}.helpers.env_flag", return_value=True)',
            "    flag = patcher.start()",
            "    assert helpers.env_flag(\"ANY\") is True",
            "    flag.assert_called_once_with(\"ANY\")",
        ]
        if rng.random() < 0.5:
            out.append("    patcher.stop()")
    else:
        out += [
            f"def test_{noun}_override_{n}(db_override, settings, env, clock):",
            "    db_override.query.return_value = []",
            "    assert settings[\"retries\"] == 3",
            "    assert clock.return_value > 0",
            "    with mock.patch.dict(os.environ, {\"TZ\": \"UTC\"}):",
            "        assert os.environ[\"TZ\"] == \"UTC\"",
        ]
    out += ["    " + line for line in filler(rng, rng.randint(2, 8))]
    out += ["", ""]
    return out


def unittest_class(rng: random.Random, pkg: str, noun: str, cls: str) -> List[str]:
    out = [
        f"class {cls}CaseTest(unittest.TestCase):",
        "    def setUp(self):",
        f'        patcher = patch("{pkg}.factories.build_{noun}")',
        "        self.build = patcher.start()",
        "        self.addCleanup(patcher.stop)",
        "        self.client = MagicMock()",
        "",
    ]
    for m in range(rng.randint(2, 4)):
        out += [
            f"    def test_case_{m}(self):",
            f"        self.build.return_value = {cls}(id={m}, name=\"case\")",
            f"        built = factories.build_{noun}()",
            f"        self.assertEqual(built.id, {m})",
            "        self.client.notify(built)",
            "        self.client.notify.assert_called_once_with(built)",
        ]
        out += ["        " + line for line in filler(rng, rng.randint(1, 5))]
        out.append("")
    out.append("")
    return out


def filler(rng: random.Random, count: int) -> List[str]:
    """Ordinary test code: data set-up, loops, comprehensions and assertions."""
    out = []
    for i in range(count):
        kind = rng.randrange(7)
        v = f"value_{i}"
        if kind == 0:
            out.append(f"{v} = {{\"key_{i}\": {rng.randint(0, 999)}, \"flag\": {rng.random() < 0.5}}}")
            out.append(f"assert {v}[\"key_{i}\"] >= 0")
        elif kind == 1:
            out.append(f"{v} = [n * {rng.randint(1, 9)} for n in range({rng.randint(2, 30)}) if n % 2]")
            out.append(f"assert all(n >= 0 for n in {v})")
        elif kind == 2:
            out.append(f"{v} = \"-\".join(str(n) for n in range({rng.randint(1, 9)}))")
            out.append(f"assert {v}.count(\"-\") >= 0, {v}")
        elif kind == 3:
            out += [f"{v} = 0", f"for n in range({rng.randint(2, 12)}):", f"    {v} += n",
                    f"assert {v} == sum(range(n + 1))"]
        elif kind == 4:
            out += ["try:", f"    {v} = int(\"{rng.randint(0, 99)}\")", "except ValueError:",
                    "    pytest.fail(\"not a number\")", f"assert isinstance({v}, int)"]
        elif kind == 5:
            out.append(f"{v} = sorted({{\"b\", \"a\", \"c{i}\"}})")
            out.append(f"assert {v}[0] == \"a\"")
        else:
            out += [f"if {rng.randint(0, 5)} > {rng.randint(0, 5)}:",
                    f"    {v} = None", "else:", f"    {v} = ()", f"assert not {v}"]
    return out


def camel(noun: str) -> str:
    return noun[:1].upper() + noun[1:]


if __name__ == "__main__":
    sys.exit(main())
