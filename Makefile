# Lifestream: `make run` serves the archive on SQLite with sample content; `make test` runs the suite.
# `make serve` is `make run` for a real archive: no sample content, and the sample accounts (if
# any) can't log in.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
BIND ?= $(or $(LIFESTREAM_BIND),127.0.0.1:8000)

.PHONY: run serve test test-tools lint format install install-dev migrate sample clean bench system-packages messages

# The dependencies are listed once, in pyproject.toml; the checkout is installed editable, so
# the code run is the code here (and `.venv/bin/lifestream` works too).
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

sample: migrate
	$(PY) manage.py create_sample_content

# The task worker (notification emails) runs beside the web server and stops with it.
define serve_archive
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(VENV)/bin/gunicorn lifestream.wsgi --bind $(BIND) --workers 2 --threads 4 \
		--access-logfile - --access-logformat '$(ACCESS_LOG_FORMAT)' --forwarded-allow-ips 127.0.0.1
endef

# gunicorn's access log without query strings: AO3 clients log in with their password in the
# query string (/users/login?user[password]=…), and search terms are the reader's own business.
ACCESS_LOG_FORMAT := %(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"

# The demo: the sample accounts, whose password the README publishes, may log in.
run: export LIFESTREAM_DEMO := 1
run: sample
	$(serve_archive)

serve: migrate
	$(serve_archive)

test: install-dev test-tools
	$(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

# The tools the tests run in the browser (axe-core), from npm, pinned in package-lock.json.
# Without npm the accessibility tests are skipped (LIFESTREAM_REQUIRE_AXE makes that a failure).
test-tools: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

# Debian packages the full test suite uses (a browser, W3C epubcheck, Calibre, and MariaDB,
# which `import_efiction` starts privately to read eFiction dumps); installs the missing ones
# as root, or says which are missing. Without them those tests are skipped.
SYSTEM_PACKAGES := chromium:chromium epubcheck:epubcheck ebook-convert:calibre mariadbd:mariadb-server
system-packages:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
		command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -z "$$missing" ]; then echo "system packages: all present"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then echo "missing Debian packages:$$missing (apt-get install them as root)" >&2; exit 1; fi; \
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# A fresh synthetic archive of BENCH_WORKS works in var/bench, then the benchmarks (the gift
# exchange's matching needs no archive: it generates its sign-ups).
BENCH_WORKS ?= 1000000
bench: install-dev
	rm -rf var/bench
	LIFESTREAM_DATA_DIR=var/bench $(PY) manage.py migrate --noinput --verbosity 0
	LIFESTREAM_DATA_DIR=var/bench $(PY) manage.py generate_archive --works $(BENCH_WORKS)
	LIFESTREAM_DATA_DIR=var/bench $(PY) -m bench.filters --runs 200 --orm-runs 10
	$(PY) -m bench.matching

clean:
	rm -rf $(VENV) var/static

# The interface's translations (README, "Interface languages"): gather the marked strings into
# lifestream/locale/<lang>/LC_MESSAGES/django.po, then compile the .mo files the archive reads.
# Both are committed, so running the archive needs no gettext; this target needs GNU gettext.
MESSAGE_LANGUAGES := fr ja
MESSAGE_IGNORE := --ignore=.venv --ignore=node_modules --ignore=var --ignore=bench --ignore=tests
messages: install
	$(PY) manage.py makemessages $(addprefix --locale=,$(MESSAGE_LANGUAGES)) $(MESSAGE_IGNORE) \
		--add-location=file --no-obsolete
	$(PY) manage.py compilemessages $(addprefix --locale=,$(MESSAGE_LANGUAGES)) $(MESSAGE_IGNORE)
