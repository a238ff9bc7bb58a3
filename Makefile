# Healthy Places West Yorkshire. Two commands for a new machine:
#   make run    set up and start the app on the embedded West Yorkshire data
#   make test   set up and run the whole test suite (what .ci/run calls)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test lint typecheck bench bundle bundle-verify browser clean help

help:
	@echo "make run      set up and start the app on http://localhost:$(PORT)"
	@echo "make test     set up and run the whole test suite"
	@echo "make lint     ruff;  make typecheck  mypy;  make bench  benchmarks"
	@echo "make bundle   rebuild data/west_yorkshire from ../shared/data"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-app

# The bundle is committed; this only rebuilds it when it is missing.
data/west_yorkshire/manifest.json: | $(VENV)/.installed-app
	$(BIN)/healthyplaces bundle build

run: $(VENV)/.installed-app data/west_yorkshire/manifest.json
	$(BIN)/streamlit run app.py --server.port $(PORT)

browser:
	@bash scripts/install-chromium.sh

# Lint and types first (seconds), then the whole pytest suite; pytest's exit 5 (no tests) is not a failure.
test: lint typecheck data/west_yorkshire/manifest.json browser
	$(BIN)/python -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy geo layers analysis healthyplaces app_pages app.py tests bench

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

bundle: $(VENV)/.installed-app
	$(BIN)/healthyplaces bundle build

bundle-verify: $(VENV)/.installed-app
	$(BIN)/healthyplaces bundle verify

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/artifacts
