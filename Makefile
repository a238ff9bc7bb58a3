# Healthy Places West Yorkshire. Two commands for a new machine:
#   make run    set up and start the app on the embedded West Yorkshire data
#   make test   set up and run the whole test suite (what .ci/run calls)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test lint typecheck bench bundle bundle-verify browser audit lock clean help

help:
	@echo "make run      set up and start the app on http://localhost:$(PORT)"
	@echo "make test     set up and run the whole test suite"
	@echo "make lint     ruff;  make typecheck  mypy;  make bench  benchmarks"
	@echo "make bundle   rebuild data/west_yorkshire from ../shared/data"
	@echo "make lock     re-pin requirements.lock;  make audit  pip-audit the pins (online)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# requirements.lock pins every package at the versions the suite passed with (make lock).
$(VENV)/.installed-app: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e '.[test]'
	touch $@ $(VENV)/.installed-app

# The bundle is committed; this only rebuilds it when it is missing.
data/west_yorkshire/manifest.json: | $(VENV)/.installed-app
	$(BIN)/healthyplaces bundle build

run: $(VENV)/.installed-app data/west_yorkshire/manifest.json
	$(BIN)/streamlit run app.py --server.port $(PORT)

browser:
	@bash scripts/install-chromium.sh

# Lint and types first (seconds), then the whole pytest suite: everything but the browser
# tests on $(TEST_WORKERS) processes, then the browser tests (one app server, one Chromium).
# pytest's exit 5 (no tests collected) is not a failure.
TEST_WORKERS ?= 2
test: lint typecheck data/west_yorkshire/manifest.json browser
	@rc=0; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser" || { s=$$?; [ $$s -eq 5 ] || rc=$$s; }; \
	$(BIN)/python -m pytest -m browser tests/browser || { s=$$?; [ $$s -eq 5 ] || rc=$$s; }; \
	exit $$rc

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

# Known vulnerabilities in the locked versions (needs the PyPI/OSV advisory service online).
audit: $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit --strict -r requirements.lock --no-deps --disable-pip

# Re-resolve pyproject.toml's dependencies in a fresh environment and pin them.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[test]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/artifacts
