# The commands people type. Each target creates and uses .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/clinic-archive demo

# The browser tests drive Debian's Chromium; install it when we may (root), else say how.
browser:
	@command -v chromedriver >/dev/null || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
		echo "browser tests will be skipped: run 'sudo apt-get install chromium chromium-driver'"

test: install browser
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/storage.py
	$(BIN)/python bench/serve.py

clean:
	rm -rf $(VENV) demo.db demo.db-* demo.captures.db* .pytest_cache
