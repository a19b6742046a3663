# Everyday commands. `make run` and `make test` set up everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo "sudo ")

.PHONY: run serve test lint format install fonts system-check browser-check node-check pdf-tools-check migrate clean
# A half-made venv must not look finished to the next `make`.
.DELETE_ON_ERROR:

# The task worker (task_worker: the database queue here) sends queued email; it stops with the server.
run: install system-check
	@export DEBUG=$${DEBUG:-true} PORT=$(PORT); set -e; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0; \
	$(BIN)/python manage.py load_demo; \
	$(BIN)/python manage.py credential_key --development; \
	$(BIN)/python manage.py pdf_signing_certificate --development; \
	$(BIN)/python manage.py task_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	echo "Serving on http://127.0.0.1:$(PORT)/ with the email worker beside it (Ctrl+C stops both)"; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production stack on this machine: gunicorn and the task worker, configured only by the
# environment (and a .env file when there is one), exactly as in production (.env.example).
# WEB_WORKERS (default 3) and BIND (default 127.0.0.1:8000) choose the server's shape; the
# task worker takes its tasks from Redis when TASK_QUEUE_URL is set, else from the database.
serve: install system-check
	@set -a; if [ -f .env ]; then . ./.env; fi; set +a; set -e; \
	$(BIN)/python manage.py check --deploy; \
	$(BIN)/python manage.py migrate --noinput; \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0; \
	$(BIN)/python manage.py task_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(BIN)/gunicorn cme.wsgi:application --workers $${WEB_WORKERS:-3} --bind $${BIND:-127.0.0.1:8000} \
		--access-logfile -

test: install system-check browser-check node-check pdf-tools-check
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(INSTALLED) fonts

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "Python 3.11 or newer is needed as '$(PYTHON)' (set PYTHON=/path/to/python3.11)."; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
		echo ""; echo "Python cannot create virtual environments here. Install venv support with:"; \
		echo "    $(SUDO)apt-get install -y python3-venv"; echo ""; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

$(INSTALLED): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

# Certificates print every name in fonts from Debian's fonts-noto-core and fonts-noto-cjk, copied
# into print-fonts/ (cme/print_fonts.py); without them it stops with the apt-get line.
fonts: $(INSTALLED)
	@$(BIN)/python -m cme.print_fonts

# WeasyPrint loads Pango at import time; without it certificates cannot render. It subsets
# fonts with HarfBuzz-Subset when present (three times faster than its fallback, and the
# bytes of a certificate, which a rebuild must match, depend on which subsetter made them).
system-check: install
	@$(BIN)/python -W ignore -c 'from weasyprint.text import ffi; assert ffi.harfbuzz_subset is not None' \
		>/dev/null 2>&1 || { \
		echo ""; \
		echo "WeasyPrint cannot load the Pango and HarfBuzz-Subset libraries it needs to render PDFs."; \
		echo "Install them with:"; \
		echo "    $(SUDO)apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"; \
		echo ""; exit 1; }

# Browser tests use Debian's chromium; without it they are skipped, except in CI.
browser-check:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo ""; \
		echo "Chromium is not installed, so the browser tests will be skipped."; \
		echo "Install them with:"; \
		echo "    $(SUDO)apt-get install -y chromium"; \
		if [ "$$CI" = "true" ]; then echo "CI=true: a missing browser is a failure."; exit 1; fi; \
		echo ""; \
	fi

# Poppler's pdfsig checks the certificate PDFs' signatures as a second validator beside pyHanko's;
# without it those checks are skipped, except in CI.
pdf-tools-check:
	@if ! command -v pdfsig >/dev/null; then \
		echo ""; \
		echo "Poppler's pdfsig is not installed, so its signature checks will be skipped."; \
		echo "Install it with:"; \
		echo "    $(SUDO)apt-get install -y poppler-utils"; \
		if [ "$$CI" = "true" ]; then echo "CI=true: a missing pdfsig is a failure."; exit 1; fi; \
		echo ""; \
	fi

# The independent credential verifier (tests/node: Digital Bazaar's vc under Node) is installed
# from its lock file; without Node its tests are skipped, except in CI.
node-check:
	@if command -v npm >/dev/null; then \
		if [ ! tests/node/node_modules/.package-lock.json -nt tests/node/package-lock.json ]; then \
			npm ci --prefix tests/node --no-audit --no-fund --loglevel=error; \
		fi; \
	else \
		echo ""; \
		echo "Node is not installed, so the independent credential verifier's tests will be skipped."; \
		echo "Install it with:"; \
		echo "    $(SUDO)apt-get install -y nodejs npm"; \
		if [ "$$CI" = "true" ]; then echo "CI=true: a missing Node is a failure."; exit 1; fi; \
		echo ""; \
	fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache tests/node/node_modules
