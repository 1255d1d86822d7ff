# The two set-up commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed-$(shell cat uv.lock pyproject.toml .python-version | cksum | cut -d' ' -f1)
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1

.PHONY: install system-deps messages run test test-postgres lint format bench cluster cluster-stop loadtest scale bench-import clean

install: $(STAMP)

$(STAMP):
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	fi
	@$(VENV)/bin/uv --version >/dev/null 2>&1 || $(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv sync --locked --inexact --python $(PY)
	@rm -f $(VENV)/.installed-*; touch $@

# gettext compiles translations, Chromium drives the browser tests, wrk loads the benchmark,
# espeak-ng and lame read articles aloud.
system-deps:
	@scripts/system-deps

messages: install system-deps
	@$(MANAGE) compilemessages --ignore=$(VENV) -v 0

# The background worker (e-mail notifications) runs beside the server and stops with it.
run: install messages
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@$(MANAGE) db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

test: install messages
	$(VENV)/bin/pytest

test-postgres: install messages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(VENV)/bin/pytest

# The pre-commit hooks (.pre-commit-config.yaml: ruff, django-upgrade, djhtml, uv lock
# --check), every one from .venv and offline, then the migrations and Django's checks.
lint: install
	$(VENV)/bin/pre-commit run --all-files --show-diff-on-failure
	DJANGO_SETTINGS_MODULE=newsreader.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=newsreader.settings.test $(MANAGE) check

format: install
	$(VENV)/bin/ruff check --fix .
	-$(VENV)/bin/pre-commit run --all-files

# ARTICLES=100000 make bench: the same pages with a large archive loaded first.
bench: install messages
	$(PY) scripts/bench.py --articles $${ARTICLES:-0}

# The production topology on loopback (deploy/README.md): nginx, gunicorn nodes with their
# workers, PostgreSQL primary and replica, Redis. Optional tooling, never run by CI.
cluster: install messages
	@scripts/system-deps cluster
	$(PY) scripts/cluster.py start --nodes $${NODES:-2}

cluster-stop:
	$(PY) scripts/cluster.py stop

# Bounded (LOADTEST_SECONDS, default 120): kills a node, stops the replica, restarts Redis.
loadtest: install
	$(PY) scripts/loadtest.py

# Throughput with 1, 2 and 3 application nodes on the cluster, and the CPU-cost projection.
scale: install
	$(PY) scripts/scale.py

# Imports a 500-item feed served on loopback: time and queries per item, and what an unchanged feed costs.
bench-import: install
	$(PY) scripts/bench_import.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
