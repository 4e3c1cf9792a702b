"""notebooks/overview.py (a jupytext percent-format notebook) executed headless with
nbclient on a python3 kernel against a warehouse built from the samples: every cell
runs and the plots are written."""
import shutil
import subprocess
import sys

import jupytext
import pytest
from nbclient import NotebookClient

from conftest import ROOT, SAMPLES
from pipelines.orchestration.runner import run_pipeline

NOTEBOOK = ROOT / "notebooks" / "overview.py"
PLOTS = ("coverage.png", "top_agencies.png", "outcome_shares.png", "review_outcomes.png")


@pytest.fixture()
def kernel_env(tmp_path, monkeypatch):
    """A python3 kernelspec for this interpreter, first on JUPYTER_PATH, so the notebook
    runs in the project's venv whatever other kernels the machine has."""
    prefix = tmp_path / "jupyter-prefix"
    subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix", str(prefix), "--name", "python3"],
                   check=True, capture_output=True)
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    monkeypatch.setenv("MPLBACKEND", "Agg")


def test_notebook_runs_and_saves_plots(tmp_path, kernel_env, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw / "samples")
    wh = tmp_path / "wh"
    run_pipeline(raw, wh, workers=1, progress=False)
    plots = tmp_path / "plots"
    monkeypatch.setenv("OGI_WAREHOUSE_DIR", str(wh))
    monkeypatch.setenv("OGI_PLOTS_DIR", str(plots))

    nb = jupytext.read(NOTEBOOK)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert sum(c.cell_type == "code" for c in nb.cells) >= 10
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()

    for name in PLOTS:
        p = plots / name
        assert p.exists() and p.stat().st_size > 5000, name
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    outputs = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                        for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "Error" not in outputs
    # the notebook's numbers are the warehouse's: 004 received 40 new requests, the most
    assert "福州高新技术产业开发区" in outputs and "{'dim_reports': 5," in outputs
    top = next(c for c in nb.cells if c.cell_type == "code" and c.source.rstrip().endswith("top"))
    assert "40" in top.outputs[0]["data"]["text/plain"].splitlines()[1]
