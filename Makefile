# The two commands: `make run` serves the product, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DATABASE_URL_TEST ?= postgres://postgres@127.0.0.1:5432/postgres
export REDIS_URL_TEST ?= redis://127.0.0.1:6379/0
PYTEST_WORKERS ?= 2

.PHONY: run test lint check-services messages fmt clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py demo
	@# With DEBUG off pages link hashed static names, which only collectstatic writes (staticfiles/).
	@case "$$(echo "$${DEBUG:-1}" | tr A-Z a-z)" in 1|true|on|ok|y|yes) ;; \
		*) DEBUG=$$DEBUG $(BIN)/python manage.py collectstatic --noinput -v0 ;; esac
	@echo "Serving on http://127.0.0.1:8000 — press Ctrl+C to stop."
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

test: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_TEST)} REDIS_URL=$${REDIS_URL:-$(REDIS_URL_TEST)} \
		$(BIN)/python -m scripts.check_services
	$(MAKE) --no-print-directory lint
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_TEST)} REDIS_URL=$${REDIS_URL:-$(REDIS_URL_TEST)} \
		$(BIN)/pytest -n $(PYTEST_WORKERS) --create-db

# Project catalogue (locale/): common, brands, orders, postpurchase and templates/. Every other app keeps
# its own catalogue in <app>/locale/, refreshed from inside the app.
SHOPPER_LANGUAGES := -l en -l ro -l pl -l ru
PROJECT_MESSAGE_DIRS := common brands orders postpurchase templates locale
messages: $(STAMP)
	$(BIN)/python manage.py makemessages $(SHOPPER_LANGUAGES) --no-obsolete --ignore '.venv/*' \
		$(foreach d,$(filter-out $(PROJECT_MESSAGE_DIRS),$(patsubst %/,%,$(wildcard */))),--ignore '$(d)/*')
	for app in $(patsubst %/locale/,%,$(wildcard */locale/)); do \
		(cd $$app && ../$(BIN)/python ../manage.py makemessages $(SHOPPER_LANGUAGES) --no-obsolete) || exit 1; \
	done
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
