"""Parsing: the text of one report -> its facts and checks (`extract.extract_report`), and
the data files that hold label variants and layout facts (`data/`).

Every module here is compiled by mypyc (pipelines/compiled.py) and every file here is
part of the parser fingerprint that keys cached results (stage/batch.py): both rules are
"the parse/ folder". No Dagster, no pandas frames of many reports."""
