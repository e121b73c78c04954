# Two commands on a fresh machine: `make run` (the platform on http://127.0.0.1:8000)
# and `make test` (every test). Both create and fill the virtualenv when needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test faults fuzz bench install lock lint clean

# Every package comes from the lock with its hash (pip and the build backend included, so
# nothing is resolved anew); the project itself then installs without its dependencies.
# Installs again whenever the lock changes.
$(INSTALLED): pyproject.toml requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	touch $(INSTALLED)

install: $(INSTALLED)

# The lock files from pyproject.toml, for Python 3.11 on Linux x86_64, with every
# distribution's hash: requirements-dev.lock (the platform, its dev extras, pip and the
# build backend), then requirements.lock (the image's: no dev extras) held to the same
# versions. Pins already in the lock are kept unless pyproject.toml moves them;
# `make lock LOCK_UPGRADE=--upgrade` moves every unpinned one to its newest release.
UV_VERSION := 0.13.9
UV_VENV := .venv-uv
UV := $(UV_VENV)/bin/uv
LOCK_UPGRADE ?=
LOCK := $(UV) pip compile --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command 'make lock' $(LOCK_UPGRADE)

$(UV):
	test -x $(UV_VENV)/bin/python || $(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)

lock: $(UV)
	$(LOCK) --extra installer --extra dev -o requirements-dev.lock pyproject.toml
	$(LOCK) --extra installer --constraint requirements-dev.lock -o requirements.lock pyproject.toml

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

# Intake beside bare nameko endpoints (a ceiling and two floors) with its store commands and CPU per
# submission, intake with two gateway processes, end to end, tracking with 100,000 stored
# (bench/run.py; prints tables). Runs the platform on a vhost and nx-27017 of its own.
bench: install
	$(PY) -m bench.run

lint: install
	$(VENV)/bin/ruff check services tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf var test-artifacts
