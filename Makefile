# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Debian packages: venv, WeasyPrint's Pango/HarfBuzz, Vietnamese-capable fonts (Liberation Serif 2: Times-metric with
# every Vietnamese letter, for reports), gettext for translations, Chromium for the browser tests (they run its
# headless build, chromium-headless-shell), pg_dump/pg_restore
# for `manage.py backup`, LibreOffice Writer for the test that lays the reports' .docx out as an office would.
DEBIAN_PACKAGES := python3-venv python3-dev libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-noto-core fonts-dejavu-core fonts-liberation fonts-liberation2 gettext chromium chromium-headless-shell \
	postgresql-client libreoffice-writer-nogui

# The test suite runs against the real services: PostgreSQL and a Celery worker on Redis; it ends with its 20
# slowest steps (--durations=20), the places to look when it grows slow. Its end-to-end
# stage (tests/e2e) also starts the production stack outside containers, on a database of its own
# (DATABASE_URL's name + _e2e, made afresh) and this Redis database.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
E2E_BROKER_URL ?= redis://127.0.0.1:6379/14
# Three workers on this 2-core machine (pytest-xdist; TEST_WORKERS=0 runs the suite in one process): much of a
# worker's time is spent waiting on a browser, a Celery job or a process it started. Each has its own test database
# (test_NAME_gw0, _gw1...: copies of the first's, conftest.py SessionTemplate) and its own Redis database for Celery
# and the cache (the first TEST_BROKER_URL's, the next ones counting down from it, skipping E2E_BROKER_URL's: 13,
# 12 here); each configuration of the end-to-end stage runs whole on one worker, the two first (--dist loadgroup:
# the groups are named in conftest.py), and the longest other tests start first (conftest.py SLOW).
TEST_WORKERS ?= 3

# The server `make run` ends with: DEBUG off (DEBUG=1 turns it on), the portal's own error pages, static files
# from WhiteNoise. The end-to-end tests start this same command (`make serve`).
SERVE = $(BIN)/python manage.py runserver $(HOST):$(PORT)

.PHONY: run serve setup system-packages test bench bench-load bench-import bench-phone bench-cascade bench-api bench-public migrate demo clean lint

run: setup migrate demo
	@echo
	@echo "  Cổng theo dõi đang chạy: http://$(HOST):$(PORT)/"
	@echo "  Đăng nhập bằng một tài khoản demo ở trên, ví dụ phulam-officer / demo-2026"
	@echo
	$(SERVE)

# The server alone, on a database already set up (what `make run` ends with).
serve:
	$(SERVE)

setup: system-packages $(VENV)/.installed

system-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  SUDO=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

migrate: setup
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

test: setup
	$(BIN)/python manage.py compilemessages -v0 --ignore=.venv
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  E2E_BROKER_URL=$${E2E_BROKER_URL:-$(E2E_BROKER_URL)} $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup \
	  --durations=20 $(PYTEST_ARGS)

# Figures, printed: never timed tests. `make bench` runs them all; the officers' two can run alone.
bench: setup
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m tests.bench $(BENCH_ARGS)
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m tests.bench_officers all
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m tests.bench_hostile
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  $(BIN)/python -m tests.bench_jobs

# The officers' load on this checkout beside another git ref (COMPARE=<ref> or BASE=<ref>, default main), each on
# gunicorn (3 workers, as docker-compose.yml) over 127.0.0.1, interleaved, medians of 3 runs: p95, requests a second,
# errors, saves stored, server CPU a request, the load generator's CPU share, at 50, 100 and 200 officers.
# BENCH_SECONDS (20), BENCH_LEVELS (50,100,200), BENCH_RUNS (3); about 15 minutes. The single-version load alone:
# `python -m tests.bench_officers load`.
# The servers get CELERY_BROKER_URL as production does (a version with a Redis cache uses it, keyed by database).
bench-load: setup
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  $(BIN)/python -m tests.bench_load --base $(or $(COMPARE),$(BASE),main)

# The read API at 3,400 communes: queries a list page, and p95 of list pages over HTTP with a token (gunicorn).
bench-api: setup
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m tests.bench_api $(BENCH_ARGS)

# 100,000 appendix rows through HTTP (gunicorn and a Celery worker): seconds, each process's peak memory, the tuned
# stock import beside it. BENCH_IMPORT_ROWS to change the size.
bench-import: setup
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	  $(BIN)/python -m tests.bench_import_http $${BENCH_IMPORT_ROWS:-100000}

# Paced walks (Playwright, issue 25's pace): the phone's updates at 390x844 and the month at a desk at 1366x800,
# each with its taps, swipes, keys and seconds beside the goal.
bench-phone: setup
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m tests.bench_officers phone

# Cascade suggestions against the labelled set (tests/data/cascade_truth.json): precision and recall, the previous
# matcher beside the current one. Pure Python on the seed fixtures, no database.
# The public pages (/cong-khai/) at 95 communes: first answer and cached median and p95 over HTTP.
bench-public: setup
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m tests.bench_public $(BENCH_ARGS)

bench-cascade: setup
	$(BIN)/python -m tests.bench_cascade

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .secret_key

# The rules and the per-file exceptions are pyproject.toml's [tool.ruff]; migrations are Django's own output.
lint: setup
	$(BIN)/ruff check --exclude .venv .
