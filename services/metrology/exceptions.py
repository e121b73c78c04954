"""Errors metrology's RPC methods raise; the gateway maps them by name (errors.py)."""

from ..common.domain import InvalidTransition, RuleViolated
from ..common.repository import NotFound


class JobNotFound(NotFound):
    pass


class CertificateNotFound(NotFound):
    pass


class InstrumentTypeNotFound(NotFound):
    pass


class ReferenceStandardNotFound(NotFound):
    pass


class InstrumentNotFound(NotFound):
    pass


__all__ = [
    "InvalidTransition", "RuleViolated", "JobNotFound", "CertificateNotFound",
    "InstrumentTypeNotFound", "ReferenceStandardNotFound", "InstrumentNotFound",
]
