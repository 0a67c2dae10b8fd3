# kefu — two set-up commands: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export OPENBLAS_NUM_THREADS ?= 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-fast lint bench venv dev-venv system-deps llm llm-model clean serve

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel setuptools

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e ".[dev,eval]"
	touch $@

venv: $(STAMP)
dev-venv: $(VENV)/.dev-installed

## web: vendor front-end libraries (ECharts) from the npm registry
web:
	./scripts/build-web.sh

## demo: install into .venv, load the demo store, serve on 127.0.0.1
demo: venv web
	$(BIN)/kefu demo

serve: venv
	$(BIN)/kefu serve

## system-deps: PostgreSQL + Chromium from Debian, when missing
system-deps:
	@need=""; \
	command -v chromium >/dev/null 2>&1 || need="$$need chromium"; \
	[ -n "$$(fc-list :lang=zh 2>/dev/null)" ] || need="$$need fonts-noto-cjk"; \
	[ -n "$$(ls /usr/lib/postgresql 2>/dev/null)" ] || need="$$need postgresql"; \
	if [ -n "$$need" ]; then \
	  echo "installing system packages:$$need"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	fi

## llm: llama-cpp-python (built once into build/wheels) and the 0.5B model (optional for demo)
llm: venv
	./scripts/build-llama.sh
	$(BIN)/pip install -q "starlette-context==0.3.6"  # llama_cpp.server's one extra (the slow test serves the model with it)
	$(BIN)/kefu llm fetch 0.5b

lint: dev-venv
	$(BIN)/ruff check kefu tests bench
	$(BIN)/mypy

## test: everything the suite needs, then the whole suite on SQLite and PostgreSQL, the store
## backend tests against a live Medusa v2 (started here, stopped at the end)
test: dev-venv system-deps web llm
	@lint=0; $(MAKE) lint || lint=$$?; \
	export KEFU_TEST_PG_URL=$$(./scripts/start-postgres.sh) && \
	trap ./scripts/stop-medusa.sh EXIT; \
	medusa_env=$$(./scripts/start-medusa.sh "$$KEFU_TEST_PG_URL") \
	  && eval "$$(sed 's/^/export /' <<<"$$medusa_env")" \
	  || echo "Medusa did not start (var/medusa/setup.log): its tests fail in CI, skip elsewhere"; \
	$(BIN)/pytest -p no:cacheprovider --timeout=900; tests=$$?; \
	if [ $$lint -ne 0 ]; then echo "lint failed (ruff/mypy): see above"; fi; \
	exit $$(( tests != 0 ? tests : lint ))

## medusa: start the Medusa v2 test shop (prints its URL and key; scripts/stop-medusa.sh stops it)
medusa:
	@./scripts/start-medusa.sh

test-fast: dev-venv
	$(BIN)/pytest -q -m "not slow and not browser" -x

## bench: run the benchmarks and write bench/report.md
bench: dev-venv
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var build test-artifacts
