"""ogi pipelines: the Dagster code location (assets.py, definitions.py) and the plain
parsing code it calls (decode, textnorm, sections, tokens, table readers, narrative,
metadata, extract, publish). Parsing modules never import Dagster."""

# Bump when extraction output may change: cached parse results are keyed by it.
PARSER_VERSION = "2026.11.23.1"
