"""Consumers are idempotent on the event (DESIGN §6): delivery is at least once.

The rule used everywhere: the state change that an event causes is itself recognisable
inside the one document it writes, so applying an event twice changes nothing —

* a domain service opens one aggregate per request, keyed by the request code
  (:func:`open_once`; the unique ``_id`` settles a race between replicas);
* the gateway's request remembers the ids of the events applied to it
  (``ServiceRequest.applied_events``) and its event log is keyed by ``event_id``.

Because the dedup lives in the same single-document write as the change, there is no
window in which an event is marked done but not applied (or the reverse).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from .contracts import DispatchedWork, TerminatedWork
from .domain import DECLINED
from .repository import AggregateRepository, AlreadyExists, VersionConflict, retry_on_conflict


class Opened(Protocol):
    """An aggregate opened for a dispatched request: versioned like every aggregate."""

    version: int


A = TypeVar("A", bound=Opened)


def open_once(repository: AggregateRepository, open_aggregate: Callable[[DispatchedWork, datetime], A],
              work: DispatchedWork, now: datetime) -> A | None:
    """Open the aggregate for a dispatched request unless it exists; None if it did.

    ``open_aggregate(work, now)`` builds it from the dispatched work (a
    :class:`~services.common.contracts.DispatchedWork`). A request the service declined
    may be dispatched again later: a *later* dispatch (``work.dispatch`` counts them)
    opens it afresh, while the earlier dispatch delivered once more still changes nothing.
    """
    dispatch = work.dispatch
    existing = repository.get_or_none(work.code)
    if existing is not None:
        if already_received(existing, work):
            return None
        reopened = _opened(open_aggregate, work, now, dispatch)
        reopened.version = existing.version
        try:
            repository.save(reopened)
        except VersionConflict:
            return None  # a replica reopened it at the same moment
        return reopened
    aggregate = _opened(open_aggregate, work, now, dispatch)
    try:
        repository.add(aggregate)
    except AlreadyExists:
        return None  # a replica received the same dispatch at the same moment
    return aggregate


def already_received(existing: Any, work: DispatchedWork) -> bool:
    """Whether this dispatch found its aggregate ``existing`` already opened: only a later
    dispatch of work this service declined opens it again."""
    return getattr(existing, "status", None) != DECLINED or work.dispatch <= getattr(existing, "dispatch", 1)


def _opened(open_aggregate: Callable[[DispatchedWork, datetime], A], work: DispatchedWork, now: datetime,
            dispatch: int) -> A:
    aggregate = open_aggregate(work, now)
    if hasattr(aggregate, "dispatch"):
        aggregate.dispatch = dispatch
    return aggregate


def cancel_once(repository: AggregateRepository, work: TerminatedWork, now: datetime) -> bool:
    """Stop the work the station ended (``work`` a
    :class:`~services.common.contracts.TerminatedWork`), once; True if this told it.

    The termination may arrive before the dispatch it ends has opened the work (they
    travel on queues of their own): that is the repository's NotFound, and the event is
    delivered again a moment later. One about an earlier dispatch of work declined and
    dispatched again changes nothing."""

    def stop(aggregate: Any) -> bool:
        opened = getattr(aggregate, "dispatch", 1)
        if opened < work.dispatch:
            raise repository.not_found(work.code)  # the dispatch it ends is still on its way
        return opened == work.dispatch and bool(aggregate.cancel(work.reason, now))

    return retry_on_conflict(repository, work.code, stop)
