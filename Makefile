# The course's two set-up commands. Each creates .venv (once), installs what it needs
# (again only when a requirements file changed), then does its job.
#
#   make lab    open the course in JupyterLab on the start page (students, self-study)
#   make test   run the whole test suite
#
# Choose another interpreter with `make lab PYTHON=/path/to/python3.12`.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
VENV  := .venv
BIN   := $(VENV)/bin

# The first Python >= 3.11 found; the system one first, because JupyterHub's
# student servers cannot run a Python that lives under a private home folder.
PYTHON ?= $(shell for p in /usr/bin/python3 python3.13 python3.12 python3.11 python3; do \
	  c=$$(command -v $$p 2>/dev/null) || continue; \
	  $$c -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$c; break; }; \
	done)

LAB_PORT ?= 8888
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
START_PAGE := notebooks/00_start_here.ipynb
# pip's notes about unused local package folders on some machines are noise, not news
PIP_FILTER := { grep -v -e '^WARNING: Location .* is ignored' -e '^  ' || true; }

.PHONY: lab test venv clean help

help:
	@echo "make lab    open the course in JupyterLab (creates .venv on first use)"
	@echo "make test   run the test suite (creates .venv on first use)"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Python 3.11 or newer was not found. Install it (e.g. 'apt-get install python3.11 python3.11-venv')"; \
	  echo "       or name one with 'make lab PYTHON=/path/to/python3.11'."; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	@$(PYTHON) -m venv $(VENV) || { echo "error: could not create $(VENV); on Debian/Ubuntu install python3-venv"; exit 1; }
	@$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | $(PIP_FILTER)

$(VENV)/.installed-runtime: $(BIN)/python requirements.txt pyproject.toml deploy/jupyterlab/overrides.json
	@echo "Installing the course (requirements.txt) into $(VENV)..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt 2>&1 | $(PIP_FILTER)
	@# JupyterLab's news pop-up and update check off for the course (deploy/jupyterlab/README.md)
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp deploy/jupyterlab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed-runtime requirements-test.txt
	@echo "Installing test tools (requirements-test.txt) into $(VENV)..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt 2>&1 | $(PIP_FILTER)
	@touch $@

venv: $(VENV)/.installed-runtime

lab: $(VENV)/.installed-runtime
	@echo "Opening the course in JupyterLab on $(START_PAGE) (port $(LAB_PORT))."
	@echo "Your browser opens it; if not, open the http://127.0.0.1:$(LAB_PORT)/lab?token=... address printed below."
	@echo "Stop it with Ctrl-C."
	@$(BIN)/jupyter lab --port $(LAB_PORT) $(ROOT_FLAG) $(START_PAGE)

test: $(VENV)/.installed-test
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
