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

from .store import AlreadyExists


def open_once(repository, open_aggregate, envelope, now):
    """Open the aggregate for a dispatched request unless it exists; None if it did.

    ``open_aggregate(work, now)`` builds it from the ``request_dispatched`` event's data.
    """
    if repository.get(envelope["request_code"]) is not None:
        return None
    aggregate = open_aggregate(envelope["data"], now)
    try:
        repository.add(aggregate)
    except AlreadyExists:
        return None  # a replica received the same dispatch at the same moment
    return aggregate
