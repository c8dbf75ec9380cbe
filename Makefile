# Two entry points: `make run` builds the default corpus, `make test` runs every test.
# Both create .venv and install the pinned, hash-checked dependencies first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint browser bench screenshot clean

run: $(STAMP)
	$(BIN)/claimgraph build data/corpus --out exports

test: $(STAMP) browser
	$(BIN)/ruff check graph tests bench
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check graph tests bench

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24"
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

# The HTML checks drive Debian's chromium headless; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Refresh the README's picture of the seed graph (needs the browser, like the tests).
screenshot: $(STAMP) browser
	$(BIN)/python -m graph.screenshot exports/graph.html exports/graph.png

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .claimgraph-cache
