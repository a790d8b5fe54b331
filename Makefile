# Two commands on a machine with only Python 3.11+:
#   make run   - the app with its Celery worker and beat, on 127.0.0.1:$(PORT)
#   make test  - lint, format check, migrations check and the test suite
# With DATABASE_URL and REDIS_URL set, both use PostgreSQL and Redis instead of
# the embedded defaults (SQLite and a file-system broker under var/).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# Development settings that raa_tracker/settings.py reads (DEBUG=true, a generated SECRET_KEY), so that
# `.venv/bin/python manage.py ...` typed in a plain shell behaves as under make. Written once, never
# overwritten; ENV_FILE=path for another file, ENV_FILE= (empty) for none (then set DEBUG and SECRET_KEY yourself).
ENV_FILE ?= .env

.PHONY: run test lint migrate seed bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

ifneq ($(ENV_FILE),)
$(ENV_FILE):
	@key=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') && umask 077 && set -C && { \
	  echo '# Development settings, written once by make and never overwritten; raa_tracker/settings.py reads'; \
	  echo '# them when present. The environment wins over this file. Production has no such file.'; \
	  echo 'DEBUG=true'; \
	  echo "SECRET_KEY=$$key"; \
	} > $@
	@echo "Wrote $@ (DEBUG=true and a new SECRET_KEY) for manage.py outside make."
endif

migrate: $(STAMP) $(ENV_FILE)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed --demo-users

# Web server, worker and beat of the Procfile, each in its own process group under devrun.py: Ctrl-C, or
# SIGTERM to make (which passes it on), stops all three as Ctrl-C stops each, and make exits 130 (143).
run: export PORT := $(PORT)
run: export PYTHONUNBUFFERED := 1
run: seed
	@echo "Starting web on http://127.0.0.1:$(PORT)/ with a Celery worker and beat (Ctrl-C stops all)."
	$(BIN)/python devrun.py Procfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=true $(BIN)/mypy

test: lint $(ENV_FILE)
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# Benchmarks on PostgreSQL (DATABASE_URL) with production settings; BENCH_SCALE=small for a quick smoke run.
bench: $(STAMP)
	DEBUG=false $(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var
