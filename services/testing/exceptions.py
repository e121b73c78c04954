"""Errors testing's RPC methods raise; the gateway maps them by name (errors.py)."""

from ..common.domain import InvalidTransition, RuleViolated
from ..common.repository import NotFound


class JobNotFound(NotFound):
    pass


class ReportNotFound(NotFound):
    pass


__all__ = ["InvalidTransition", "RuleViolated", "JobNotFound", "ReportNotFound"]
