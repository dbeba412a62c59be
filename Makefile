# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test bench lint install install-dev system-deps e2e-deps demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/python -m ctg_workshop demo --base-url http://localhost:$(PORT)

run: demo
	$(BIN)/python serve.py --server.port $(PORT)

# Chromium (browser tests), LibreOffice (documents) and the PostgreSQL server come from
# Debian. Installing them needs root: without it, the script says what it skips and why.
system-deps:
	@sh scripts/install-system-deps.sh

# axe-core, the accessibility engine of the browser tests (tests/e2e), pinned in package-lock.json.
# Without npm (or without the registry), the audits skip and say why; the other tests run.
e2e-deps: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm absent : axe-core n'est pas installé, les audits d'accessibilité seront ignorés (apt-get install npm)."; \
	elif npm ci --no-audit --no-fund --loglevel=error; then touch $@; \
	else echo "npm ci a échoué : axe-core n'est pas installé, les audits d'accessibilité seront ignorés."; fi

test: install-dev system-deps e2e-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Figures against their floors, written to docs/benchmarks.md (see measure/benchmarks/).
bench: install-dev
	$(BIN)/python -m measure.benchmarks

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
