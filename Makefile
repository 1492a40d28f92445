# renda — see README.md. `make run` serves the demo on SQLite; `make test` runs the suite on PostgreSQL and Redis.
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
export PIP_DISABLE_PIP_VERSION_CHECK := 1

DEMO_ENV := DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/var/demo.sqlite3 CELERY_TASK_ALWAYS_EAGER=1 CACHE_BACKEND=locmem
TEST_DB_URL ?= postgres://postgres@127.0.0.1:5432/renda
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test install install-dev assets system-deps services lint format migrations-check bench clean

.venv/bin/python:
	python3 -m venv .venv

install: .venv/bin/python assets
	$(PIP) install -q -r requirements.txt

install-dev: .venv/bin/python assets
	$(PIP) install -q -r requirements-dev.txt

# Front-end dependencies come from the npm registry through package-lock.json and are served from static/vendor.
assets: static/vendor/.stamp
static/vendor/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	touch $@

# System packages a fresh Debian machine lacks: a CJK font for PDFs, poppler for PDF checks, Chromium for browser tests.
system-deps:
	bash scripts/system-deps.sh

services:
	bash scripts/services.sh

run: install system-deps-run
	mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# The demo needs only the CJK font (for PDFs); it is installed when missing and we are root.
system-deps-run:
	bash scripts/system-deps.sh --font-only

test: install-dev system-deps services
	DATABASE_URL=$(TEST_DB_URL) REDIS_URL=$(TEST_REDIS_URL) RENDA_TESTING=1 $(PY) manage.py makemigrations --check --dry-run
	.venv/bin/ruff check .
	DATABASE_URL=$(TEST_DB_URL) REDIS_URL=$(TEST_REDIS_URL) .venv/bin/pytest $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

bench: install-dev system-deps services
	DATABASE_URL=$(TEST_DB_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) bench/run.py

clean:
	rm -rf .venv node_modules static/vendor var
