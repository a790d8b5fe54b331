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
DEBUG ?= true
export DEBUG

.PHONY: run test lint migrate seed bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed --demo-users

# Web server, worker and beat in one process group: Ctrl-C stops all three.
run: seed
	@echo "Starting web on http://127.0.0.1:$(PORT)/ with a Celery worker and beat (Ctrl-C stops all)."
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A raa_tracker worker --loglevel=INFO --concurrency=2 & \
	$(BIN)/celery -A raa_tracker beat --loglevel=INFO & \
	$(BIN)/python manage.py runserver --noreload 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# Benchmarks on PostgreSQL (DATABASE_URL) with production settings; BENCH_SCALE=small for a quick smoke run.
bench: $(STAMP)
	DEBUG=false $(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var
