# Two entry points for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
export GONGZHI_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install lint serve clean bench

# Stamp files make a second run skip installs that are already current.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
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

clean:
	rm -rf $(VENV) node_modules var test-artifacts .pytest_cache
