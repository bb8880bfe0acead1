# Orienta — `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the suite.
PORT ?= 8000
SERVE_LOCAL_HTTP ?= 0
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE): every
# test process, and every command a test starts, would compile the code and rewrite the tests'
# assertions again (collecting the suite: 11 s instead of 5).
TEST_ENV := SECRET_KEY=test-only-secret-key-not-for-production ORIENTA_DEMO=0 PYTHONDONTWRITEBYTECODE=
# The suite runs on every core (pytest-xdist); TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= auto
PARALLEL := -n $(TEST_WORKERS) --dist worksteal

.PHONY: run serve test test-pg test-browser install messages compilemessages lint demo clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	@if $(PY) -m pip install -q --disable-pip-version-check uv >/dev/null 2>&1; then \
		$(PY) -m uv pip install -q --python $(PY) -r requirements.txt -r requirements-dev.txt; \
	else \
		echo "uv unavailable, installing with pip"; \
		$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt; \
	fi
	@touch $@

install: $(VENV)/.installed

compilemessages: install
	@$(VENV)/bin/pybabel compile -d locale -D django --statistics

var:
	@mkdir -p var

run: install compilemessages var
	ORIENTA_DEMO=1 $(PY) manage.py migrate --no-input -v 0
	ORIENTA_DEMO=1 $(PY) manage.py load_demo
	@# The task queue's worker beside the server (messages, webhooks), stopped with it.
	ORIENTA_DEMO=1 $(PY) manage.py db_worker -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	ORIENTA_DEMO=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production configuration on this machine (deploy/serve): gunicorn with
# deploy/gunicorn.conf.py on 127.0.0.1:$(PORT), hashed and compressed static files, migrations
# applied, no demo mode; refuses to start without SECRET_KEY. Plain HTTP is redirected to HTTPS
# (as behind a TLS proxy); SERVE_LOCAL_HTTP=1 to try it in a browser here. docs/deploy.md.
# A site node beside `make run` (SYNC.md), on its own SQLite file and MEDIA_ROOT (a wipe empties
# it): `make node PORT=8100`, and the first time `CODE=…` from `manage.py sync_node_create --site
# TD-NDJ1` on the central server (steps: docs/deploy.md, section 12).
CENTRAL ?= http://127.0.0.1:8000
NODE_ENV = ORIENTA_NODE=1 ORIENTA_DEMO=1 DATABASE_URL=sqlite:///$(CURDIR)/var/node-$(PORT).sqlite3 \
	MEDIA_ROOT=$(CURDIR)/var/node-$(PORT)-media
.PHONY: node
node: install compilemessages var
	$(NODE_ENV) $(PY) manage.py migrate --no-input -v 0
	@if [ -n "$(CODE)" ]; then $(NODE_ENV) $(PY) manage.py sync_enrol --central $(CENTRAL) --code $(CODE) && $(NODE_ENV) $(PY) manage.py sync; fi
	$(NODE_ENV) $(PY) manage.py sync_status
	$(NODE_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

serve: install compilemessages var
	PORT=$(PORT) SERVE_LOCAL_HTTP=$(SERVE_LOCAL_HTTP) deploy/serve

# The suite builds its test databases from the models (--nomigrations: 1 s instead of 25 for each
# test process): `makemigrations --check` first proves the migrations describe the same models,
# and the backup drill applies every migration to a new database of the suite's engine (SQLite
# here, PostgreSQL in `make test-pg`) and compares its schema with the models'.
test: install compilemessages var
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run -v 0
	$(TEST_ENV) $(PY) -m pytest -m "not browser" --nomigrations $(PARALLEL) $(ARGS)

test-pg: install compilemessages var
	$(TEST_ENV) scripts/test-pg -m "not browser" --nomigrations $(PARALLEL) $(ARGS)

test-browser: install compilemessages var
	@test -x /usr/bin/chromium || (apt-get update -q && apt-get install -y -q chromium)
	$(TEST_ENV) DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m browser --nomigrations $(PARALLEL) $(ARGS)

# Refresh the catalogues from the code (needs GNU gettext), then compile them.
messages: install
	$(TEST_ENV) $(PY) manage.py makemessages -l fr -l pt -l en --no-obsolete --no-location
	$(VENV)/bin/pybabel compile -d locale -D django --statistics

# ruff, the import contracts of pyproject.toml (apps depend one way), then the types (mypy with
# django-stubs, which loads the settings: hence the test environment).
lint: install
	$(VENV)/bin/ruff check orienta tests deploy
	$(VENV)/bin/ruff format --check orienta tests deploy
	$(VENV)/bin/lint-imports
	$(TEST_ENV) $(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var

# Benchmark at scale, written to docs/benchmarks.md: PostgreSQL on 127.0.0.1:5432 (or
# BENCH_DATABASE_URL), 20,000 generated persons by default; e.g. BENCH_ARGS="--persons 200000
# --users 50 --db sqlite --only load". Runs without demo mode, with a throwaway secret.
.PHONY: bench
bench: install compilemessages var
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') ORIENTA_DEMO=0 \
		ORIENTA_BENCH=1 $(PY) manage.py bench $(BENCH_ARGS)

# This checkout against another, request by request (both serving the bench data at once):
# e.g. `git worktree add ../base main`, then `make bench-compare BASE=../base`.
.PHONY: bench-compare
bench-compare: install compilemessages var
	@test -n "$(BASE)" || { echo "BASE=<the other checkout> is required"; exit 2; }
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') ORIENTA_DEMO=0 \
		ORIENTA_BENCH=1 $(PY) manage.py bench_compare --base $(BASE) $(COMPARE_ARGS)
