"""Errors testing's RPC methods raise; the gateway maps them by name (errors.py)."""

from ..common.domain import InvalidTransition, RuleViolated
from ..common.refusals import REFUSALS as COMMON_REFUSALS
from ..common.repository import NotFound


class JobNotFound(NotFound):
    pass


class ReportNotFound(NotFound):
    pass


# What this service refuses on purpose (common/refusals.py): its RPC entrypoints declare
# them expected, so each is logged in one line at INFO, not as a fault.
REFUSALS = COMMON_REFUSALS


__all__ = ["REFUSALS", "InvalidTransition", "RuleViolated", "JobNotFound", "ReportNotFound"]
