# kunstvest: `make run` to try it, `make test` for the whole suite. Every step installs what it needs and skips
# what is there already.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app kunstvest
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export FLASK_APP := kunstvest

.PHONY: run test test-sqlite test-postgres install assets translations extract-messages migrate demo \
        postgres chromium nginx bench worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/pico/pico.min.css: node_modules/.package-lock.json
	mkdir -p static/vendor/pico
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/pico/pico.min.css
	cp node_modules/@picocss/pico/LICENSE.md static/vendor/pico/LICENSE.md

static/vendor/leaflet/leaflet.js: node_modules/.package-lock.json
	mkdir -p static/vendor/leaflet
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images \
	  node_modules/leaflet/LICENSE static/vendor/leaflet/

assets: static/vendor/pico/pico.min.css static/vendor/leaflet/leaflet.js

translations: install
	$(BIN)/pybabel -q compile -d kunstvest/translations

extract-messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k _l --ignore-dirs=".* node_modules" -o kunstvest/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel -q update -i kunstvest/translations/messages.pot -d kunstvest/translations --no-fuzzy-matching

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load

run: install assets translations demo
	@echo "Mail is printed by a local SMTP sink below and sent by the outbox worker every 5 s."
	@trap 'kill 0' EXIT; \
	  $(BIN)/python -m aiosmtpd -n -l 127.0.0.1:1025 & \
	  $(FLASK) outbox send --watch & \
	  $(FLASK) run --host 127.0.0.1 --port 5000

postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq postgresql >/dev/null)

chromium:
	@command -v chromium >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null)

# Only for `nginx -t` of deploy/nginx/kunstvest.conf in tests/test_deployment.py.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || \
	  ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx >/dev/null)

test-sqlite: install assets translations chromium nginx
	@echo "=== kunstvest test suite on SQLite (with browser tests) ==="
	$(BIN)/pytest -p no:cacheprovider

test-postgres: install assets translations postgres nginx
	@echo "=== kunstvest test suite on PostgreSQL ==="
	scripts/with-test-postgres $(BIN)/pytest -p no:cacheprovider -m "not browser"

# Both suites at once, one per core; each one's output is printed whole when it ends.
test: install assets translations chromium postgres nginx
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# Every benchmark against its targets, each on a throw-away PostgreSQL cluster; `make bench QUICK=1` for a short run.
bench: install assets translations postgres
	$(BIN)/python bench/run.py $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) node_modules static/vendor instance/kunstvest.sqlite
