"""The gateway's use cases. Plain functions over repositories: no nameko, no HTTP.

Each takes validated input and the collaborators it needs, so unit tests run them on
in-memory stores (tests/unit/test_gateway_handlers.py).
"""

import logging
from datetime import datetime

from ...common.clock import china_date
from ...common.repository import AlreadyExists, VersionConflict
from ..bootstrap import reference_data, working_calendar
from ..domain import sla
from ..domain.access import ENTERPRISE, may_see_request, may_work_station, require
from ..domain.group import RequestGroup
from ..domain.model import (
    ACCEPTED,
    ALL_STATUSES,
    AWAITING_ENTERPRISE,
    DISPATCHED,
    IN_PROGRESS,
    SUBMITTED,
    ServiceRequest,
)
from ..domain.request_code import parse_code

log = logging.getLogger(__name__)

class RequestNotFound(Exception):
    """No request with this code and phone (the two cases are not told apart)."""


class UnknownRequest(Exception):
    """A domain event names a request the gateway never had."""


def submit(requests, groups, submission, catalogue, now):
    """Store a submission. Returns (request, []) or, for several items, (group, children)."""
    if submission.grouped:
        return submit_group(requests, groups, submission, catalogue, now)
    (item,) = submission.items
    request = submit_request(
        requests, item, submission.enterprise, submission.contact, submission.details[item.code], now
    )
    return request, []


def submit_request(requests, item, enterprise, contact, details, now, code=None, parent=None):
    """Store one request and the event announcing it, in one write. ``enterprise``
    carries the chosen station. With ``code`` given (a group's child), creating the
    same request twice is harmless."""
    station = enterprise["station"]
    for _ in range(5):
        request = ServiceRequest.submit(
            code or requests.next_code(station, china_date(now)),
            item,
            station,
            enterprise={"name": enterprise["name"], "uscc": enterprise["uscc"]},
            contact=contact,
            details=details,
            now=now,
            parent=parent,
        )
        try:
            requests.add(request)
            return request
        except AlreadyExists:
            if code is not None:
                return requests.get_or_none(code)  # a child already created: creation is idempotent
            # Only if the sequence was reset under existing codes; draw the next one.
            log.warning("request code %s already taken; drawing another", request.code)
    raise RuntimeError(f"could not allocate a request code for station {station}")


def submit_group(requests, groups, submission, catalogue, now):
    """One parent code and one child request per item. The parent (with every child's
    code and details) is the one write that commits the submission; the children are
    made from it at once, and again from its event should this process die first."""
    station = submission.enterprise["station"]
    day = china_date(now)
    for _ in range(5):
        code = requests.next_code(station, day)
        children = [(requests.next_code(station, day), item) for item in submission.items]
        group = RequestGroup.submit(
            code, children, station, submission.enterprise, submission.contact, submission.details, now
        )
        try:
            groups.add(group)
            break
        except AlreadyExists:
            log.warning("request code %s already taken; drawing another", code)
    else:
        raise RuntimeError(f"could not allocate a request code for station {station}")
    create_children(requests, group, catalogue)
    return group, [requests.get_or_none(child) for child in group.child_codes]


def create_children(requests, group, catalogue):
    """Create the group's child requests that do not exist yet (idempotent)."""
    submitted_at = datetime.fromisoformat(group.submitted_at)
    created = []
    for child in group.children:
        if requests.get_or_none(child["code"]) is None:
            created.append(
                submit_request(
                    requests,
                    catalogue.item(child["item"]),
                    {**group.enterprise, "station": group.station},
                    group.contact,
                    group.details[child["item"]],
                    submitted_at,
                    code=child["code"],
                    parent=group.code,
                )
            )
    return created


# -- the station's and the enterprise's steps ---------------------------------------------
class StaleRequest(Exception):
    """Someone acted on the request since it was read: ``current`` is what it is now."""

    def __init__(self, current):
        super().__init__(current.code)
        self.current = current


STATION_STEPS = {
    "accept": lambda request, actor, now, **_: request.accept(actor, now),
    "reject": lambda request, actor, now, reason=None, **_: request.reject(actor, now, reason),
    "request_material": lambda request, actor, now, note=None, **_: request.request_material(actor, now, note),
    "dispatch": lambda request, actor, now, **_: request.dispatch(actor, now),
    "reassign": lambda request, actor, now, station=None, reason=None, **_: request.reassign(
        actor, now, station, reason),
    "answer_rectification": lambda request, actor, now, answer=None, **_: request.answer_rectification(
        actor, now, answer),
}


def station_step(requests, code, principal, step, expected_version, now, **params):
    """A station's step on a request, by a person who saw it at ``expected_version``.

    Two people acting at once: the first write wins; the second gets StaleRequest with
    the request as it now is (optimistic concurrency on the document's version)."""
    request = requests.get_or_none(code)
    if request is None:
        raise RequestNotFound(code)
    require(may_work_station(principal, request.station))
    if request.version != expected_version:
        raise StaleRequest(request)
    STATION_STEPS[step](request, principal.actor(), now, **params)
    return _save_or_stale(requests, request)


def enterprise_step(requests, code, principal, phone, step, now, text=None):
    """The enterprise answers a 补正 request (``supplement``) or withdraws (``cancel``),
    proving who it is by its contact phone or by signing in as the enterprise."""
    request = requests.get_or_none(str(parse_code(code)))
    if request is None or not is_the_enterprise(request, principal, phone):
        raise RequestNotFound(code)
    actor = {"role": "enterprise", "name": request.enterprise["name"]}
    if step == "supplement":
        request.supplement(actor, now, text)
    else:
        request.cancel(actor, now, text)
    return _save_or_stale(requests, request)


def rate_request(requests, code, principal, phone, level, comment, now):
    """好差评: the enterprise rates its completed request once (by contact phone or signed in)."""
    request = requests.get_or_none(str(parse_code(code)))
    if request is None or not is_the_enterprise(request, principal, phone):
        raise RequestNotFound(code)
    request.rate(now, level, comment)
    return _save_or_stale(requests, request)


def is_the_enterprise(found, principal, phone):
    signed_in = principal is not None and principal.role == ENTERPRISE and principal.uscc == found.enterprise["uscc"]
    return signed_in or found.phone_matches(phone)


# -- the station's queue ----------------------------------------------------------------
# What a station still has to do or watch; finished requests are found by status.
OPEN_STATUSES = (SUBMITTED, AWAITING_ENTERPRISE, ACCEPTED, DISPATCHED, IN_PROGRESS)


def station_queue(requests, station, catalogue, calendar, today, status=None, item=None, domain=None,
                  due=None, limit=200, offset=0):
    """A page of the station's requests, oldest first, each with its due date (and
    whether it is provisional); how many match in all; and the count of the station's
    requests in every status."""
    query = {"station": station, "status": status or {"$in": list(OPEN_STATUSES)}}
    if item:
        query["item"] = item
    if domain:
        query["domain"] = domain
    rows, matched = [], 0
    for request in requests.find(query, sort=[("submitted_at", 1)]):
        due_on = sla.due_date(request.accepted_at, catalogue.item(request.item).committed_days, calendar,
                              request.pauses, today)
        finished = request.status not in OPEN_STATUSES
        overdue = not finished and sla.is_overdue(due_on, today)
        soon = not finished and sla.is_due_soon(due_on, today, calendar)
        if (due == "overdue" and not overdue) or (due == "soon" and not soon):
            continue
        matched += 1
        if offset < matched <= offset + limit:
            rows.append((request, due_on, sla.is_provisional(request.accepted_at, due_on, calendar), overdue, soon))
    counts = {name: requests.store.count({"station": station, "status": name}) for name in ALL_STATUSES}
    return rows, matched, counts


def _save_or_stale(requests, request):
    try:
        requests.save(request)
    except VersionConflict as exc:
        raise StaleRequest(requests.get_or_none(request.code)) from exc
    return request


def track_request(requests, groups, code_text, phone, principal=None):
    """The request or group with this code and, for a group, its children; for whoever
    gives its contact phone, or is signed in and may see it (DESIGN §6).

    Raises MalformedCode / WrongCheckCharacter for a mistyped code, RequestNotFound
    for an unknown code or a wrong phone (the same answer, so codes cannot be probed).
    """
    code = str(parse_code(code_text))
    found = requests.get_or_none(code) or groups.get_or_none(code)
    if found is None or not (found.phone_matches(phone) or _may_see(principal, found)):
        raise RequestNotFound(code)
    if isinstance(found, RequestGroup):
        return found, [requests.get_or_none(child) for child in found.child_codes]
    return found, []


def _may_see(principal, found):
    if principal is None:
        return False
    domain = getattr(found, "domain", None)
    return may_see_request(principal, found.station, domain, found.enterprise["uscc"])


def project_domain_event(requests, envelope, catalogue=None, calendar=None):
    """Show a domain service's event on the request's timeline. True if it changed it.
    An event that completes the request stops its service-level clock."""
    return change_request(
        requests,
        envelope["request_code"],
        lambda request: request.apply_domain_event(
            envelope["event_id"],
            envelope["type"],
            envelope["source"],
            envelope["occurred_at"],
            envelope["data"],
            clock=clock_of(request, catalogue, calendar),
        ),
    )


def clock_of(request, catalogue=None, calendar=None):
    """The service-level clock of a request's item on the working-day calendar (the
    services pass the current one, ``calendars.py``; without it, the built-in one)."""
    catalogue = catalogue or reference_data()[0]
    return sla.Clock(catalogue.item(request.item).committed_days, calendar or working_calendar())


# -- the service-level clock's alerts and the ratings' rectifications ---------------------
def check_service_levels(requests, codes, now, catalogue=None, calendar=None):
    """Flag each of these requests at risk or breached if its clock says so (once per
    due date); the codes are candidates, the request itself decides. Returns the codes
    flagged now."""
    flagged = []
    for code in codes:
        try:
            if change_request(requests, code, lambda request: request.check_service_level(
                    clock_of(request, catalogue, calendar), now)):
                flagged.append(code)
        except UnknownRequest:
            log.warning("service-level candidate %s is not a request", code)
    return flagged


RECTIFICATION_STATES = ("open", "answered")


def rectifications(requests, station=None, state="open", limit=200):
    """Poor ratings (1-2) and the station's answers, newest rating first."""
    query = {"rectification.state": state}
    if station:
        query["station"] = station
    return requests.find(query, sort=[("rating.rated_at", -1)], limit=limit)


def change_request(requests, code, change, attempts=5):
    """Apply ``change(request) -> bool`` and save; on a concurrent write, re-read and
    apply again (system steps, unlike a person's, can simply be redone)."""
    for _ in range(attempts):
        request = requests.get_or_none(code)
        if request is None:
            raise UnknownRequest(code)
        if not change(request):
            return False
        try:
            requests.save(request)
            return True
        except VersionConflict:
            continue
    raise VersionConflict(code)
