# Quick start: `make demo` (set up, build the fictitious demo region, serve it at
# http://127.0.0.1:5000) and `make test` (set up what the tests need, run them all).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test install assets browser benchmark wheel clean

demo: install
	$(BIN)/kaart demo --host $(HOST) --port $(PORT)

# Two workers, one test file each at a time (module fixtures stay in one process): the suite in about
# two-thirds of the time on these two-core machines. TESTWORKERS=0 runs it in one process.
TESTWORKERS ?= 2

test: install browser
	$(BIN)/python -m pytest -n $(TESTWORKERS) --dist loadfile

install: $(BIN)/.installed assets

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 of nieuwer is nodig (gevonden: $$($(PYTHON) --version)). Geef een andere met PYTHON=python3.12." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Leaflet and the other front-end packages come from the npm registry, never from a CDN at run time.
assets: webapp/node_modules/.installed

webapp/node_modules/.installed: webapp/package.json webapp/package-lock.json
	@command -v npm >/dev/null || { echo "npm is nodig om Leaflet en de andere kaartbestanden te installeren (Debian: apt-get install npm)." >&2; exit 1; }
	npm ci --prefix webapp --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's chromium; install it when we may (root), else they skip with a reason.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	      echo "chromium kon niet worden geïnstalleerd; de browsertests worden overgeslagen." >&2; \
	  else echo "Geen /usr/bin/chromium: installeer het (apt-get install chromium) voor de browsertests." >&2; fi; \
	fi

# The installable package (dist/*.whl), with the front-end files of `make assets` in it (see pyproject.toml).
wheel: install
	$(BIN)/pip wheel --no-deps -w dist .

benchmark: install
	$(BIN)/python benchmarks/bouwen.py
	$(BIN)/python benchmarks/bouwen_nationaal.py
	$(BIN)/python benchmarks/drukpunten.py
	$(BIN)/python benchmarks/voorzieningen.py
	$(BIN)/python benchmarks/kaartpagina.py
	$(BIN)/python benchmarks/kaartpagina.py --grof --herhalingen 1
	$(BIN)/python benchmarks/belasting.py
	$(BIN)/python benchmarks/belasting.py --grof
	$(BIN)/python benchmarks/locatiezoeker.py
	$(BIN)/python benchmarks/werksessie.py

clean:
	rm -rf $(VENV) webapp/node_modules data/kaart data/demo .pytest_cache build dist
