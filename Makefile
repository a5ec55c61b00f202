# The commands people type. Each target creates and uses .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/clinic-archive demo

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/crawl.py

clean:
	rm -rf $(VENV) demo.db demo.db-* demo.captures.db* .pytest_cache
