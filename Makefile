# The two commands in the README: `make run` and `make test`. Everything else builds on them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
RAW ?= raw
WAREHOUSE ?= warehouse
N ?= 20000
OPENCV := $(shell sed -n 's/.*"opencv-python-headless==\([^"]*\)".*/\1/p' pyproject.toml)
DASK_N ?= 5000

.PHONY: run test eval bench bench-hostile bench-dask docs audit venv compiled
.PHONY: chromium notebook

# pip prints each package as it goes (a first install takes a few minutes)
$(STAMP): pyproject.toml
	@echo "== [1/3] creating $(VENV) and installing the pinned dependencies"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -e '.[test,compile]'
	@# OCR's OpenCV as the headless build (the GUI build rapidocr asks for needs system GL libraries)
	if $(PY) -m pip show -q opencv-python >/dev/null 2>&1; then \
	  $(PY) -m pip uninstall -y -q opencv-python && \
	  $(PY) -m pip install --disable-pip-version-check -q --no-deps --force-reinstall opencv-python-headless==$(OPENCV); fi
	$(PY) -c "import cv2, rapidocr_onnxruntime" || { echo "OCR libraries cannot be imported (see above)"; exit 1; }
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# The parsing modules compiled with mypyc beside their .py files (pipelines/compiled.py
# says which run); the script does nothing when the build is current, and leaves the
# interpreted parser, saying why, where no C compiler is at hand.
compiled: $(STAMP)
	@echo "== [2/3] compiling the parser (mypyc; nothing to do when current)"
	@$(PY) scripts/compile_parser.py

venv: compiled

run: compiled
	@echo "== [3/3] running the pipeline on $(RAW) → $(WAREHOUSE)"
	$(VENV)/bin/ogi run --raw $(RAW) --warehouse $(WAREHOUSE)

# the suite on TEST_WORKERS processes, each test file whole on one (its module fixtures built once)
TEST_WORKERS ?= 2
test: compiled chromium
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

eval: compiled
	$(VENV)/bin/ogi eval

bench: compiled
	$(VENV)/bin/ogi bench --n $(N)
	$(VENV)/bin/ogi bench --hostile
	$(VENV)/bin/ogi bench --dask --n $(DASK_N)

# issue 19: the default path and the Dask executor on a local cluster of 2 workers, same corpus, side by side
bench-dask: compiled
	$(VENV)/bin/ogi bench --dask --n $(DASK_N)

# issue 17's hostile folder alone: one run's time, peak memory per process, each bad path's fate
bench-hostile: compiled
	$(VENV)/bin/ogi bench --hostile

# The audit page is tested in Debian's chromium (tests/browser/test_audit.py), with a CJK font so
# screenshots show Chinese: installed when missing if we are root with apt-get; otherwise
# say so (the browser tests then skip with that reason, or fail when OGI_REQUIRE_BROWSER=1).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei; \
	else echo "chromium missing and not installable here (needs root and apt-get): browser tests will skip"; fi

docs: compiled
	$(VENV)/bin/ogi docs

audit: compiled
	$(VENV)/bin/ogi audit --warehouse $(WAREHOUSE)

# notebooks/overview.py executed against $(WAREHOUSE): $(WAREHOUSE)/overview.ipynb and $(WAREHOUSE)/plots/
notebook: compiled
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	OGI_WAREHOUSE_DIR=$(abspath $(WAREHOUSE)) $(PY) notebooks/execute.py notebooks/overview.py \
	  $(abspath $(WAREHOUSE))/overview.ipynb
