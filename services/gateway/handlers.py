"""The gateway's use cases. Plain functions over repositories: no nameko, no HTTP.

Each takes validated input and the collaborators it needs, so unit tests run them on
in-memory stores (tests/unit/test_gateway_handlers.py).
"""

import logging
from zoneinfo import ZoneInfo

from ..common.store import AlreadyExists, VersionConflict
from .domain.model import SUBMITTED, SYSTEM, ServiceRequest
from .domain.request_code import parse_code

log = logging.getLogger(__name__)

CHINA = ZoneInfo("Asia/Shanghai")


class RequestNotFound(Exception):
    """No request with this code and phone (the two cases are not told apart)."""


class UnknownRequest(Exception):
    """A domain event names a request the gateway never had."""


def submit_request(requests, form, item, now):
    """Store a new request and the events announcing it, in one write; returns it."""
    station = form["enterprise"]["station"]
    day = now.astimezone(CHINA).date()
    for _ in range(5):
        code = requests.next_code(station, day)
        request = ServiceRequest.submit(
            code,
            item,
            station,
            enterprise={"name": form["enterprise"]["name"], "uscc": form["enterprise"]["uscc"]},
            contact=form["contact"],
            details=form["details"],
            now=now,
        )
        try:
            requests.add(request)
            return request
        except AlreadyExists:
            # Only if the sequence was reset under existing codes; draw the next one.
            log.warning("request code %s already taken; drawing another", code)
    raise RuntimeError(f"could not allocate a request code for station {station}")


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


def track_request(requests, code_text, phone):
    """The request with this code, if ``phone`` is its contact phone.

    Raises MalformedCode / WrongCheckCharacter for a mistyped code, RequestNotFound
    for an unknown code or a wrong phone (the same answer, so codes cannot be probed).
    """
    code = parse_code(code_text)
    request = requests.get(str(code))
    if request is None or not request.phone_matches(phone):
        raise RequestNotFound(str(code))
    return request


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
