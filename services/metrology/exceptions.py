"""Errors metrology's RPC methods raise; the gateway maps them by name (errors.py)."""

from ..common.domain import InvalidTransition, NotFound


class JobNotFound(NotFound):
    pass


__all__ = ["InvalidTransition", "JobNotFound"]
