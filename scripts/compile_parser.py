"""Compile the parsing modules (pipelines.compiled.MODULES) with mypyc into one group of
C extensions beside their .py files, and record each source's sha256 in
pipelines/_compiled.json, which `pipelines.compiled.guard` checks at import.

Run by `make venv` (and so by `make run`, `make test`, `make bench`): does nothing when
the build is current. Where mypyc or the C compiler fails it says so and leaves the
interpreted modules (no extension files), unless OGI_REQUIRE_COMPILED=1 (CI): then it fails.
"""
import hashlib
import importlib.util
import json
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
PKG = ROOT / "pipelines"
RECORD = PKG / "_compiled.json"
GROUP = "pipelines._mypyc"   # the group's shared library: pipelines/_mypyc__mypyc.*.so
MYPY_FLAGS = ["--config-file", str(ROOT / "scripts" / "mypyc.ini")]  # the options and why: in that file
REQUIRE = os.environ.get("OGI_REQUIRE_COMPILED") == "1"


def _modules() -> tuple[str, ...]:
    """The module list of pipelines/compiled.py, loaded from its file (not through the
    package, whose import would already consult the build being made)."""
    spec = importlib.util.spec_from_file_location("_ogi_compiled", PKG / "compiled.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.MODULES


def _hashes(mods) -> dict[str, str]:
    return {m: hashlib.sha256((PKG / f"{m}.py").read_bytes()).hexdigest() for m in mods}


def _extensions() -> list[pathlib.Path]:
    return list(PKG.rglob("*.so"))


def _remove() -> None:
    """All or nothing: the group's modules call each other natively."""
    RECORD.unlink(missing_ok=True)
    for so in _extensions():
        so.unlink()


def _fail(msg: str) -> None:
    _remove()
    print(f"compile_parser: {msg}; the parser runs interpreted", file=sys.stderr)
    sys.exit(1 if REQUIRE else 0)


def main() -> None:
    mods = _modules()
    want = _hashes(mods)
    try:
        have = json.loads(RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        have = {}
    if have == want and _extensions():
        return  # current
    os.chdir(ROOT)
    _remove()
    t0 = time.perf_counter()
    print(f"compile_parser: compiling {len(mods)} parsing modules with mypyc (about a minute)", file=sys.stderr)
    try:
        from mypyc.build import mypycify
        from setuptools import setup
        from setuptools.command.build_ext import build_ext
    except ImportError as e:
        _fail(f"mypyc or setuptools missing ({e})")
        return
    try:
        exts = mypycify(MYPY_FLAGS + [f"pipelines/{m}.py" for m in mods], group_name=GROUP)
    except SystemExit as e:  # mypyc exits on a type error
        _fail(f"mypyc refused the sources (type errors, exit {e.code})")
        return
    failed: list[str] = []

    class BuildExt(build_ext):
        def build_extension(self, ext) -> None:
            try:
                super().build_extension(ext)
            except Exception as e:  # noqa: BLE001 - recorded, then the whole build is dropped
                failed.append(f"{ext.name}: {e}")
                raise

    for ext in exts:
        ext.optional = True  # a C error is reported here instead of raised
    setup(name="ogi-parser-compiled", ext_modules=exts, cmdclass={"build_ext": BuildExt},
          script_args=["-q", "build_ext", "--inplace", "--build-temp", "build/mypyc-temp"])
    if failed or len(_extensions()) < len(mods):
        _fail("C build failed: " + ("; ".join(failed) or "extensions missing"))
        return
    RECORD.write_text(json.dumps(want, indent=1) + "\n", encoding="utf-8")
    print(f"compile_parser: done in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
