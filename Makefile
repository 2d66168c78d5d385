# The two commands of the README, plus the pieces they are made of.
# Needs only Python 3.11+ (and, for the reader test, newsboat: `make ci` installs it).

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test lint bench ci clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Set everything up and run the main job offline: crawl every source from the bundled
## replay copies into demo/diplofeed.db and build the feeds into demo/feeds/.
demo: $(STAMP)
	$(BIN)/diplofeed demo --db demo/diplofeed.db --out demo/feeds

## Set everything up and run the checks and the tests.
test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/classify.py

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
