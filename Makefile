# The commands people type. Each target creates and uses .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install system-deps bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/clinic-archive demo

# The browser tests drive Debian's Chromium, the distributed tests its redis-server, the
# WordPress tests its wordpress on mariadb, php-fpm and nginx; install them when we may
# (root), else say how.
WORDPRESS_DEPS := wordpress wordpress-theme-twentytwentyone mariadb-server php-fpm php-mysql php-xml nginx
SYSTEM_DEPS := $(if $(shell command -v chromedriver),,chromium chromium-driver) $(if $(shell command -v redis-server),,redis-server) \
	$(foreach p,$(WORDPRESS_DEPS),$(if $(shell dpkg-query -W -f='$${Status}' $(p) 2>/dev/null | grep "ok installed"),,$(p)))
system-deps:
	@[ -z "$(strip $(SYSTEM_DEPS))" ] || { [ "$$(id -u)" = 0 ] && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_DEPS) >/dev/null; } || \
		echo "browser, distributed and WordPress tests will be skipped: run 'sudo apt-get install $(strip $(SYSTEM_DEPS))'"

test: install system-deps
	$(BIN)/python -m pytest

# pyflakes, pycodestyle, isort, bugbear and pyupgrade, as configured in pyproject.toml
lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/wcxb.py
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/storage.py
	$(BIN)/python bench/serve.py
	$(BIN)/python bench/distributed.py
	$(BIN)/python bench/wordpress.py

clean:
	rm -rf $(VENV) demo.db demo.db-* demo.captures.db* .pytest_cache
