"""The compiled parser (mypyc, pipelines/compiled.py): built where CI asks for it, the
same output as the interpreted modules on real and synthetic reports and on damaged
ones, a stale build never used, and a compiled-only failure read again interpreted."""
import os
import pathlib
import random
import shutil
import subprocess
import sys

import pytest

from pipelines import compiled
from pipelines.tools import synth
from pipelines.parse.extract import _read_interpreted, extract_report

from conftest import DEV, SHARED
from perturb import KINDS, perturb as _perturb

from conftest import ROOT  # noqa: E402
needs_build = pytest.mark.skipif(not compiled.active(), reason=f"compiled parser not in use: {compiled.status()}")


def _dump(res) -> tuple:
    return sorted(res.report.items()), [f.astuple() for f in res.facts], [c.astuple() for c in res.checks], res.text


def _inputs():
    for p in sorted((SHARED / "seeds").iterdir()):
        yield p.name, p.read_bytes()
    for p in sorted(DEV.iterdir()):
        if p.is_file() and p.suffix != ".tsv":
            yield p.name, p.read_bytes()
    for i in range(60):
        s = synth.make_report(23, i, blanks=i % 3 == 0, gaps=i % 5 == 0)
        yield s.file, s.data
    rng = random.Random(5)
    seeds = sorted((SHARED / "seeds").iterdir())
    for i in range(40):
        p = seeds[i % len(seeds)]
        kind = KINDS[i % len(KINDS)]
        yield f"{kind}-{p.name}", _perturb(p.read_text(encoding="utf-8"), kind, rng).encode()


def test_ci_builds_the_compiled_parser():
    if os.environ.get("OGI_REQUIRE_COMPILED") != "1":
        pytest.skip("only required where OGI_REQUIRE_COMPILED=1 (CI)")
    assert compiled.active(), compiled.status()
    assert pathlib.Path(sys.modules["pipelines.parse.tokens"].__file__).suffix == ".so"


@needs_build
def test_compiled_and_interpreted_give_the_same_output():
    pure = compiled.interpreted("parse.extract")
    assert pathlib.Path(pure.__file__).suffix == ".py"
    n = 0
    for name, data in _inputs():
        assert _dump(extract_report(data, name)) == _dump(pure.extract_report(data, name)), name
        n += 1
    assert n > 100


def test_a_compiled_failure_is_read_again_interpreted():
    seed = sorted((SHARED / "seeds").iterdir())[0]
    res = _read_interpreted(seed.read_bytes(), seed.name, TypeError("str object expected; got None"))
    plain = extract_report(seed.read_bytes(), seed.name)
    assert type(res) is type(plain) and type(res.facts[0]) is type(plain.facts[0])  # this package's classes
    assert [(f.key, f.value) for f in res.facts] == [(f.key, f.value) for f in plain.facts]
    last = res.checks[-1]
    assert (last.check, last.passed, last.severity) == ("parse.compiled", False, "warning")
    assert last.detail == ("the compiled parser raised TypeError: str object expected; got None; "
                           "read by the interpreted parser")


def _load_in_copy(tmp_path, env_extra=None, edit=None) -> subprocess.CompletedProcess:
    copy = tmp_path / "pipelines"
    if not copy.exists():
        shutil.copytree(ROOT / "pipelines", copy, ignore=shutil.ignore_patterns("__pycache__"))
    if edit:
        with open(copy / edit, "a", encoding="utf-8") as fh:
            fh.write("\n# edited after the build\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), **(env_extra or {})}
    if "OGI_PURE" not in (env_extra or {}):
        env.pop("OGI_PURE", None)
    code = ("import pipelines, pipelines.compiled as c, pipelines.parse.tokens as t, pipelines.parse.table3 as t3; "
            "print(c.status()); print(t.__file__.rsplit('.', 1)[-1], t3.__file__.rsplit('.', 1)[-1])")
    return subprocess.run([sys.executable, "-W", "always", "-c", code], env=env, cwd=tmp_path,
                          capture_output=True, text=True, check=True)


@needs_build
def test_a_stale_build_is_not_used(tmp_path):
    out = _load_in_copy(tmp_path, edit="parse/labels.py")
    assert out.stdout.splitlines() == ["stale build (parse/labels changed since compiled)", "py py"]
    assert "compiled parser not used: stale build (parse/labels changed since compiled); run `make venv`" in out.stderr


@needs_build
def test_ogi_pure_loads_the_interpreted_modules(tmp_path):
    assert _load_in_copy(tmp_path).stdout.splitlines() == ["compiled", "so so"]
    out = _load_in_copy(tmp_path, env_extra={"OGI_PURE": "1"})
    assert out.stdout.splitlines() == ["OGI_PURE=1", "py py"]
    assert out.stderr == ""
