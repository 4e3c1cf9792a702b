"""Which parser runs: the parsing modules compiled by mypyc (`make venv` builds them
with scripts/compile_parser.py; about 1.2× faster) when they were built from the current sources, else
the same modules interpreted.

- `guard()` (called by the package __init__, before any parsing module is imported):
  if a compiled module's source changed since it was built (scripts/compile_parser.py
  records each source's hash in `_compiled.json`), or `OGI_PURE=1` is set, every parsing module is
  loaded from its .py file instead: all or none, since compiled modules call each other
  directly. A stale build is never used silently: a warning says what to rebuild.
- `interpreted(name)`: the interpreted module beside the compiled one, as package
  `pipelines_pure` (tests compare the two; extract_report reads a report again with it
  where compiled code raised, so a compiled-only failure costs speed, not a report).

Keep this module itself uncompiled: it must run before the compiled modules load.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import pathlib
import sys
import warnings

HERE = pathlib.Path(__file__).resolve().parent
RECORD = HERE / "_compiled.json"
PURE = "pipelines_pure"

# What is compiled (one mypyc group) and what the cache's parser fingerprint hashes
# (stage/batch.py) follow from the folders, not from lists to keep in step:
# - PARSING: the folders whose code and data shape a report's result (fingerprinted);
# - compiled: every module of parse/, plus the format helpers the HTML reader runs per cell.
PARSING = ("parse", "formats")
COMPILED_FORMATS = ("formats/html", "formats/shape")
MODULES = tuple(sorted(p.relative_to(HERE).with_suffix("").as_posix() for p in (HERE / "parse").rglob("*.py")
                       if p.name != "__init__.py")) + COMPILED_FORMATS


def source_hash(rel: str) -> str:
    return hashlib.sha256((HERE / f"{rel}.py").read_bytes()).hexdigest()


def _built() -> dict[str, str]:
    try:
        return json.loads(RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _has_extension(rel: str) -> bool:
    base = HERE / rel
    return any(base.with_name(base.name + s).exists() for s in importlib.machinery.EXTENSION_SUFFIXES)


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Loads `pipelines.<m>` from its .py file for the compiled modules, and
    `pipelines_pure.<m>` from the package's .py files for any module."""

    def __init__(self, redirect: bool) -> None:
        self.redirect = {"pipelines." + m.replace("/", ".") for m in MODULES} if redirect else set()

    def find_spec(self, name, path=None, target=None):
        if name in self.redirect:
            return importlib.util.spec_from_file_location(name, HERE / (name.split(".", 1)[1].replace(".", "/") + ".py"))
        if name == PURE or name.startswith(PURE + "."):
            base = HERE.joinpath(*name.split(".")[1:])
            if base.is_dir():
                return importlib.util.spec_from_file_location(name, base / "__init__.py",
                                                              submodule_search_locations=[str(base)])
            if base.with_suffix(".py").is_file():
                return importlib.util.spec_from_file_location(name, base.with_suffix(".py"))
        return None


_state = {"compiled": False, "reason": "not checked"}


def guard() -> None:
    """Decide once, at package import, whether the compiled modules may load."""
    present = [m for m in MODULES if _has_extension(m)]
    if not present:
        reason, ok = "not built (pure Python)", False
    elif os.environ.get("OGI_PURE") == "1":
        reason, ok = "OGI_PURE=1", False
    else:
        built = _built()
        stale = [m for m in MODULES if built.get(m) != source_hash(m)]
        ok = not stale and len(present) == len(MODULES)
        reason = "compiled" if ok else f"stale build ({', '.join(stale) or 'incomplete'} changed since compiled)"
        if not ok:
            warnings.warn(f"ogi: compiled parser not used: {reason}; run `make venv` to rebuild it", stacklevel=2)
    _state.update(compiled=ok, reason=reason)
    sys.meta_path.insert(0, _SourceFinder(redirect=not ok))


def active() -> bool:
    """Whether the parsing modules in use are the compiled ones."""
    return bool(_state["compiled"])


def status() -> str:
    return str(_state["reason"])


def interpreted(name: str):
    """The interpreted `pipelines.<name>` (e.g. 'extract'), loaded as pipelines_pure.<name>."""
    return importlib.import_module(f"{PURE}.{name}")
