# Quick start: `make run` builds the example corpus's graph; `make test` runs the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install browser virtuoso eval quality bench metrics clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip "setuptools>=77" wheel
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kg build examples -o build/examples.ttl
	$(BIN)/kg validate build/examples.ttl
	$(BIN)/kg query applications-per-year --graph build/examples.ttl

# The browser tests' Chromium and CJK fonts, from Debian, where we are root with apt-get;
# elsewhere those tests skip and say what is missing (tests/browser.py).
browser:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q -q chromium fonts-noto-cjk >/dev/null 2>&1 || \
	  { apt-get update -q -q >/dev/null && apt-get install -y -q -q chromium fonts-noto-cjk >/dev/null; } || \
	  echo "chromium could not be installed: the browser tests will skip"; fi

# Virtuoso, the second engine kg push is tested against (tests/virtuoso.py), from Debian as
# above (about 10 s to install with a fresh package index); without it those tests skip.
virtuoso:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! dpkg -s virtuoso-opensource >/dev/null 2>&1; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q -q virtuoso-opensource >/dev/null 2>&1 || \
	  { apt-get update -q -q >/dev/null && apt-get install -y -q -q virtuoso-opensource >/dev/null; } || \
	  echo "virtuoso-opensource could not be installed: the Virtuoso tests will skip"; fi

test: $(STAMP) browser virtuoso  # kg's types first (mypy), then the tests
	$(BIN)/python -m mypy kg
	$(BIN)/python -m pytest

eval: $(STAMP)
	$(BIN)/python bench/eval_gate.py

quality: $(STAMP)  # Markdown report of extraction quality per corpus, dev breakdowns and every dev miss/extra
	$(BIN)/python bench/quality.py

bench: $(STAMP)  # figures and targets (about 20 min: the 20,000-report build takes 5, figure-evidence's export at that size 10); BENCH_ARGS="--quick" for a smoke run, "--sizes 1000,20000,100000" for the full one
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

metrics: $(STAMP)  # rewrite ontology/metrics.ttl and docs/metrics.md after editing kg/lexicon/metric_table.toml
	$(BIN)/python tools/metric_table.py

clean:
	rm -rf $(VENV) build dist *.egg-info
