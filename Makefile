# Two commands on a fresh machine with only Python: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
WORKERS ?= 2
TIER ?= default

.PHONY: run test lint types smoke calibration benchmark clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# Runs the catalogue, prints the status table and writes reports/. Exit 1 (some
# claim VIOLATED or ERROR) is reported by the table, not treated as a broken run.
run: $(STAMP)
	$(BIN)/theorycheck run --tier $(TIER) -n $(WORKERS) --out reports; \
	code=$$?; if [ $$code -gt 1 ]; then exit $$code; fi

test: $(STAMP)
	$(BIN)/python -m pytest tests -n $(WORKERS) --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check theorycheck claims models tasks tests benchmarks
	$(BIN)/ruff format --check theorycheck claims models tasks tests benchmarks

types: $(STAMP)
	$(BIN)/python -m mypy theorycheck claims models tasks

smoke: $(STAMP)
	$(BIN)/theorycheck run --tier smoke -n $(WORKERS) --out .theorycheck/smoke-reports

calibration: $(STAMP)
	$(BIN)/python -m pytest tests/calibration -m calibration -n $(WORKERS)

benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_runner.py

clean:
	rm -rf $(VENV) .theorycheck .pytest_cache .mypy_cache .ruff_cache
