# EventHorizon — everything a newcomer needs is `make run` and `make test`.
# DATABASE_URL and REDIS_URL are honoured when set; otherwise SQLite and eager Celery are used.

VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help install run run-full test lint format migrate demo bench clean

help:
	@echo "make run       set up everything, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test      the whole test suite"
	@echo "make run-full  gunicorn + celery worker + beat against PostgreSQL and Redis"
	@echo "make lint      ruff"
	@echo "make bench     onsale benchmark on PostgreSQL + gunicorn (docs/benchmarks.md)"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

run-full: install
	@test -n "$$DATABASE_URL" || (echo "Set DATABASE_URL (PostgreSQL) for run-full, e.g. postgres://postgres@127.0.0.1:5432/eventhorizon"; exit 1)
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL for run-full, e.g. redis://127.0.0.1:6379/0"; exit 1)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	bin/run-full

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Needs PostgreSQL at 127.0.0.1:5432 (trust auth); uses Redis at 127.0.0.1:6379 when it answers.
# Knobs (environment): BENCH_BUYERS, BENCH_DURATION, BENCH_WORKERS, BENCH_WORKER_CLASS, … (see bench/run).
bench: install node_modules/.installed
	bench/run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles var/test-media .pytest_cache
