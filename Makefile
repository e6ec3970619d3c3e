# Each target builds the local virtual environment it needs, so a fresh clone
# works with nothing else done.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check bench fuzz install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,check]'
	touch $(STAMP)

install: $(STAMP)

# The nightly chaos suite against the example app (APP=fragile: its twin without fallbacks),
# then whether it could leave each provider tomorrow. The exit code is the suite's.
APP ?=
run: $(STAMP)
	CLIPSTUDIO_APP=clipstudio$(if $(APP),_$(APP)) $(BIN)/harness chaos run contracts/scenarios/nightly \
		--allow-dir fixtures/apps --jobs 2 --report reports --contracts contracts/examples; \
	status=$$?; \
	$(BIN)/harness readiness --contracts contracts/examples --reports reports --report reports; \
	exit $$status

# 4 workers on 2 cores: the slowest tests (whole scenarios) wait on timers, not the CPU.
test: $(STAMP)
	$(BIN)/pytest -n 4 -q

# Lint and format (ruff) and types (mypy); the rule sets are in pyproject.toml.
LINTED := harness tests benchmarks fixtures/apps docs/examples
check: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

# HTTP figures come from wrk, as the peers are measured (HARNESS_BENCH_SECONDS=10 for a quick run;
# the tail's sustained run is 60 s). Without wrk the Python load generator stands in, with a note.
bench: $(STAMP)
	@command -v wrk >/dev/null || echo "wrk is not installed: sudo apt-get install -y wrk (HTTP figures fall back to the Python load generator)"
	$(BIN)/python -m benchmarks

# 10,000 generated bad inputs (mutated contracts, scenarios, cassettes, specs), in one
# process so the counts add up; prints inputs, tracebacks, the slowest and peak memory.
FUZZ ?= 10000
fuzz: $(STAMP)
	HARNESS_FUZZ_EXAMPLES=$(FUZZ) $(BIN)/pytest tests/test_fuzz_inputs.py -p no:xdist -q -s

clean:
	rm -rf $(VENV) reports .pytest_cache
