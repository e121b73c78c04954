"""End-to-end tests use the ``stack``, ``api`` and ``gateway_db`` fixtures of tests/conftest.py."""
