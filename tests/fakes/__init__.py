"""In-memory stand-ins for the adapters, for unit tests of use cases.

Each fake keeps the contract of the adapter it stands for: the same contract suite runs
against both (tests/integration/test_*_contract.py).
"""
