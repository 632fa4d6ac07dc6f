# Two commands matter: `make run` (the service on embedded defaults) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := api orders printfiles printline profiles queues records render storage vocab

.PHONY: install bytecode run test bench screenshots clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

install: $(STAMP)

# The editable install leaves our own modules uncompiled, and where PYTHONDONTWRITEBYTECODE is set every
# start compiles them again (~35 ms of each `printline render`); a wheel install compiles them once.
bytecode: install
	$(BIN)/python -m compileall -q $(PACKAGES)

run: bytecode
	$(BIN)/printline run

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: bytecode
	$(BIN)/python bench/render.py

# PNGs of the QA desk and the production floor with real jobs (needs /usr/bin/chromium) → docs/screenshots/
screenshots: install
	$(BIN)/python bench/screenshots.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
	find $(PACKAGES) -name __pycache__ -prune -exec rm -rf {} +
