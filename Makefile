# `make run` and `make test` are all a new machine needs (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
# A CJK font, so the browser tests' pages (and their screenshots) show Chinese, not boxes.
CJK_FONT ?= /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast lint format bench serve clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/quizapp db upgrade
	$(BIN)/quizapp bank import question_bank/*.md
	$(BIN)/quizapp demo
	$(BIN)/quizapp run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev $(CHROMIUM) $(CJK_FONT)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The edit-test loop: everything but the tests marked slow (browser, concurrency, big
# round trips), stopping at the first failure. `make test` still runs them all.
test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -m "not slow" -x -q

# The browser tests drive Debian's Chromium (never a downloaded browser), with a CJK font.
$(CHROMIUM) $(CJK_FONT):
	@echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests (tests/e2e)"
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/bank_bench.py

# Production-style server: gunicorn with several workers (see docs/deployment.md).
serve: $(VENV)/.installed
	$(BIN)/quizapp db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py --bind $(HOST):$(PORT) wsgi:app

# After changing user-facing strings: refresh the catalogue, translate the new entries in
# quizapp/translations/en/LC_MESSAGES/messages.po, then run this again to compile.
translations: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location -o quizapp/translations/messages.pot .
	$(BIN)/pybabel update -i quizapp/translations/messages.pot -d quizapp/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d quizapp/translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
