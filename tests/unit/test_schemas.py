"""schemas/ is the one metadata source: every list of tables, fact-table attribute and row
group used elsewhere is derived from tables.yaml and codes.csv."""
import pytest

import schemas
from pipelines.parse.identities import GROUPS, t3_fact_table
from pipelines.tools import audit, docs, export


def test_table_lists_follow_tables_yaml():
    assert schemas.FACT_TABLES == ("fct_applications", "fct_outcomes", "fct_proactive_disclosures",
                                   "fct_review_litigation")
    assert schemas.PUBLISHED == ("dim_reports", *schemas.FACT_TABLES, "check_results", "report_texts")
    assert schemas.SPLIT_TABLES == (*schemas.FACT_TABLES, "report_texts")
    assert schemas.WHOLE_TABLES == ("dim_reports", "check_results")
    assert schemas.AGENCY_TABLES == ("dim_agencies", "dim_agency_names")
    assert schemas.REFERENCE_TABLES == ("dim_codes", "meta_region_snapshot")
    assert schemas.LISTING_TABLES == ("inputs",) and schemas.RUN_TABLES == ("meta_runs",)
    every = (*schemas.PUBLISHED, *schemas.LISTING_TABLES, *schemas.AGENCY_TABLES, *schemas.REFERENCE_TABLES,
             *schemas.RUN_TABLES)
    assert sorted(every) == sorted(schemas.tables())


def test_fact_table_attributes_reach_their_users():
    assert docs.WIDE_VIEWS["fct_review_litigation"] == "v_review_litigation_wide"
    assert audit.TABLE_FACTS == {"t2": ("fct_proactive_disclosures",), "t3": ("fct_applications", "fct_outcomes"),
                                 "t4": ("fct_review_litigation",)}
    assert audit.TABLES == ("t2", "t3", "t4", "stats_table", "prose")
    assert audit.KEY1_DIMS == ("stage", "outcome", "item", "proceeding")
    assert export.DEFAULT_TABLES == ("dim_reports", *schemas.FACT_TABLES, "check_results")


def test_table_three_groups_and_fact_tables_come_from_codes_csv():
    assert GROUPS["unable"] == ("unable.not_held", "unable.needs_creation", "unable.unclear_after_correction")
    assert list(GROUPS) == ["withheld", "unable", "not_processed", "other"] and len(GROUPS["withheld"]) == 8
    assert t3_fact_table("carried_to_next") == "fct_applications" and t3_fact_table("other.other") == "fct_outcomes"


def test_a_bad_table_definition_is_named(monkeypatch, tmp_path):
    (tmp_path / "tables.yaml").write_text(
        "tables:\n  t:\n    description: x\n    written: sideways\n    columns: []\n", encoding="utf-8")
    monkeypatch.setattr(schemas, "HERE", tmp_path)
    schemas.tables.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"schemas/tables.yaml, table t: `written` is 'sideways'"):
            schemas.tables()
    finally:
        monkeypatch.undo()
        schemas.tables.cache_clear()
    assert "dim_reports" in schemas.tables()
