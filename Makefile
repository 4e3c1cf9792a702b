# The two commands in the README: `make run` and `make test`. Everything else builds on them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
RAW ?= raw
WAREHOUSE ?= warehouse
N ?= 20000

.PHONY: run test eval bench docs audit venv

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/ogi run --raw $(RAW) --warehouse $(WAREHOUSE)

test: $(STAMP)
	$(PY) -m pytest

eval: $(STAMP)
	$(VENV)/bin/ogi eval

bench: $(STAMP)
	$(VENV)/bin/ogi bench --n $(N)
