"""Building blocks every service's domain model uses. Pure Python: no I/O, no frameworks."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened to an aggregate; the repository wraps it in an envelope."""

    type: str
    data: dict
    route: str | None = None  # the one service the event is meant for, if any


class InvalidTransition(Exception):
    """The aggregate is not in a state that allows this step (HTTP 409 at the gateway)."""

    def __init__(self, key, current, wanted):
        super().__init__(f"{key}: cannot go from {current} to {wanted}")
        self.key = key
        self.current = current
        self.wanted = wanted


class NotFound(Exception):
    """No aggregate with this key."""
