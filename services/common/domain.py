"""Building blocks every service's domain model uses. Pure Python: no I/O, no frameworks."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:  # the contract is read only for its type: common.contracts builds on this module
    from .contracts import DispatchedWork


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened to an aggregate; the repository wraps it in an envelope."""

    type: str
    data: dict[str, Any]
    route: str | None = None  # the one service the event is meant for, if any


class InvalidTransition(Exception):
    """The aggregate is not in a state that allows this step (HTTP 409 at the gateway)."""

    def __init__(self, key: Any, current: str | None, wanted: str) -> None:
        # The parts are the exception's args so it crosses RPC intact (the gateway
        # rebuilds it and names the current state in its 409).
        super().__init__(key, current, wanted)
        self.key = key
        self.current = current
        self.wanted = wanted

    def __str__(self) -> str:
        return f"{self.key}: cannot go from {self.current} to {self.wanted}"


class RuleViolated(Exception):
    """A step the state allows but a rule of the domain refuses (HTTP 409).

    ``code`` is a message key the gateway shows (``gateway/web/messages.py``), ``params``
    fill it in, e.g. ``RuleViolated("reviewer_must_differ", {"operator": "李四"})``.
    """

    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(code, dict(params or {}))
        self.code = code
        self.params = dict(params or {})

    def __str__(self) -> str:
        return f"{self.code} {self.params}"


@dataclass(kw_only=True)
class DispatchedWorkRecord:
    """What a domain service's work keeps of the request the station dispatched to it
    (``DispatchedWork.job_fields()``): a base of every job, case and application."""

    request_code: str
    item: str
    enterprise: dict[str, Any]
    details: dict[str, Any]
    station: str = ""
    contact: dict[str, Any] = field(default_factory=dict)


DECLINED = "declined"


class Declinable:
    """For an aggregate opened by a dispatch: its service may decline the work, with a
    reason, before it has started on it; the request then goes back to the station.

    The aggregate has the fields ``request_code``, ``status``, ``dispatch`` (which
    dispatch of the request opened it) and ``new_events``, and names the statuses it
    may be declined from in ``DECLINABLE_FROM``."""

    DECLINABLE_FROM: tuple[str, ...] = ()
    request_code: str
    status: str
    dispatch: int
    new_events: list[DomainEvent]

    def decline(self, operator: str, reason: str, now: datetime) -> None:
        if self.status not in self.DECLINABLE_FROM:
            raise InvalidTransition(self.request_code, self.status, DECLINED)
        self.status = DECLINED
        self.new_events.append(
            DomainEvent("job_declined", {"operator": operator, "reason": reason,
                                         "declined_at": now.isoformat(), "dispatch": self.dispatch})
        )


# The work the station ended after dispatch: as the request itself, terminated (已终止).
TERMINATED = "terminated"


class Cancellable:
    """For an aggregate opened by a dispatch: the station may end the request after
    dispatch (terminate) and its service then stops the work, unless it has already
    issued what the work produces, and says which it did. Told once: a redelivered
    termination changes nothing.

    The aggregate has the fields ``request_code``, ``status``, ``dispatch``,
    ``cancellation`` (None until told) and ``new_events``, and names the statuses its
    work may be stopped in (``CANCELLABLE_FROM``); ``can_stop`` may say more."""

    CANCELLABLE_FROM: tuple[str, ...] = ()
    request_code: str
    status: str
    dispatch: int
    cancellation: dict[str, Any] | None
    new_events: list[DomainEvent]

    def can_stop(self) -> bool:
        return self.status in self.CANCELLABLE_FROM

    def cancel(self, reason: str, now: datetime) -> bool:
        """Stop the work (``job_cancelled``), or say it was finished already
        (``job_not_cancelled``); False if told already, or if it was handed back to the
        station (declined) and so is not this service's any more."""
        if self.cancellation is not None or self.status == DECLINED:
            return False
        stopped = self.can_stop()
        self.cancellation = {"at": now.isoformat(), "reason": reason, "stopped": stopped, "status_then": self.status}
        if stopped:
            self.status = TERMINATED
            self.new_events.append(DomainEvent("job_cancelled", {"reason": reason, "status": TERMINATED}))
        else:
            self.new_events.append(DomainEvent("job_not_cancelled", {"reason": reason, "status": self.status}))
        return True


@dataclass(kw_only=True)
class DispatchedAggregate(DispatchedWorkRecord, Declinable, Cancellable):
    """The base of the aggregate a dispatch opens in a domain service (a job, a case, an
    application): it keeps what was dispatched, its service may decline it, and the
    station may end it. Each names the statuses it may be declined and stopped in.

    The fields every such aggregate has, and Declinable and Cancellable read, are here;
    keyword-only, so each aggregate's own fields keep their order and defaults."""

    dispatch: int = 1  # which dispatch of the request opened it (a declined one may come again)
    cancellation: dict[str, Any] | None = None  # the station ended the request (Cancellable)
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)


@dataclass(kw_only=True)
class ReceivedWork(DispatchedAggregate):
    """Work a service takes on as it is dispatched (a laboratory's job, a standards case):
    received at the moment it came, and announced (``job_accepted``)."""

    received_at: str

    @classmethod
    def open(cls, work: "DispatchedWork", now: datetime) -> Self:
        """The work of the request the station dispatched (``work`` is that event's data)."""
        opened = cls(**work.job_fields(), received_at=now.isoformat())
        opened.new_events.append(DomainEvent("job_accepted", opened.accepted()))
        return opened

    def accepted(self) -> dict[str, Any]:
        """What ``job_accepted`` says of the work (a service may say more)."""
        return {"item": self.item, "received_at": self.received_at}
