# The two quick-start commands: `make demo` and `make test`. Each makes its own virtual
# environment and installs what it needs, so both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Serve the app at http://127.0.0.1:8000 on an embedded SQLite database with demo data.
demo: $(STAMP)
	$(BIN)/medbridge init
	$(BIN)/medbridge demo --if-empty
	$(BIN)/medbridge serve --host 127.0.0.1 --port 8000

## Install what the suite needs (PostgreSQL, Chromium) and run the whole suite on SQLite and PostgreSQL.
test: $(STAMP) system-deps
	MEDBRIDGE_REQUIRE_POSTGRES=1 MEDBRIDGE_REQUIRE_CHROMIUM=1 $(BIN)/pytest -q

system-deps:
	bash scripts/ensure-system-deps.sh

bench: $(STAMP)
	$(BIN)/python bench/library_bench.py
	$(BIN)/python bench/chain_bench.py
	$(BIN)/python bench/pipeline_bench.py
	$(BIN)/python bench/news_bench.py
	$(BIN)/python bench/matching_bench.py

clean:
	rm -rf $(VENV) medbridge.db medbridge.db-wal medbridge.db-shm
