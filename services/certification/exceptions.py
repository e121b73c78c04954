"""Errors certification's RPC methods raise; the gateway maps them by class name (errors.py)."""

from ..common.domain import InvalidTransition
from ..common.refusals import REFUSALS as COMMON_REFUSALS
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


# What this service refuses on purpose (common/refusals.py): its RPC entrypoints declare
# them expected, so each is logged in one line at INFO, not as a fault.
REFUSALS = (DateOutOfRange, ScopeNotReduced, *COMMON_REFUSALS)


__all__ = [
    "REFUSALS",
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
