"""The command line (`cli.py`) and what only it runs: the synthetic corpus (`synth.py`,
`synth_pdf.py`), the benchmarks (`bench.py`, `hostile.py`), output parity (`parity.py`),
the audit page (`audit.py`), generated docs (`docs.py`) and exports (`export.py`)."""
