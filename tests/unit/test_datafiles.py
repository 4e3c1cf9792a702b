"""The data files of pipelines/parse/data/ load and are validated: a bad edit names the file,
the line or entry and the problem, instead of failing every report."""
import pytest

from pipelines.parse import datafiles
from pipelines.parse.datafiles import DataFileError, read_csv, read_yaml, top_level_alternatives
from pipelines.parse.labels import _compile, patterns
from pipelines.parse.layouts import layouts


def test_every_shipped_data_file_loads():
    from pipelines.parse import narrative, pre2019, table2

    for name in ("t3_rows", "t3_columns", "t2_items", "t4_columns"):
        assert patterns(name), name
    assert layouts().t3.rows(True)[-2:] == ["total", "carried_to_next"] and layouts().t4.results[-1] == "total"
    assert any(r[0] == "proactive" for r in pre2019._rules())
    assert narrative._rules(True)[0]
    assert table2._bands()["regulations"] == "一"


# read by other code than the parser's loaders: the region list and its companions (regions.py
# opens them itself), the manifest headers (publish/sources.py), the audit texts (tools/audit.py),
# the OCR digit look-alikes (formats/ocr.py, read when a scan is)
NOT_PARSER_LOADED = {"regions.csv", "regions.meta.yaml", "region_aliases.csv", "ocr_confusions.csv", "manifest.yaml",
                     "audit_checks.csv", "ocr_digits.csv"}


def test_load_data_files_reads_every_data_file():
    """A new data file is loaded (and validated) before the pool forks: load_data_files
    must read it, or the first report would meet its error."""
    from pipelines.parse.extract import load_data_files

    load_data_files()
    shipped = {p.name for p in datafiles.DATA.iterdir() if p.suffix in (".csv", ".yaml")}
    assert shipped - datafiles.LOADED - NOT_PARSER_LOADED == set()


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


@pytest.fixture
def label_data(tmp_path, monkeypatch):
    """A copy of the shipped data files the label tables are read from, loaded afresh."""
    import shutil

    from pipelines.parse import labels

    shutil.copytree(datafiles.DATA, tmp_path / "data")
    monkeypatch.setattr(datafiles, "DATA", tmp_path / "data")
    for f in (labels.patterns, labels._matches):
        f.cache_clear()
    yield tmp_path / "data"
    monkeypatch.undo()
    for f in (labels.patterns, labels._matches):
        f.cache_clear()


def _set_t3_pattern(data, code: str, pattern: str) -> int:
    """Replace one row's pattern in data/t3_rows.csv; returns its line number."""
    import csv
    import io

    path = data / "t3_rows.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    i = next(i for i, r in enumerate(rows) if r[0] == code)
    rows[i][2] = pattern
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return i + 1


def test_a_broken_label_group_stops_the_run_naming_the_line(label_data):
    """A `|` inside a label's group that leaves the group open: every report would fail with
    `internal error … missing )`; instead the loading and the report raise one DataFileError
    naming the file, the line and the problem."""
    from conftest import sample
    from pipelines.parse.extract import extract_report, load_data_files

    line = _set_t3_pattern(label_data, "withheld", "不予公开|(?:不予|不公开")
    with pytest.raises(DataFileError) as e:
        load_data_files()
    assert str(e.value).startswith(f"pipelines/parse/data/t3_rows.csv, line {line}: pattern '不予公开|(?:不予|不公开' "
                                   "is not a valid regular expression: missing ), unterminated subpattern")
    with pytest.raises(DataFileError, match=f"t3_rows.csv, line {line}: "):
        extract_report(sample("003").read_bytes(), "003.txt")


def test_a_label_group_with_alternatives_reads_the_table(label_data):
    """The same variant written as one group of alternatives reads as before."""
    from conftest import sample
    from pipelines.parse.extract import extract_report

    before = extract_report(sample("003").read_bytes(), "003.txt")
    _set_t3_pattern(label_data, "withheld", "(?:不予|不)公开|^\\(三\\)不$|^予公开$")
    after = extract_report(sample("003").read_bytes(), "003.txt")
    assert after.report.parse_status == before.report.parse_status
    assert [f.astuple() for f in after.facts] == [f.astuple() for f in before.facts]
    assert any(f.key1.startswith("withheld.") and f.value is not None for f in after.facts)


def test_a_layout_name_not_in_codes_csv_is_named(label_data):
    """templates.yaml's rows, columns, items and measures are codes of schemas/codes.csv:
    a typo names its entry instead of leaving the template a row short."""
    from pipelines.parse.layouts import layouts

    path = label_data / "templates.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("withheld.state_secret,", "withheld.state_secrets,", 1),
                    encoding="utf-8")
    layouts.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"templates.yaml, t3.rows_head\[4\]: 'withheld.state_secrets' is "
                                                r"not a stage or outcome code of schemas/codes.csv"):
            layouts()
    finally:
        layouts.cache_clear()
