"""The row hashes of `ogi parity`: order-independent, NULL apart from '', floats compared
at 12 significant digits, and the comparison naming the table and columns that differ."""
from pipelines.tools import parity


def test_row_order_does_not_count_but_row_number_does():
    a = parity.table_hashes({"k": ["x", "y"], "v": [1, 2]})
    b = parity.table_hashes({"v": [2, 1], "k": ["y", "x"]})
    assert a == b
    assert parity.table_hashes({"k": ["x", "y", "y"], "v": [1, 2, 2]})["hash"] != a["hash"]


def test_values_are_normalised():
    assert parity.norm(None) != parity.norm("")
    assert parity.norm(12.0) == parity.norm(12) == "12"
    assert parity.norm(0.1 + 0.2) == parity.norm(0.3)
    assert parity.norm(-0.0) == "0"
    assert parity.norm(True) == "T"
    assert parity.norm(float("nan")) == "nan"


def test_a_value_moved_between_rows_changes_the_row_hash_not_the_column_hash():
    a = parity.table_hashes({"k": ["x", "y"], "v": [1, 2]})
    b = parity.table_hashes({"k": ["x", "y"], "v": [2, 1]})
    assert a["hash"] != b["hash"] and a["columns"] == b["columns"]


def test_compare_names_corpus_table_and_columns():
    old = {"corpora": {"seeds": {"t": parity.table_hashes({"k": ["x"], "v": [1]}),
                                 "u": parity.table_hashes({"k": ["x"]})}}}
    new = {"corpora": {"seeds": {"t": parity.table_hashes({"k": ["x"], "v": [2]}),
                                 "u": parity.table_hashes({"k": ["x"]})}}}
    assert parity.compare(old, old) == []
    assert parity.compare(old, new) == ["seeds.t: rows 1 -> 1; columns differing: v"]


def test_run_dependent_columns_are_the_only_ones_left_out():
    assert set(parity.EXCLUDED) == {"meta_runs", "meta_region_snapshot"}
    assert set(parity.EXCLUDED["meta_runs"]) == {"run_id", "finished_at", "raw_dir"}
    assert set(parity.EXCLUDED["meta_region_snapshot"]) == {"path"}
