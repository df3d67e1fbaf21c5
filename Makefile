# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export GONGZHI_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install lint serve clean bench lock lock-upgrade audit

# Every dependency (main and the `test` extra) is pinned with its hashes in the lock file, so two
# machines install the same bytes; gongzhi itself goes on top without resolving anything. `pip
# check` fails when pyproject.toml names a dependency the lock lacks: run `make lock`.
LOCK := requirements/lock.txt
UV   := $(BIN)/uv
UV_VERSION := 0.13.8
LOCK_ARGS := pyproject.toml --extra test --generate-hashes --universal --python-version 3.11 \
	--annotation-style line --quiet -o $(LOCK)

# Stamp files make a second run skip installs that are already current.
$(BIN)/.installed: pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/.installed node_modules/.installed

demo: install
	GONGZHI_DEMO=1 $(BIN)/gongzhi migrate --noinput -v 0
	GONGZHI_DEMO=1 $(BIN)/gongzhi seed_demo
	@# The Huey consumer runs beside the server (workbook imports, the deadline sweep) and stops with it.
	GONGZHI_DEMO=1 $(BIN)/gongzhi run_huey --workers 2 >"$(GONGZHI_DATA_DIR)/huey.log" 2>&1 & huey=$$!; \
	trap 'kill $$huey 2>/dev/null' EXIT INT TERM; \
	GONGZHI_DEMO=1 $(BIN)/gongzhi runserver $(HOST):$(PORT)

# Tests run in parallel with pytest-xdist, one worker per core; PYTEST_WORKERS=0 runs them in one
# process (needed for --pdb). Extra pytest arguments go in PYTEST_ARGS.
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: install
	$(BIN)/python -m bench

# Regenerate the lock after a change to pyproject.toml: keeps every pin that still fits and adds
# what is new. lock-upgrade moves every pin to the newest release allowed. Both ask PyPI (uv does
# not read pip's config), so the hashes are PyPI's.
$(UV):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'

lock: $(UV)
	$(UV) pip compile $(LOCK_ARGS)

lock-upgrade: $(UV)
	$(UV) pip compile --upgrade $(LOCK_ARGS)

# Known vulnerabilities in the lock (pip-audit); skipped with a note when no advisory source answers.
audit: install
	BIN=$(BIN) .ci/audit

clean:
	rm -rf $(VENV) node_modules var test-artifacts .pytest_cache
