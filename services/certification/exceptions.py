"""Errors certification's RPC methods raise; the gateway maps them by class name (errors.py)."""

from ..common.domain import InvalidTransition
from ..common.repository import NotFound
from .domain.model import (
    AuditIncomplete,
    DateOutOfRange,
    GrantNotSupported,
    NoSurveillancePlanned,
    RecertificationNotDue,
    ScopeNotReduced,
    SurveillanceOutstanding,
)


class CertificationNotFound(NotFound):
    """No RZ01/RZ02 application with this request code."""


class CertificateNotFound(NotFound):
    """No certificate with this number in the registry."""


__all__ = [
    "AuditIncomplete",
    "CertificateNotFound",
    "CertificationNotFound",
    "DateOutOfRange",
    "GrantNotSupported",
    "InvalidTransition",
    "NoSurveillancePlanned",
    "RecertificationNotDue",
    "ScopeNotReduced",
    "SurveillanceOutstanding",
]
