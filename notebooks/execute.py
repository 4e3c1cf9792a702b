"""Execute a jupytext notebook headless and save it as .ipynb (used by `make notebook`).

    python notebooks/execute.py notebooks/overview.py OUT.ipynb

Runs on the `python3` kernel (ipykernel of this environment); settings come from the
environment (OGI_WAREHOUSE_DIR, OGI_PLOTS_DIR). Exits non-zero when a cell fails.
"""
import pathlib
import sys

import jupytext
import nbformat
from nbclient import NotebookClient

src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
nb = jupytext.read(src)
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(src.parent)}}).execute()
out.parent.mkdir(parents=True, exist_ok=True)
nbformat.write(nb, out)
print(f"executed {src} → {out}")
