# The README's two commands: `make run` and `make test`. `make install` is the bootstrap alone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock

.PHONY: install run test bench lint lock clean

install: $(STAMP)

# Exactly the versions in the lock file (`make lock` writes it), then the project itself, then
# Frappe's own client libraries for the compatibility tests (tests/clients: pinned, the npm one
# from its package-lock.json; skipped with a note where npm is missing).
$(STAMP): setup.cfg pyproject.toml $(LOCK) tests/clients/python.txt tests/clients/js/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip install --quiet --no-deps -r tests/clients/python.txt
	if command -v npm >/dev/null; then npm ci --prefix tests/clients/js --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the JavaScript client tests will be skipped"; fi
	touch $(STAMP)

run: install
	$(BIN)/traciqo-rpc migrate
	$(BIN)/traciqo-rpc fixtures
	$(BIN)/traciqo-rpc demo
	$(BIN)/traciqo-rpc serve --host 127.0.0.1 --port 8000

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m bench.method_overhead
	$(BIN)/python -m bench.verify_code
	$(BIN)/python -m bench.create_codes
	$(BIN)/python -m bench.serial_numbers
	$(BIN)/python -m bench.webhooks
	$(BIN)/python -m bench.resources
	$(BIN)/python -m bench.trackers

lint: install
	$(BIN)/ruff check traciqo_rpc doctypes tests bench hooks.py
	$(BIN)/mypy

# The newest releases setup.cfg allows, resolved in a clean environment, written as exact pins.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet '.[dev]'
	{ echo "# Written by \`make lock\` from setup.cfg: install_requires and the dev extra (which has the"; \
	  echo "# PostgreSQL driver). \`make install\` and CI install exactly these; edit setup.cfg, not this."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^traciqo-rpc'; } > $(LOCK)
	rm -rf .lock-venv build *.egg-info

clean:
	rm -rf $(VENV) *.egg-info
