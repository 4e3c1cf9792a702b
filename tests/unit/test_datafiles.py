"""The data files of pipelines/parse/data/ load and are validated: a bad edit names the file,
the line or entry and the problem, instead of failing every report."""
import pytest

from pipelines.parse import datafiles
from pipelines.parse.datafiles import DataFileError, read_csv, read_yaml, top_level_alternatives
from pipelines.parse.labels import _compile, patterns, templates


def test_every_shipped_data_file_loads():
    from pipelines.parse import narrative, pre2019, table2

    for name in ("t3_rows", "t3_columns", "t2_items", "t4_columns"):
        assert patterns(name), name
    assert {"t2", "t3", "t4", "format_markers"} <= set(templates())
    assert any(r[0] == "proactive" for r in pre2019._rules())
    assert narrative._rules(True)[0]
    assert table2._bands()["regulations"] == "一"


def test_alternatives_split_only_at_the_top_level():
    assert top_level_alternatives("a(?:b|c)d|e") == ["a(?:b|c)d", "e"]
    assert top_level_alternatives("[|]x|\\|y") == ["[|]x", "\\|y"]
    assert top_level_alternatives("^商业$|商业企") == ["^商业$", "商业企"]


def test_a_group_with_alternatives_inside_a_label_variant():
    """`|` inside a group is part of one variant, not a split between two."""
    (p,) = _compile("new_received", "leaf", "(?:本年|今年)新收")
    assert p.regex.search("今年新收申请") and p.regex.search("本年新收")
    anchored = _compile("x", "leaf", "^(?:商业|工商)企业$|私营企业")
    assert len(anchored) == 2 and anchored[0].anchored and not anchored[1].anchored


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(datafiles, "DATA", tmp_path)
    return tmp_path


def test_unbalanced_group_names_file_and_line(data_dir):
    (data_dir / "t3_rows.csv").write_text(
        "code,kind,pattern,notes\ngranted,leaf,予以公开,\nwithheld,group,(?:不予公开|不公开,broken\n", encoding="utf-8")
    with pytest.raises(DataFileError) as e:
        read_csv("t3_rows.csv", ("code", "pattern"), required=("code", "pattern"), patterns=("pattern",))
    assert str(e.value).startswith("pipelines/parse/data/t3_rows.csv, line 3: pattern '(?:不予公开|不公开' is not a valid "
                                   "regular expression: missing ), unterminated subpattern")


def test_stray_bar_missing_column_unquoted_comma_and_empty_cell(data_dir):
    f = data_dir / "x.csv"
    f.write_text("code,pattern\ngranted,予以公开|\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"x.csv, line 2: pattern '予以公开\|' has an empty alternative"):
        read_csv("x.csv", ("code", "pattern"), patterns=("pattern",))
    f.write_text("code,regex\ngranted,予以公开\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"x.csv, line 1: header lacks column\(s\) pattern \(has code, regex\)"):
        read_csv("x.csv", ("code", "pattern"))
    f.write_text("code,pattern\ngranted,予以公开,部分公开\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"x.csv, line 2: 3 cells where the header has 2 \(an unquoted comma\?\)"):
        read_csv("x.csv", ("code", "pattern"))
    f.write_text("code,pattern\n,予以公开\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"x.csv, line 2: column 'code' is empty"):
        read_csv("x.csv", ("code", "pattern"), required=("code",))


def test_yaml_pattern_error_names_the_entry(data_dir):
    (data_dir / "n.yaml").write_text("cells:\n  - table: t\n    patterns: ['ok', '(bad']\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"n.yaml, cells\[0\].patterns\[1\]: pattern '\(bad' is not a valid"):
        read_yaml("n.yaml", pattern_keys=("patterns",))
    (data_dir / "n.yaml").write_text("cells: [\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"n.yaml, line \d+: not valid YAML"):
        read_yaml("n.yaml")
