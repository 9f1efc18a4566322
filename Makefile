# 民生工程管理系统 — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := minsheng.settings

.PHONY: run serve setup test lint format demo demo-clear clean help messages bench audit backup

help:
	@echo "make run    – install everything, prepare the database with the reference data, serve on http://$(HOST):$(PORT)"
	@echo "make test   – run the whole test suite (DATABASE_URL=postgres://… to run it on PostgreSQL)"
	@echo "make demo   – a labelled 示例 year on the reference program: demo accounts (示例账号) per role and unit, targets, funds, letters, reports, findings, assets, disclosures (refused in production)"
	@echo "make demo-clear – delete exactly the demo rows (reference and real data stay)"
	@echo "make lint   – ruff, and djLint over the formatted template directories"
	@echo "make audit  – known vulnerabilities: pip-audit (installed Python packages) and npm audit --omit=dev; says when the advisory services cannot be reached (AUDIT_STRICT=1: then fail)"
	@echo "make backup – python manage.py backup: database + uploads + manifest in one file under var/backups/ (restore: python manage.py restore FILE)"

$(VENV)/.runtime: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

static/vendor/.built: node_modules/.package-lock.json scripts/build-vendor.mjs
	npm run --silent build
	touch $@

setup: $(VENV)/.runtime static/vendor/.built
	bash scripts/system-packages.sh
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py load_reference_data
	$(PY) manage.py ensure_admin

run: setup serve

# The web server, one background worker and the scheduler (Procfile) under honcho; Ctrl-C stops all three.
# WORKERS=3 make serve runs three workers (PostgreSQL; keep one on SQLite).
WORKERS ?= 1
serve:
	@echo "民生工程管理系统: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	HOST=$(HOST) $(VENV)/bin/honcho start -f Procfile -p $(PORT) -c web=1,worker=$(WORKERS),scheduler=1

# The demo command refuses production (MINSHENG_PRODUCTION=1) before it touches the database.
demo: $(VENV)/.runtime
	$(PY) manage.py demo --prepare

demo-clear: $(VENV)/.runtime
	$(PY) manage.py demo_clear

test: $(VENV)/.dev static/vendor/.built
	bash scripts/system-packages.sh --test
	$(VENV)/bin/pytest

# Template directories already formatted by djLint (pyproject [tool.minsheng].formatted_templates).
TEMPLATE_DIRS = $(shell $(PY) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['tool']['minsheng']['formatted_templates'])")

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint $(TEMPLATE_DIRS) --check
	$(VENV)/bin/djlint $(TEMPLATE_DIRS) --lint

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	for pass in 1 2; do \
	  $(PY) scripts/template_split.py $$(find $(TEMPLATE_DIRS) -name '*.html'); \
	  $(VENV)/bin/djlint $(TEMPLATE_DIRS) --reformat --quiet > /dev/null || true; \
	done

clean:
	rm -rf $(VENV) node_modules static/vendor var/static

audit: $(VENV)/.dev node_modules/.package-lock.json
	$(PY) scripts/audit.py

backup: $(VENV)/.runtime
	$(PY) manage.py backup

# Translators: needs Debian's gettext. The compiled .mo is committed so that nothing else needs it.
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var
	$(PY) manage.py compilemessages -l en --ignore=.venv

# Benchmarks (not tests): BENCH_SCALES=county,province make bench — writes docs/performance.md (and the import as a
# background task: docs/performance-tasks.md).
bench: $(VENV)/.dev
	$(PY) -m bench
	$(PY) -m bench.task_import
