"""Errors standards' RPC methods raise; the gateway maps them by class name (errors.py)."""

from ..common.domain import InvalidTransition
from ..common.refusals import REFUSALS as COMMON_REFUSALS
from ..common.repository import NotFound
from .domain.model import FlaggedReferences


class CaseNotFound(NotFound):
    """No BZ case with this request code."""


class StandardNotFound(NotFound):
    """No standard with this number in the catalogue."""


class StandardExists(InvalidTransition):
    """A standard with this number is catalogued already."""

    def __init__(self, number: str) -> None:
        super().__init__(number, "catalogued", "added")


class UnknownReplacement(ValueError):
    """The replacement named for a superseded standard is not a current one in the catalogue."""


# What this service refuses on purpose (common/refusals.py): its RPC entrypoints declare
# them expected, so each is logged in one line at INFO, not as a fault.
REFUSALS = (UnknownReplacement, *COMMON_REFUSALS)


__all__ = [
    "REFUSALS",
    "CaseNotFound",
    "FlaggedReferences",
    "InvalidTransition",
    "StandardExists",
    "StandardNotFound",
    "UnknownReplacement",
]
