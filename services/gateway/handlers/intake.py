"""Intake and tracking (DESIGN §3-§4): the one form becomes a request (or a group of
them), the enterprise or anyone who may see it tracks it, and the domain services'
progress is shown on it. Plain functions over the ports the composition root builds
(``bootstrap.Gateway``): no nameko, no HTTP, no query syntax.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ...common.clock import china_date
from ...common.repository import AlreadyExists, NotFound, retry_on_conflict
from ..adapters.event_log import EventLog
from ..adapters.notices import NoticeBoard
from ..adapters.repository import RequestGroupRepository, RequestRepository
from ..domain import sla
from ..domain.access import ENTERPRISE, Principal, may_read_enterprise, may_see_request
from ..domain.calendar import WorkingCalendar
from ..domain.catalogue import Catalogue, Item
from ..domain.group import RequestGroup
from ..domain.idempotency import RequestKey
from ..domain.model import CLOCK_RUNNING, ServiceRequest
from ..domain.request_code import parse_code
from ..exceptions import RequestNotFound, UnknownRequest
from .enterprise_accounts import EnterpriseIdentities
from .files import FileStore, check_free, claim, keep

log = logging.getLogger(__name__)

Found = ServiceRequest | RequestGroup


@dataclass(frozen=True)
class Submission:
    """The one form, validated (``web/schemas/intake.load_submission``)."""

    items: list[Item]  # catalogue items, in the order given
    details: dict[str, Any]  # item code -> validated details
    enterprise: dict[str, Any]  # name, uscc and the chosen station
    contact: dict[str, Any]
    grouped: bool  # sent as "items": one parent request, a child per item
    # the application materials' files: [{"id", "item", "material"}] in the order given
    attachments: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Tracked:
    """A code as its reader sees it: the request or group, a group's children, and the
    notices addressed to its enterprise."""

    found: Found
    children: list[ServiceRequest]
    notices: list[dict[str, Any]]


# -- submitting -------------------------------------------------------------------------------
def submit(requests: RequestRepository, groups: RequestGroupRepository, submission: Submission,
           catalogue: Catalogue, now: datetime, submitter: Principal | None = None,
           identities: EnterpriseIdentities | None = None, files: FileStore | None = None,
           key: RequestKey | None = None) -> tuple[Found, list[ServiceRequest]]:
    """Store a submission. Returns (request, []) or, for several items, (group, children).

    With ``identities``, a submission for a credit code that has a verified account, not
    made by that account (``submitter``), is marked ``not_from_account``. Its application
    materials (uploads named by id, ``files``) are checked first: an unknown, expired or
    taken upload is refused (AttachmentUnavailable) and nothing is stored.

    With ``key`` (the sender's ``Idempotency-Key``, or the form's token), the same
    submission sent again within a day is the first one, stored once: the key is kept in
    the request's document, where a unique index lets only one of two sent at once in
    (no write of its own). The key with another body is IdempotencyKeyReused."""
    if key is not None:
        earlier = submitted_under(requests, groups, key, catalogue, now)
        if earlier is not None:
            return earlier
    flagged = identities is not None and not_from_account(submission.enterprise["uscc"], submitter, identities)
    materials = materials_by_item(files, submission.attachments, now)
    record = key.as_record() if key is not None else None
    found: Found
    children: list[ServiceRequest] = []
    if submission.grouped:
        found, children = submit_group(requests, groups, submission, catalogue, now, flagged, files, materials,
                                       record)
    else:
        (item,) = submission.items
        found = submit_request(requests, item, submission.enterprise, submission.contact,
                               submission.details[item.code], now, not_from_account=flagged,
                               materials=materials.get(item.code, []), files=files, submission_key=record)
    if key is not None and found.submission_key != record:  # another one with the key came first
        key.replays(found.submission_key, datetime.fromisoformat(found.submitted_at), now)
        return found, _children(requests, found, catalogue)
    return found, children


def submitted_under(requests: RequestRepository, groups: RequestGroupRepository, key: RequestKey,
                    catalogue: Catalogue, now: datetime) -> tuple[Found, list[ServiceRequest]] | None:
    """The submission stored under ``key`` if this is it again (see :func:`submit`)."""
    found: Found | None = requests.with_submission_key(key.key) or groups.with_submission_key(key.key)
    if found is None or not key.replays(found.submission_key, datetime.fromisoformat(found.submitted_at), now):
        return None
    return found, _children(requests, found, catalogue)


def _children(requests: RequestRepository, found: Found, catalogue: Catalogue) -> list[ServiceRequest]:
    if not isinstance(found, RequestGroup):
        return []
    create_children(requests, found, catalogue)  # its sender may be creating them this moment
    return [requests.get(child) for child in found.child_codes]


def not_from_account(uscc: str, submitter: Principal | None, identities: EnterpriseIdentities) -> bool:
    """Whether a submission for ``uscc`` is made by someone other than the enterprise's
    verified account while it has one. The account itself pays no read for it."""
    if submitter is not None and submitter.role == ENTERPRISE and submitter.uscc == uscc:
        return False
    return identities.has_verified_account(uscc)


def materials_by_item(files: FileStore | None, attachments: list[dict[str, Any]],
                      now: datetime) -> dict[str, list[dict[str, Any]]]:
    """item code -> the references of its materials' files (each with its ``material``)."""
    if not attachments:
        return {}
    if files is None:
        raise ValueError("a submission with attachments needs the file store")
    records = check_free(files, [each["id"] for each in attachments], now)
    materials: dict[str, list[dict[str, Any]]] = {}
    for each, record in zip(attachments, records, strict=True):
        materials.setdefault(each["item"], []).append({**record.reference(), "material": each.get("material")})
    return materials


def submit_request(requests: RequestRepository, item: Item, enterprise: dict[str, Any], contact: dict[str, Any],
                   details: dict[str, Any], now: datetime, code: str | None = None,
                   parent: str | None = None, not_from_account: bool = False,
                   materials: list[dict[str, Any]] | None = None, files: FileStore | None = None,
                   submission_key: dict[str, str] | None = None) -> ServiceRequest:
    """Store one request and the event announcing it, in one write. ``enterprise``
    carries the chosen station. With ``code`` given (a group's child), creating the
    same request twice is harmless. Its ``materials``' files are claimed for its code
    before the write (a group's child's, by its group) and kept after it (see
    ``handlers/files``). With ``submission_key``, a request stored under the same key
    meanwhile is returned instead."""
    station = enterprise["station"]
    file_ids = [each["id"] for each in materials or []]
    tried: tuple[str, ...] = ()
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
            not_from_account=not_from_account,
            materials=materials or [],
            submission_key=submission_key,
        )
        if file_ids and files is not None and code is None:
            claim(files, file_ids, request.code, now, replacing=tried)
        try:
            requests.add(request)
        except AlreadyExists:
            if code is not None:
                found: ServiceRequest = requests.get(code)  # a child already created: creation is idempotent
                _keep(files, found)
                return found
            keyed = requests.with_submission_key(submission_key["key"]) if submission_key else None
            if keyed is not None:
                return keyed
            # Only if the sequence was reset under existing codes; draw the next one.
            log.warning("request code %s already taken; drawing another", request.code)
            tried += (request.code,)
            continue
        _keep(files, request)
        return request
    raise RuntimeError(f"could not allocate a request code for station {station}")


def _keep(files: FileStore | None, request: ServiceRequest) -> None:
    if files is not None and request.attachments:
        keep(files, [each["id"] for each in request.attachments], request.code)


def submit_group(requests: RequestRepository, groups: RequestGroupRepository, submission: Submission,
                 catalogue: Catalogue, now: datetime, not_from_account: bool = False,
                 files: FileStore | None = None,
                 materials: dict[str, list[dict[str, Any]]] | None = None,
                 submission_key: dict[str, str] | None = None) -> tuple[RequestGroup, list[ServiceRequest]]:
    """One parent code and one child request per item. The parent (with every child's
    code, details and materials) is the one write that commits the submission; the
    children are made from it at once, and again from its event should this process die
    first. Each child's files are claimed for its code before that write."""
    station = submission.enterprise["station"]
    day = china_date(now)
    materials = materials or {}
    tried: tuple[str, ...] = ()
    for _ in range(5):
        code = requests.next_code(station, day)
        children = [(requests.next_code(station, day), item) for item in submission.items]
        group = RequestGroup.submit(
            code, children, station, submission.enterprise, submission.contact, submission.details, now,
            not_from_account,
            attachments=materials,
            submission_key=submission_key,
        )
        for item_code, references in materials.items():
            if files is not None:
                claim(files, [each["id"] for each in references], group.child_code(item_code), now, replacing=tried)
        try:
            groups.add(group)
            break
        except AlreadyExists:
            keyed = groups.with_submission_key(submission_key["key"]) if submission_key else None
            if keyed is not None:
                group = keyed
                break
            log.warning("request code %s already taken; drawing another", code)
            tried += tuple(group.child_codes)
    else:
        raise RuntimeError(f"could not allocate a request code for station {station}")
    create_children(requests, group, catalogue, files)
    return group, [requests.get(child) for child in group.child_codes]


def create_children(requests: RequestRepository, group: RequestGroup, catalogue: Catalogue,
                    files: FileStore | None = None) -> list[ServiceRequest]:
    """Create the group's child requests that do not exist yet (idempotent)."""
    submitted_at = datetime.fromisoformat(group.submitted_at)
    created = []
    for child in group.children:
        if requests.get_or_none(child["code"]) is None:
            created.append(
                submit_request(
                    requests,
                    catalogue.known(child["item"]),
                    {**group.enterprise, "station": group.station},
                    group.contact,
                    group.details[child["item"]],
                    submitted_at,
                    code=child["code"],
                    parent=group.code,
                    not_from_account=group.not_from_account,
                    materials=group.attachments.get(child["item"], []),
                    files=files,
                )
            )
    return created


def complete_group(requests: RequestRepository, groups: RequestGroupRepository, group_code: str,
                   catalogue: Catalogue, files: FileStore | None = None) -> list[ServiceRequest]:
    """Finish a multi-item submission whose children were not all written (a crash right
    after the parent was stored); normally they all exist already."""
    return create_children(requests, groups.get(group_code), catalogue, files)


# -- tracking ---------------------------------------------------------------------------------
def track(requests: RequestRepository, groups: RequestGroupRepository, notices: NoticeBoard, code_text: str,
          phone: str | None, principal: Principal | None = None) -> Tracked:
    """The request or group with this code (and a group's children) with the notices to
    its enterprise; for whoever gives its contact phone, or is signed in and may see it
    (DESIGN §6). The enterprise's notices are all shown only to those who may read the
    enterprise (its verified account, managers, admins); anyone else reads the notices
    that came of this request (or its group's children) alone.

    Raises MalformedCode / WrongCheckCharacter for a mistyped code, RequestNotFound
    for an unknown code or a wrong phone (the same answer, so codes cannot be probed).
    """
    found, children = track_request(requests, groups, code_text, phone, principal)
    uscc = found.enterprise["uscc"]
    if principal is not None and may_read_enterprise(principal, uscc):
        return Tracked(found, children, notices.for_enterprise(uscc))
    codes = [found.code, *(child.code for child in children)]
    return Tracked(found, children, notices.of_requests(uscc, codes))


def track_request(requests: RequestRepository, groups: RequestGroupRepository, code_text: str,
                  phone: str | None, principal: Principal | None = None) -> tuple[Found, list[ServiceRequest]]:
    """The request or group with this code and, for a group, its children (see :func:`track`)."""
    code = str(parse_code(code_text))
    found: Found | None = requests.get_or_none(code) or groups.get_or_none(code)
    if found is None or not (found.phone_matches(phone) or _may_see(principal, found)):
        raise RequestNotFound(code)
    if isinstance(found, RequestGroup):
        return found, [requests.get(child) for child in found.child_codes]
    return found, []


def find_submitted(requests: RequestRepository, groups: RequestGroupRepository,
                   code: str) -> tuple[Found, list[ServiceRequest]]:
    """What a submission just stored under ``code``, for its confirmation page (whose
    address carries a token only the submitter was given)."""
    found: Found | None = requests.get_or_none(code) or groups.get_or_none(code)
    if found is None:
        raise RequestNotFound(code)
    children = [requests.get(child) for child in found.child_codes] if isinstance(found, RequestGroup) else []
    return found, children


def _may_see(principal: Principal | None, found: Found) -> bool:
    if principal is None:
        return False
    domain = getattr(found, "domain", None)
    return may_see_request(principal, found.station, domain, found.enterprise["uscc"])


def due_date_of(requests: RequestRepository, catalogue: Catalogue, calendar: WorkingCalendar, code_text: str,
                today: date) -> dict[str, Any] | None:
    """The due date of a request as the gateway's clock says (``due_date``,
    ``due_date_provisional``, ``overdue``), for a domain service's job to show beside its
    own state: the gateway alone keeps it, and pauses move it, so it is read, not
    copied. None for no such request."""
    try:
        found = requests.get(str(parse_code(code_text)))
    except (NotFound, ValueError):
        return None
    due = clock_of(found, catalogue, calendar).due(found, today)
    running = found.status in CLOCK_RUNNING
    return {"due_date": due.isoformat() if due else None,
            "due_date_provisional": sla.is_provisional(found.accepted_at, due, calendar),
            "overdue": bool(running and sla.is_overdue(due, today))}


# -- the domain services' progress ------------------------------------------------------------
def project_domain_event(requests: RequestRepository, envelope: dict[str, Any], catalogue: Catalogue,
                         calendar: WorkingCalendar) -> bool:
    """Show a domain service's event on the request's timeline. True if it changed it.
    An event that completes the request stops its service-level clock."""
    try:
        return retry_on_conflict(
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
    except RequestNotFound as exc:
        raise UnknownRequest(envelope["request_code"]) from exc


def clock_of(request: ServiceRequest, catalogue: Catalogue, calendar: WorkingCalendar) -> sla.Clock:
    """The service-level clock of a request's item on the working-day calendar."""
    return sla.Clock(catalogue.committed_days(request.item), calendar)


def record_progress(event_log: EventLog, requests: RequestRepository, catalogue: Catalogue,
                    calendar: WorkingCalendar, envelope: dict[str, Any]) -> bool:
    """A domain service's event: kept in the event log, and shown on its request's
    timeline if it names one (a completion stops the clock, read on ``calendar``).
    UnknownRequest if it names a request the gateway never had."""
    event_log.record(envelope)
    if not envelope["request_code"]:
        return False
    return project_domain_event(requests, envelope, catalogue, calendar)
