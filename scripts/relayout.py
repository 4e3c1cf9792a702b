"""Move pipelines/ into its layer folders (issue 14) and rewrite every reference to the moved
modules and files. Repeatable: run it on a clean checkout of a newer main and it does the
same move there (it stops, changing nothing, when pipelines/ holds a module the table does
not place, or when a patch no longer finds its text).

    python scripts/relayout.py            # git mv + rewrite, in the current checkout
    python scripts/relayout.py --table    # print the old → new table (markdown)

What it does, in order:
1. `git mv` per MOVES (modules, the data and sql folders) and a docstring `__init__.py` per
   new package;
2. rewrites imports in pipelines/, tests/, scripts/, notebooks/: relative imports are
   resolved from the module's old place and written again from its new place; absolute
   `from pipelines import a, b` is split per new package (`from pipelines.publish import
   writer as publish` where the name changed);
3. rewrites dotted names outside imports (`"pipelines.cli:main"`, monkeypatch targets) and
   paths (`pipelines/data/…`, `pipelines/extract.py`) in every text file of the repository;
4. applies PATCHES: code that computes paths from `__file__`, and the rule of what is
   compiled and what the cache fingerprints (compiled.py, batch.py).
"""
from __future__ import annotations

import ast
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# old path (under pipelines/) -> new path; modules, and two folders moved whole
MOVES = {
    # orchestration: the Dagster layer, the only one importing dagster
    "assets.py": "orchestration/assets.py",
    "definitions.py": "orchestration/definitions.py",
    "runner.py": "orchestration/runner.py",          # runs the Dagster job in process
    # parse: bytes of text -> a report's result; compiled by mypyc, fingerprinted by the cache
    "accounting.py": "parse/accounting.py",
    "agencies.py": "parse/agencies.py",
    "datafiles.py": "parse/datafiles.py",
    "digitruns.py": "parse/digitruns.py",
    "extract.py": "parse/extract.py",
    "identities.py": "parse/identities.py",
    "labels.py": "parse/labels.py",
    "metadata.py": "parse/metadata.py",
    "model.py": "parse/model.py",
    "narrative.py": "parse/narrative.py",
    "pre2019.py": "parse/pre2019.py",
    "regexes.py": "parse/regexes.py",
    "regions.py": "parse/regions.py",
    "rows.py": "parse/rows.py",
    "sections.py": "parse/sections.py",
    "table2.py": "parse/table2.py",
    "table3.py": "parse/table3.py",
    "table4.py": "parse/table4.py",
    "textnorm.py": "parse/textnorm.py",
    "tokens.py": "parse/tokens.py",
    "data": "parse/data",
    # formats: other formats' bytes -> text (formats/ itself stays)
    "decode.py": "formats/decode.py",
    # stage: files found, hashed, parsed in a pool under limits, into staged segments
    "batch.py": "stage/batch.py",
    "limits.py": "stage/limits.py",
    "runlock.py": "stage/runlock.py",
    # publish: staged segments -> Parquet + DuckDB
    "publish.py": "publish/writer.py",
    "sources.py": "publish/sources.py",
    "sql": "publish/sql",
    # tools: the command line and what only it runs
    "cli.py": "tools/cli.py",
    "audit.py": "tools/audit.py",
    "bench.py": "tools/bench.py",
    "docs.py": "tools/docs.py",
    "export.py": "tools/export.py",
    "hostile.py": "tools/hostile.py",
    "parity.py": "tools/parity.py",
    "synth.py": "tools/synth.py",
    "synth_pdf.py": "tools/synth_pdf.py",
}
# what stays where it is
STAYS = {"__init__.py", "compiled.py", "formats", "_compiled.json"}

PACKAGES = {
    "orchestration": '''"""The Dagster layer, and the only one that imports dagster: the assets (raw files,
parsed reports, one asset per published table), resources, job, schedule and sensor
(`assets.py`), the code location (`definitions.py`), and the in-process run used by
`ogi run` and the tests (`runner.py`)."""
''',
    "parse": '''"""Parsing: the text of one report -> its facts and checks (`extract.extract_report`), and
the data files that hold label variants and layout facts (`data/`).

Every module here is compiled by mypyc (pipelines/compiled.py) and every file here is
part of the parser fingerprint that keys cached results (stage/batch.py): both rules are
"the parse/ folder". No Dagster, no pandas frames of many reports."""
''',
    "stage": '''"""Staging: find the report files under a folder, know their hashes, decide what needs
parsing, and parse it in a process pool under limits into staged Parquet segments
(`batch.py`, `limits.py`); one writer per warehouse at a time (`runlock.py`)."""
''',
    "publish": '''"""Publishing: staged segments and cached rows -> the warehouse (Parquet files and the
DuckDB file with its views, `writer.py`, `sql/`), the manifests of where reports came from
(`sources.py`)."""
''',
    "tools": '''"""The command line (`cli.py`) and what only it runs: the synthetic corpus (`synth.py`,
`synth_pdf.py`), the benchmarks (`bench.py`, `hostile.py`), output parity (`parity.py`),
the audit page (`audit.py`), generated docs (`docs.py`) and exports (`export.py`)."""
''',
}

# text patches applied after the move: (new path, old text, new text[, times]); each must match once
# (or `times` times), else the script stops: the code changed and the patch needs a look
PATCHES = [
    # paths computed from __file__ in modules now one folder deeper
    ("pipelines/tools/cli.py", "ROOT = pathlib.Path(__file__).resolve().parent.parent\n",
     "ROOT = pathlib.Path(__file__).resolve().parents[2]\n"),
    ("pipelines/tools/bench.py", "ROOT = pathlib.Path(__file__).resolve().parent.parent\n",
     "ROOT = pathlib.Path(__file__).resolve().parents[2]\n"),
    ("pipelines/tools/docs.py", "ROOT = pathlib.Path(__file__).resolve().parent.parent\n",
     "ROOT = pathlib.Path(__file__).resolve().parents[2]\n"),
    ("pipelines/tools/docs.py", 'SQL_DIR = pathlib.Path(__file__).resolve().parent / "sql"\n',
     'SQL_DIR = ROOT / "pipelines" / "publish" / "sql"\n'),
    ("pipelines/publish/writer.py", 'here / "data" / "regions.meta.yaml"',
     'here.parent / "parse" / "data" / "regions.meta.yaml"'),
    ("pipelines/__init__.py", 'DATA = pathlib.Path(__file__).resolve().parent / "data"',
     'DATA = pathlib.Path(__file__).resolve().parent / "parse" / "data"'),
    # the interpreted twin of a compiled module is named by its path under pipelines/
    ("pipelines/parse/extract.py", 'compiled.interpreted("extract")', 'compiled.interpreted("parse.extract")'),
    ("tests/unit/test_compiled.py", 'compiled.interpreted("extract")', 'compiled.interpreted("parse.extract")'),
    # a compiled module is named by its path under pipelines/ in the build record and messages
    ("tests/unit/test_compiled.py", 'edit="labels.py"', 'edit="parse/labels.py"'),
    ("tests/unit/test_compiled.py", "stale build (labels changed", "stale build (parse/labels changed", 2),
]

# the rule of what is compiled and what the cache hashes, replacing two hand-kept lists
COMPILED_RULE = '''# What is compiled (one mypyc group) and what the cache's parser fingerprint hashes
# (stage/batch.py) follow from the folders, not from lists to keep in step:
# - PARSING: the folders whose code and data shape a report's result (fingerprinted);
# - compiled: every module of parse/, plus the format helpers the HTML reader runs per cell.
PARSING = ("parse", "formats")
COMPILED_FORMATS = ("formats/html", "formats/shape")
MODULES = tuple(sorted(p.relative_to(HERE).with_suffix("").as_posix() for p in (HERE / "parse").rglob("*.py")
                       if p.name != "__init__.py")) + COMPILED_FORMATS
'''


def sh(*args: str) -> str:
    return subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def mod_of(rel: str) -> str:
    """'pipelines/parse/x.py' -> 'pipelines.parse.x'; a package's __init__ -> the package."""
    p = pathlib.PurePosixPath(rel).with_suffix("")
    parts = list(p.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODMAP = {mod_of(f"pipelines/{o}"): mod_of(f"pipelines/{n}") for o, n in MOVES.items() if o.endswith(".py")}
NEW_PACKAGES = {f"pipelines.{p}" for p in PACKAGES}


def new_name(old: str) -> str:
    for o, n in MODMAP.items():
        if old == o or old.startswith(o + "."):
            return n + old[len(o):]
    return old


def is_module(name: str) -> bool:
    """Whether the dotted name (old layout) is a module or package of pipelines."""
    if name in MODMAP or name in ("pipelines", "pipelines.compiled", "pipelines.formats"):
        return True
    return name.startswith("pipelines.formats.") and name.count(".") == 2


def check_complete() -> None:
    pkg = ROOT / "pipelines"
    unplaced = [p.name for p in pkg.iterdir()
                if p.name not in MOVES and p.name not in STAYS and p.name != "__pycache__"
                and not p.name.endswith(".so") and (p.suffix == ".py" or p.is_dir())]
    if unplaced:
        sys.exit(f"relayout: pipelines/ holds modules the table does not place: {', '.join(sorted(unplaced))}; "
                 "add them to MOVES")
    missing = [o for o in MOVES if not (pkg / o).exists()]
    if missing:
        sys.exit(f"relayout: already moved or gone: {', '.join(missing)}")
    if sh("git", "status", "--porcelain", "--untracked-files=no").strip():
        sys.exit("relayout: the checkout has uncommitted changes; commit them first")


def move() -> None:
    for p in PACKAGES:
        (ROOT / "pipelines" / p).mkdir(exist_ok=True)
    for old, new in MOVES.items():
        sh("git", "mv", f"pipelines/{old}", f"pipelines/{new}")
    for p, doc in PACKAGES.items():
        init = ROOT / "pipelines" / p / "__init__.py"
        init.write_text(doc, encoding="utf-8")
        sh("git", "add", str(init.relative_to(ROOT)))


# ---------------------------------------------------------------------------
# imports


def _resolve(node: ast.ImportFrom, old_mod: str, is_pkg: bool) -> str:
    """The absolute (old-layout) module a `from X import` names."""
    if not node.level:
        return node.module or ""
    base = old_mod.split(".")
    if not is_pkg:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _relative(target: str, here_mod: str, here_is_pkg: bool) -> str:
    """`target` written relative to the module `here_mod` (new layout): '.x', '..parse.y'."""
    pkg = here_mod.split(".") if here_is_pkg else here_mod.split(".")[:-1]
    t = target.split(".")
    common = 0
    while common < min(len(pkg), len(t)) and pkg[common] == t[common]:
        common += 1
    dots = "." * (len(pkg) - common + 1)
    return dots + ".".join(t[common:])


def _alias(a: ast.alias) -> str:
    return a.name + (f" as {a.asname}" if a.asname else "")


def rewrite_import(node: ast.ImportFrom, old_mod: str | None, new_mod: str | None, is_pkg: bool,
                   indent: str) -> str | None:
    """The statement(s) replacing `node`, or None when it is unchanged."""
    src = _resolve(node, old_mod or "", is_pkg)
    if not (src == "pipelines" or src.startswith("pipelines.")):
        return None
    groups: dict[str, list[str]] = {}
    for a in node.names:
        full = f"{src}.{a.name}"
        if is_module(full) and full in MODMAP:
            new_full = MODMAP[full]
            parent, leaf = new_full.rsplit(".", 1)
            name = leaf if leaf == a.name else f"{leaf} as {a.asname or a.name}"
            if a.asname and leaf == a.name:
                name = f"{leaf} as {a.asname}"
            groups.setdefault(parent, []).append(name)
        else:
            groups.setdefault(new_name(src), []).append(_alias(a))
    relative = bool(node.level)
    rendered = [(_relative(parent, new_mod or "", is_pkg) if relative else parent, names)
                for parent, names in groups.items()]
    original = ("." * node.level + (node.module or "")) if relative else node.module
    if rendered == [(original, [_alias(a) for a in node.names])]:
        return None
    return ("\n" + indent).join(_wrap(f"from {where} import ", names, indent) for where, names in rendered)


def _wrap(head: str, names: list[str], indent: str, width: int = 110) -> str:
    """`head` + names, in parentheses over several lines when one line is too long."""
    line = head + ", ".join(names)
    if len(indent) + len(line) <= width:
        return line
    pad = " " * (len(head) + 1)
    out, cur = [], head + "("
    for i, n in enumerate(names):
        piece = n + (", " if i < len(names) - 1 else ")")
        if len(indent) + len(cur) + len(piece.rstrip()) > width and cur != head + "(":
            out.append(cur.rstrip())
            cur = pad
        cur += piece
    out.append(cur)
    return ("\n" + indent).join(out)


def rewrite_python(text: str, old_mod: str | None, new_mod: str | None, is_pkg: bool) -> tuple[str, list[tuple[int, int]]]:
    """Imports rewritten; returns the text and the (start, end) character spans of import statements."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    offs = [0]
    for ln in lines:
        offs.append(offs[-1] + len(ln))

    def pos(lineno: int, col: int) -> int:
        return offs[lineno - 1] + len(lines[lineno - 1].encode("utf-8")[:col].decode("utf-8"))

    edits = []
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            s, e = pos(node.lineno, node.col_offset), pos(node.end_lineno, node.end_col_offset)
            indent = lines[node.lineno - 1][: len(lines[node.lineno - 1]) - len(lines[node.lineno - 1].lstrip())]
            new = rewrite_import(node, old_mod, new_mod, is_pkg, indent)
            spans.append((s, e))
            if new is not None:
                edits.append((s, e, new))
        elif isinstance(node, ast.Import):
            s, e = pos(node.lineno, node.col_offset), pos(node.end_lineno, node.end_col_offset)
            parts = []
            changed = False
            for a in node.names:
                n = new_name(a.name)
                changed |= n != a.name
                if n != a.name and not a.asname and a.name.count(".") >= 1:
                    parts.append(n)   # `import pipelines.runner` -> `import pipelines.orchestration.runner`
                else:
                    parts.append(n + (f" as {a.asname}" if a.asname else ""))
            spans.append((s, e))
            if changed:
                edits.append((s, e, "import " + ", ".join(parts)))
    for s, e, new in sorted(edits, reverse=True):
        text = text[:s] + new + text[e:]
        delta = len(new) - (e - s)
        spans = [(a, b + delta) if a == s else ((a + delta, b + delta) if a > s else (a, b)) for a, b in spans]
    return text, spans


# ---------------------------------------------------------------------------
# dotted names and paths in any text


def _dotted_re() -> re.Pattern:
    olds = sorted((o for o in MODMAP), key=len, reverse=True)
    alt = "|".join(re.escape(o[len("pipelines."):]) for o in olds)
    # not when the name continues as a module of a new package ('pipelines.publish.writer')
    return re.compile(rf"(?<![\w.])(pipelines|pipelines_pure)\.({alt})(?![\w])(?!\.(?:{'|'.join(sorted(_new_leaves()))})\b)")


def _new_leaves() -> set[str]:
    return {n.rsplit(".", 1)[1] for n in MODMAP.values()} | {"data", "sql"}


def _path_re() -> tuple[re.Pattern, dict[str, str]]:
    m = {f"pipelines/{o}": f"pipelines/{n}" for o, n in MOVES.items()}
    alt = "|".join(re.escape(k) for k in sorted(m, key=len, reverse=True))
    return re.compile(rf"(?<![\w/])({alt})(?!\w)"), m


DOTTED = None
PATHS = None


def rewrite_text(text: str, skip: list[tuple[int, int]] = ()) -> str:
    global DOTTED, PATHS
    DOTTED = DOTTED or _dotted_re()
    PATHS = PATHS or _path_re()
    path_re, pmap = PATHS
    skip = sorted(skip)

    def outside(a: int) -> bool:
        return not any(s <= a < e for s, e in skip)

    def dot(m: re.Match) -> str:
        if not outside(m.start()):
            return m.group(0)
        return new_name(f"pipelines.{m.group(2)}").replace("pipelines", m.group(1), 1)

    text = DOTTED.sub(dot, text)
    text = CODE_IMPORT.sub(lambda m: _code_import(m) if outside(m.start()) else m.group(0), text)
    return path_re.sub(lambda m: pmap[m.group(1)], text)


# `from pipelines import a, b` inside a string of code (a subprocess's `-c` program)
CODE_IMPORT = re.compile(r"\bfrom pipelines import (\w+(?:, \w+)*)")


def _code_import(m: re.Match) -> str:
    groups: dict[str, list[str]] = {}
    for name in m.group(1).split(", "):
        full = new_name(f"pipelines.{name}")
        parent, leaf = full.rsplit(".", 1)
        groups.setdefault(parent, []).append(leaf if leaf == name else f"{leaf} as {name}")
    return "; ".join(f"from {p} import {', '.join(n)}" for p, n in groups.items())


TEXT_SUFFIXES = {".py", ".md", ".toml", ".yaml", ".yml", ".txt", ".cfg", ".ini", ".sql", ".csv", ".json", ".sh", ""}


def rewrite_all() -> list[str]:
    inv = {n: o for o, n in MOVES.items()}
    changed = []
    for rel in sh("git", "ls-files").splitlines():
        p = ROOT / rel
        if not p.is_file() or (p.suffix not in TEXT_SUFFIXES and p.name != "Makefile") or rel.startswith("raw/"):
            continue
        if rel == "scripts/relayout.py":
            continue
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = text
        if p.suffix == ".py":
            old_mod = new_mod = None
            is_pkg = p.name == "__init__.py"
            if rel.startswith("pipelines/"):
                sub = rel[len("pipelines/"):]
                old_sub = inv.get(sub) or next((o + sub[len(n):] for n, o in inv.items()
                                                if not n.endswith(".py") and sub.startswith(n + "/")), sub)
                old_mod, new_mod = mod_of(f"pipelines/{old_sub}"), mod_of(rel)
            new, spans = rewrite_python(new, old_mod, new_mod, is_pkg)
            new = rewrite_text(new, spans)
        else:
            new = rewrite_text(new)
        if new != text:
            p.write_text(new, encoding="utf-8")
            changed.append(rel)
    return changed


def patch() -> None:
    for rel, old, new, *count in PATCHES:
        p = ROOT / rel
        text = p.read_text(encoding="utf-8")
        if text.count(old) != (count[0] if count else 1):
            sys.exit(f"relayout: patch of {rel} expected {count[0] if count else 1} of {old!r}, found {text.count(old)}")
        p.write_text(text.replace(old, new), encoding="utf-8")
    # compiled.py: the module list becomes the rule
    p = ROOT / "pipelines" / "compiled.py"
    text = p.read_text(encoding="utf-8")
    m = re.search(r"^# the modules compiled.*?\nMODULES = \((.*?)\)\n", text, re.S | re.M)
    if not m:
        sys.exit("relayout: compiled.MODULES not found")
    listed = {x.strip().strip('"') for x in m.group(1).replace("\n", " ").split(",") if x.strip()}
    parse_mods = {n[:-3] for o, n in MOVES.items() if n.startswith("parse/") and n.endswith(".py")}
    stray = {x for x in listed if not MOVES.get(f"{x}.py", "").startswith("parse/")
             and x not in ("formats/html", "formats/shape")}
    if stray:
        sys.exit(f"relayout: compiled modules outside parse/: {sorted(stray)}")
    not_compiled = {n for n in parse_mods if n.split("/", 1)[1] not in listed}
    if not_compiled:
        print(f"relayout: now compiled as members of parse/: {sorted(not_compiled)}", file=sys.stderr)
    p.write_text(text[:m.start()] + COMPILED_RULE + text[m.end():], encoding="utf-8")
    # batch.py: the fingerprint hashes the PARSING folders
    p = ROOT / "pipelines" / "stage" / "batch.py"
    text = p.read_text(encoding="utf-8")
    m = re.search(r"^# modules that do not shape extraction results.*?\nNOT_PARSING = \{.*?\}[^\n]*\n", text, re.S | re.M)
    if not m:
        sys.exit("relayout: batch.NOT_PARSING not found")
    text = text[:m.start()] + text[m.end():]
    m = re.search(r"^def parser_fingerprint\(\) -> str:\n.*?\n    return f\"\{PARSER_VERSION\}-\{h\.hexdigest\(\)\[:12\]\}\"\n",
                  text, re.S | re.M)
    if not m:
        sys.exit("relayout: batch.parser_fingerprint not found")
    text = text[:m.start()] + FINGERPRINT + text[m.end():]
    text = text.replace("from .. import PARSER_VERSION\n", "from .. import PARSER_VERSION, compiled\n", 1)
    p.write_text(text, encoding="utf-8")


FINGERPRINT = '''def parser_fingerprint() -> str:
    """PARSER_VERSION and a hash of the code and data that make a report's result: the
    folders of compiled.PARSING (parse/ and formats/)."""
    pkg = pathlib.Path(compiled.HERE)
    h = hashlib.sha256(PARSER_VERSION.encode())
    for folder in compiled.PARSING:
        for p in sorted((pkg / folder).rglob("*")):
            if not p.is_file() or "__pycache__" in p.parts:
                continue
            if p.suffix not in (".py", ".csv", ".yaml", ".yml", ".json", ".txt"):
                continue
            h.update(str(p.relative_to(pkg)).encode() + b"\\0" + p.read_bytes())
    return f"{PARSER_VERSION}-{h.hexdigest()[:12]}"
'''


def table() -> str:
    rows = ["| old | new |", "|---|---|"]
    for o, n in MOVES.items():
        suffix = "/" if not o.endswith(".py") else ""
        rows.append(f"| `pipelines/{o}{suffix}` | `pipelines/{n}{suffix}` |")
    return "\n".join(rows) + "\n"


def main() -> None:
    if "--table" in sys.argv:
        print(table(), end="")
        return
    check_complete()
    move()
    changed = rewrite_all()
    patch()
    print(f"relayout: moved {len(MOVES)} paths, rewrote {len(changed)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
