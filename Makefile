# Lightsail Guard — the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint statelint unit integration infra bench clean install

demo: $(STAMP)  ## run the bundled demo organization on the local AWS
	$(BIN)/lightsail-guard demo

test: $(STAMP) lint statelint  ## the whole suite: lint, ASL validation, unit, integration, infra
	$(BIN)/python -m pytest -n 2 -q

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check functions infra tests
	$(BIN)/ruff format --check functions infra tests

statelint: $(STAMP)
	$(BIN)/statelint statemachine/lightsail-guard.asl.json

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration tests/local

infra: $(STAMP)
	$(BIN)/python -m pytest -q tests/infra

bench: $(STAMP)  ## figures, not assertions: medians and ratios
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
