"""The gateway's use cases. Plain functions over repositories: no nameko, no HTTP.

Each takes validated input and the collaborators it needs, so unit tests run them on
in-memory stores (tests/unit/test_gateway_handlers.py).
"""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from ..common.store import AlreadyExists, VersionConflict
from .domain.group import RequestGroup
from .domain.model import SUBMITTED, SYSTEM, ServiceRequest
from .domain.request_code import parse_code

log = logging.getLogger(__name__)

CHINA = ZoneInfo("Asia/Shanghai")


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
            code or requests.next_code(station, _china_day(now)),
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
                return requests.get(code)  # a child already created: creation is idempotent
            # Only if the sequence was reset under existing codes; draw the next one.
            log.warning("request code %s already taken; drawing another", request.code)
    raise RuntimeError(f"could not allocate a request code for station {station}")


def submit_group(requests, groups, submission, catalogue, now):
    """One parent code and one child request per item. The parent (with every child's
    code and details) is the one write that commits the submission; the children are
    made from it at once, and again from its event should this process die first."""
    station = submission.enterprise["station"]
    day = _china_day(now)
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
    return group, [requests.get(child) for child in group.child_codes]


def create_children(requests, group, catalogue):
    """Create the group's child requests that do not exist yet (idempotent)."""
    submitted_at = datetime.fromisoformat(group.submitted_at)
    created = []
    for child in group.children:
        if requests.get(child["code"]) is None:
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


def _china_day(now):
    return now.astimezone(CHINA).date()


def auto_accept_and_dispatch(requests, envelope, now):
    """TEMPORARY, until station dispatch exists (issue 6): the station accepts and
    dispatches every submitted request at once. It runs on ``request_submitted`` (see
    ``GatewayService.auto_dispatch``); remove both to hand the step to station staff."""

    def accept_and_dispatch(request):
        if request.status != SUBMITTED:
            return False  # already done: a redelivered event
        request.accept(SYSTEM, now)
        request.dispatch(SYSTEM, now)
        return True

    return change_request(requests, envelope["request_code"], accept_and_dispatch)


def track_request(requests, groups, code_text, phone):
    """The request or group with this code, if ``phone`` is its contact phone, and the
    children of a group.

    Raises MalformedCode / WrongCheckCharacter for a mistyped code, RequestNotFound
    for an unknown code or a wrong phone (the same answer, so codes cannot be probed).
    """
    code = str(parse_code(code_text))
    found = requests.get(code) or groups.get(code)
    if found is None or not found.phone_matches(phone):
        raise RequestNotFound(code)
    if isinstance(found, RequestGroup):
        return found, [requests.get(child) for child in found.child_codes]
    return found, []


def project_domain_event(requests, envelope):
    """Show a domain service's event on the request's timeline. True if it changed it."""
    return change_request(
        requests,
        envelope["request_code"],
        lambda request: request.apply_domain_event(
            envelope["event_id"],
            envelope["type"],
            envelope["source"],
            envelope["occurred_at"],
            envelope["data"],
        ),
    )


def change_request(requests, code, change, attempts=5):
    """Apply ``change(request) -> bool`` and save; on a concurrent write, re-read and
    apply again (system steps, unlike a person's, can simply be redone)."""
    for _ in range(attempts):
        request = requests.get(code)
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
