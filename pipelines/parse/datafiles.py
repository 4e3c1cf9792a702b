"""The data files of `pipelines/parse/data/` (label variants, layout facts, prose patterns), read
and validated as they are loaded.

A bad edit to a data file (a missing column, an unquoted comma, a regular expression that
does not compile) raises `DataFileError` naming the file, the line or entry, and what is
wrong, the first time the file is loaded: the run stops at once with that line instead of
failing every report with an internal error.

Also here: `top_level_alternatives`, which splits a pattern on the `|` that are not inside
a group or a character class (the label tables list variants as alternatives, and a
variant may itself contain a group with alternatives).
"""
from __future__ import annotations

import csv
import pathlib
import re

from .. import DATA


LOADED: set[str] = set()   # the names of the data files read so far (tests/unit/test_datafiles.py)


class DataFileError(ValueError):
    """A data file that cannot be used: names the file, where in it, and the problem."""

    def __init__(self, path: pathlib.Path, where: str, problem: str) -> None:
        self.path = path
        self.where = where
        self.problem = problem
        super().__init__(f"pipelines/parse/data/{path.name}, {where}: {problem}")


def top_level_alternatives(pattern: str) -> list[str]:
    """`pattern` split on its `|` outside groups and character classes (escapes honoured)."""
    out: list[str] = []
    depth, in_class, esc, start = 0, False, False, 0
    for i, ch in enumerate(pattern):
        if esc:
            esc = False
        elif ch == "\\":
            esc = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
    out.append(pattern[start:])
    return out


def check_pattern(path: pathlib.Path, where: str, pattern: str) -> str:
    """The pattern, after checking that it compiles and that no alternative is empty (an
    empty alternative matches everywhere)."""
    if not pattern.strip():
        raise DataFileError(path, where, "empty pattern")
    try:
        re.compile(pattern)
    except re.error as e:
        raise DataFileError(path, where, f"pattern {pattern!r} is not a valid regular expression: {e}") from None
    if any(not alt for alt in top_level_alternatives(pattern)):
        raise DataFileError(path, where, f"pattern {pattern!r} has an empty alternative (a stray `|`)")
    return pattern


def read_csv(name: str, columns: tuple[str, ...], required: tuple[str, ...] = (),
             patterns: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Rows of `pipelines/parse/data/<name>`: `columns` must be in the header, `required` cells
    non-empty on every row, `patterns` cells valid regular expressions."""
    path = DATA / name
    LOADED.add(name)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [c for c in columns if c not in header]
        if missing:
            raise DataFileError(path, "line 1", f"header lacks column(s) {', '.join(missing)} (has {', '.join(header)})")
        rows: list[dict[str, str]] = []
        for r in reader:
            where = f"line {reader.line_num}"
            if None in r:
                raise DataFileError(path, where, f"{len(header) + len(r[None])} cells where the header has "  # type: ignore[index]
                                                 f"{len(header)} (an unquoted comma?)")
            for c in required:
                if not (r.get(c) or "").strip():
                    raise DataFileError(path, where, f"column {c!r} is empty")
            for c in patterns:
                if (r.get(c) or "").strip():
                    check_pattern(path, where, r[c])
            rows.append({k: (v or "") for k, v in r.items()})
    return rows


def read_yaml(name: str, pattern_keys: tuple[str, ...] = ()) -> dict:
    """A YAML data file as a mapping (a parse error names the file and the line); every
    string below a key of `pattern_keys` must be a valid regular expression (an error
    names the entry, e.g. `cells[3].patterns[0]`)."""
    import yaml  # type: ignore[import-untyped]

    path = DATA / name
    LOADED.add(name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "parse"
        raise DataFileError(path, where, f"not valid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, dict):
        raise DataFileError(path, "top level", "expected a mapping")
    if pattern_keys:
        _check_patterns_below(path, data, "", pattern_keys, False)
    return data


def _check_patterns_below(path: pathlib.Path, node: object, where: str, keys: tuple[str, ...], inside: bool) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            _check_patterns_below(path, v, f"{where}.{k}" if where else str(k), keys, inside or k in keys)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_patterns_below(path, v, f"{where}[{i}]", keys, inside)
    elif inside and isinstance(node, str):
        check_pattern(path, where, node)
