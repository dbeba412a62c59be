# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test bench lint install install-dev system-deps demo clean

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
	$(BIN)/python -m ctg_workshop demo

run: demo
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Chromium (browser tests), LibreOffice (documents) and the PostgreSQL server come from
# Debian. Installing them needs root: without it, the script says what it skips and why.
system-deps:
	@sh scripts/install-system-deps.sh

test: install-dev system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Figures against their floors, written to docs/benchmarks.md (see benchmarks/).
bench: install-dev
	$(BIN)/python -m benchmarks

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
