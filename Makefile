# Two commands on a fresh machine: `make run` (the platform on http://127.0.0.1:8000)
# and `make test` (every test). Both create and fill the virtualenv when needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test faults fuzz bench install lint clean

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

run: install
	$(PY) -m services.common.devstack

test: install
	$(VENV)/bin/ruff check services tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -m "not browser"
	# Playwright drives Chromium from its own event loop, so these run without eventlet.
	QI_TESTS_WITHOUT_EVENTLET=1 $(PY) -m pytest -m browser --suppress-nameko-eventlet-notification
	$(MAKE) --no-print-directory faults

# 500 submissions while every part is killed or restarted in turn; prints
# "submitted N, completed N, lost 0, duplicated 0" and fails otherwise.
faults: install
	$(PY) -m tests.faults.suite

# schemathesis over every API operation, anonymous, as admin and as station staff, with
# many more examples per operation than `make test` gives it (QI_FUZZ_EXAMPLES, default 200).
fuzz: install
	QI_FUZZ_EXAMPLES=$${QI_FUZZ_EXAMPLES:-200} $(PY) -m pytest tests/e2e/test_fuzz.py

# Intake beside bare nameko endpoints (a ceiling and two floors), end to end, tracking with 100,000 stored
# (bench/run.py; prints a table). Runs the platform on a vhost and nx-27017 of its own.
bench: install
	$(PY) -m bench.run

lint: install
	$(VENV)/bin/ruff check services tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf var test-artifacts
