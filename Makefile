# scrutiny: `make site` builds the published site, `make test` runs the tests.
# Both create .venv/ on first use and reinstall when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: site test bench bench-scale bench-search kill serve clean docs

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The critique article's local copy lives in ../shared/reference/, outside the
# project: the manifest may name it as a mirror only because `make site` trusts that folder.
site: export SCRUTINY_MIRROR_DIRS ?= $(abspath ../shared/reference)
site: $(STAMP)
	$(PY) build.py

# The tests run in TEST_WORKERS processes (pytest-xdist), a test file to each in turn.
TEST_WORKERS ?= 2
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile

bench: $(STAMP)
	$(PY) -m bench

# Opt-in: 20 concurrent ingest pairs, 20 kills of ingest and 40 of the site build,
# on a 5,000-passage corpus (51 minutes on two busy shared cores).
kill: $(STAMP)
	SCRUTINY_CONCURRENCY_PASSAGES=5000 SCRUTINY_WRITER_PAIRS=20 \
	SCRUTINY_KILL_PASSAGES=5000 SCRUTINY_KILL_RUNS=20 SCRUTINY_SITE_KILL_RUNS=40 \
	$(PY) -m pytest -s tests/test_two_writers.py tests/test_kill.py

# A national corpus (bench/bench_scale.py): 10,000 synthetic documents by default,
# cached in bench/out/; SCALE_DOCS=500 for a smaller one, SCALE_REUSE=1 to keep the
# built project and measure the rest again. Not part of `make bench` or `make test`.
bench-scale: $(STAMP)
	SCALE_DOCS=$${SCALE_DOCS:-10000} $(PY) -m bench scale

# The CLI's search on the scale corpus's passages, indexed without a build (minutes, not
# hours): SCALE_DOCS=500 by default; SEARCH_ROOT=DIR keeps (and reuses) the indexed project.
bench-search: $(STAMP)
	SCALE_DOCS=$${SCALE_DOCS:-500} $(PY) -m bench search

serve: site
	$(VENV)/bin/scrutiny serve

docs: $(STAMP)
	$(PY) -m scrutiny.docs README.md

clean:
	rm -rf .scrutiny site bench/out
