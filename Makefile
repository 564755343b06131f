# The two commands: `make run` (set up and serve the demo on SQLite) and `make test` (the whole
# suite). `make help` lists the others.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Address `make run` serves on, e.g. `make run HOST=0.0.0.0:8080`.
HOST ?= 127.0.0.1:8000
PIP := $(BIN)/python -m pip --disable-pip-version-check
# Python 3.11 exactly: Django 5.2 with the pinned dependencies is tested on it.
IS_PYTHON_311 := -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'

.DEFAULT_GOAL := help
.PHONY: help run test install install-app reset-demo check-python check-port

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | \
		awk -F'\t' '{ printf "  make %-12s %s\n", $$1, $$2 }'
	@echo "  Variables: HOST=$(HOST) (make run), PYTHON=$(PYTHON), PYTEST_ARGS (make test)"

check-python:
	@$(PYTHON) $(IS_PYTHON_311) 2>/dev/null || { \
		echo "kidal needs Python 3.11: '$(PYTHON)' is not it. Try: make run PYTHON=/path/to/python3.11"; \
		exit 1; }
	@if [ -x $(BIN)/python ] && ! $(BIN)/python $(IS_PYTHON_311) 2>/dev/null; then \
		echo "$(VENV) was made by another Python: making it again with $(PYTHON)."; \
		rm -rf $(VENV); fi

check-port:
	@$(PYTHON) -c 'import socket, sys; host, port = "$(HOST)".rsplit(":", 1); \
		s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
		s.bind((host.strip("[]"), int(port)))' 2>/dev/null || { \
		echo "$(HOST) is taken: stop what uses it, or choose another, e.g. make run HOST=127.0.0.1:8001"; \
		exit 1; }

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# What running the app needs; the test tools (pytest, Playwright, ruff) come with `install`.
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(PIP) install --progress-bar on -e .
	touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --progress-bar on -e ".[test]"
	touch $@ $(VENV)/.installed-app

install-app: check-python $(VENV)/.installed-app

install: check-python $(VENV)/.installed ## Install the app and the test tools into .venv

run: check-python check-port install-app ## Set up the demo on SQLite and serve it on HOST
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Open http://$(HOST)/ (the admin: http://$(HOST)/admin/). Stop with Ctrl-C."
	$(BIN)/python manage.py runserver $(HOST)

test: install ## Run the whole test suite (PYTEST_ARGS="-m browser" for the browser tests only)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

reset-demo: check-python install-app ## Start the demo again: delete db.sqlite3 and the exports
	rm -f db.sqlite3
	rm -rf exports
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
