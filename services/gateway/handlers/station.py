"""The station's work (服务站, DESIGN §4): its queue, and accept / reject / 补正 /
dispatch / reassign / terminate, and its answers to poor ratings.

Staff act on their own station's requests only; managers read every station's; each
step names the version the person saw, so of two people acting at once one wins and
the other gets StaleRequest with the request as it now is.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...common.repository import VersionConflict
from ..adapters.repository import RequestRepository
from ..domain import sla
from ..domain.access import ADMIN, MANAGER, STAFF, Principal, may_work_station, require
from ..domain.calendar import WorkingCalendar
from ..domain.catalogue import Catalogue, Stations
from ..domain.model import (
    ACCEPTED,
    AWAITING_ENTERPRISE,
    DISPATCHED,
    IN_PROGRESS,
    SUBMITTED,
    ServiceRequest,
)
from ..domain.request_code import parse_code
from ..exceptions import StaleRequest

# What a station still has to do or watch; finished requests are found by status.
OPEN_STATUSES = (SUBMITTED, AWAITING_ENTERPRISE, ACCEPTED, DISPATCHED, IN_PROGRESS)
# The timeline entry of work that cites a standard that was superseded or withdrawn.
STANDARD_FLAGGED = "standard_flagged"
RECTIFICATION_STATES = ("open", "answered")
QUEUE_PAGE = 100

Step = Callable[..., None]
STATION_STEPS: dict[str, Step] = {
    "accept": lambda request, actor, now, **_: request.accept(actor, now),
    "reject": lambda request, actor, now, reason=None, **_: request.reject(actor, now, reason),
    "request_material": lambda request, actor, now, note=None, **_: request.request_material(actor, now, note),
    "dispatch": lambda request, actor, now, **_: request.dispatch(actor, now),
    # after dispatch, before any document is issued: the domain service stops its work
    "terminate": lambda request, actor, now, reason=None, **_: request.terminate(actor, now, reason),
    "reassign": lambda request, actor, now, station=None, reason=None, **_: request.reassign(
        actor, now, station, reason),
    "answer_rectification": lambda request, actor, now, answer=None, **_: request.answer_rectification(
        actor, now, answer),
}


class UnknownStation(ValueError):
    """A station code that names no station (or none given where one is needed)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class QueueRow:
    request: ServiceRequest
    due: date | None
    provisional: bool
    overdue: bool
    due_soon: bool
    flagged: bool  # a standard the work cites was superseded or withdrawn (the standards watch)


@dataclass(frozen=True)
class Queue:
    station: dict[str, Any] | None  # None: every station (managers and admins)
    rows: list[QueueRow]
    total: int
    counts: dict[str, int]
    offset: int
    limit: int


def station_step(requests: RequestRepository, code: str, principal: Principal, step: str, expected_version: int,
                 now: datetime, **params: Any) -> ServiceRequest:
    """A station's step on a request, by a person who saw it at ``expected_version``.

    Two people acting at once: the first write wins; the second gets StaleRequest with
    the request as it now is (optimistic concurrency on the document's version)."""
    request: ServiceRequest = requests.get(code)
    require(may_work_station(principal, request.station))
    if request.version != expected_version:
        raise StaleRequest(request)
    STATION_STEPS[step](request, principal.actor(), now, **params)
    return save_or_stale(requests, request)


def take_step(requests: RequestRepository, stations: Stations, principal: Principal, code_text: str, step: str,
              command: dict[str, Any], now: datetime) -> ServiceRequest:
    """A step as the station's console or API names it, with its command (``version``
    and the step's own fields)."""
    if step == "reassign" and stations.get(command["station"]) is None:
        raise UnknownStation("station", "unknown_station")
    params = {key: value for key, value in command.items() if key != "version"}
    return station_step(requests, str(parse_code(code_text)), principal, step, command["version"], now, **params)


def request_for_staff(requests: RequestRepository, principal: Principal, code_text: str) -> ServiceRequest:
    """One request as station staff (or managers, reading) see it."""
    found: ServiceRequest = requests.get(str(parse_code(code_text)))
    require(may_work_station(principal, found.station, read_only=True))
    return found


def queue(requests: RequestRepository, catalogue: Catalogue, stations: Stations, calendar: WorkingCalendar,
          principal: Principal, filters: dict[str, Any], today: date) -> Queue:
    """A page of a station's queue for this person: their own station's (staff), or the
    one they name (managers, admins), or, when they name none, every station's."""
    require(principal.role in (STAFF, MANAGER, ADMIN))  # operators work jobs, not queues
    station = filters.get("station") or principal.station
    found = stations.get(station) if station else None
    if station is not None and found is None:
        raise UnknownStation("station", "unknown_station")
    if station is not None:
        require(may_work_station(principal, station, read_only=True))
    limit, offset = filters.get("limit") or QUEUE_PAGE, filters.get("offset") or 0
    rows, total = matching_requests(
        requests, station, catalogue, calendar, today, status=filters.get("status"), item=filters.get("item"),
        domain=filters.get("domain"), due=filters.get("due"), limit=limit, offset=offset)
    return Queue(found, rows, total, requests.count_by_status(station), offset, limit)


def matching_requests(requests: RequestRepository, station: str | None, catalogue: Catalogue,
                      calendar: WorkingCalendar, today: date, status: str | None = None, item: str | None = None,
                      domain: str | None = None, due: str | None = None, limit: int = 200, offset: int = 0,
                      open_statuses: tuple[str, ...] = OPEN_STATUSES,
                      flagged: bool = False) -> tuple[list[QueueRow], int]:
    """A page of a station's requests (every station's with None), oldest first, each
    with its due date (and whether it is provisional), and how many match in all.
    Without a status, those in ``open_statuses``; with ``flagged``, only those a
    standard supersession flagged."""
    rows, matched = [], 0
    for request in requests.at_station(station, (status,) if status else open_statuses, item, domain):
        due_on = sla.due_date(request.accepted_at, catalogue.committed_days(request.item), calendar,
                              request.pauses, today)
        finished = request.status not in OPEN_STATUSES
        overdue = not finished and sla.is_overdue(due_on, today)
        soon = not finished and sla.is_due_soon(due_on, today, calendar)
        is_flagged = any(entry.get("event") == STANDARD_FLAGGED for entry in request.timeline)
        if (due == "overdue" and not overdue) or (due == "soon" and not soon) or (flagged and not is_flagged):
            continue
        matched += 1
        if offset < matched <= offset + limit:
            rows.append(QueueRow(request, due_on, sla.is_provisional(request.accepted_at, due_on, calendar),
                                 overdue, soon, is_flagged))
    return rows, matched


def rectifications(requests: RequestRepository, principal: Principal, station: str | None,
                   state: str = "open", limit: int = 200) -> list[ServiceRequest]:
    """Poor ratings (1-2) and the station's answers, newest rating first: staff see their
    own station's, managers and admins any station's or all."""
    require(principal.role in (STAFF, MANAGER, ADMIN))
    if principal.role == STAFF:
        require(station in (None, principal.station))
        station = principal.station
    found: list[ServiceRequest] = requests.with_rectification(state, station, limit)
    return found


def save_or_stale(requests: RequestRepository, request: ServiceRequest) -> ServiceRequest:
    """Save a person's change; StaleRequest with the request as it now is if someone
    changed it since it was read."""
    try:
        requests.save(request)
    except VersionConflict as exc:
        raise StaleRequest(requests.get(request.code)) from exc
    return request
