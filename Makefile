# The README's two commands: `make run` and `make test`. `make install` is the bootstrap alone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test bench lint clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
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

lint: install
	$(BIN)/ruff check traciqo_rpc doctypes tests bench hooks.py

clean:
	rm -rf $(VENV) *.egg-info
