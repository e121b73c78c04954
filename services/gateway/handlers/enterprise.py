"""The enterprise's part (DESIGN §1, §4): it answers a 补正 request, withdraws, rates a
completed request (好差评), reads its notices and its own requests.

The enterprise proves who it is by the contact phone given at submission or by signing
in as the enterprise; anything else is the same answer as an unknown code.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...common.contracts import StandardEnded
from ...common.domain import InvalidTransition
from ...common.repository import retry_on_conflict
from ..adapters.notices import NoticeBoard
from ..adapters.repository import RequestGroupRepository, RequestRepository
from ..domain.access import ENTERPRISE, Actor, Principal, require
from ..domain.group import RequestGroup
from ..domain.model import CANCELLABLE, CANCELLED, ServiceRequest, rolled_up_status
from ..domain.request_code import parse_code
from ..domain.request_search import RequestSearch
from ..exceptions import RequestNotFound
from .files import FileStore, attachable, claim, keep
from .intake import Found
from .station import save_or_stale


def enterprise_step(requests: RequestRepository, code: str, principal: Principal | None, phone: str | None,
                    step: str, now: datetime, text: str | None = None, files: FileStore | None = None,
                    file_ids: Sequence[str] = ()) -> ServiceRequest:
    """The enterprise answers a 补正 request (``supplement``, in words and/or with the
    uploads ``file_ids``) or withdraws (``cancel``)."""
    request = _the_enterprises(requests, code, principal, phone)
    actor: Actor = {"role": "enterprise", "name": request.enterprise["name"]}
    if step != "supplement":
        request.cancel(actor, now, text)
        return save_or_stale(requests, request)
    if file_ids and files is None:
        raise ValueError("an answer with files needs the file store")
    records = attachable(files, file_ids, request.code, now) if files is not None and file_ids else []
    request.supplement(actor, now, text, [record.reference() for record in records])
    if files is not None and records:
        claim(files, file_ids, request.code, now)
    saved = save_or_stale(requests, request)
    if files is not None and records:
        keep(files, file_ids, request.code)
    return saved


def withdraw(requests: RequestRepository, groups: RequestGroupRepository, code: str, principal: Principal | None,
             phone: str | None, now: datetime, reason: str | None = None) -> tuple[Found, list[ServiceRequest]]:
    """The enterprise withdraws a request; or, given a multi-item submission's code,
    every one of its requests not yet dispatched (the others carry on). (What was
    withdrawn, and a submission's requests as they now are.)"""
    group: RequestGroup | None = groups.get_or_none(str(parse_code(code)))
    if group is None:
        return enterprise_step(requests, code, principal, phone, "cancel", now, reason), []
    if not (_signed_in_as(principal, group.enterprise["uscc"]) or group.phone_matches(phone)):
        raise RequestNotFound(code)
    children = [requests.get(child) for child in group.child_codes]
    if not any(child.status in CANCELLABLE for child in children):
        raise InvalidTransition(group.code, rolled_up_status([child.status for child in children]), CANCELLED)
    actor: Actor = {"role": "enterprise", "name": group.enterprise["name"]}

    def cancel(child: ServiceRequest) -> bool:
        if child.status not in CANCELLABLE:  # dispatched meanwhile: it carries on
            return False
        child.cancel(actor, now, reason)
        return True

    for child in children:
        retry_on_conflict(requests, child.code, cancel)
    return group, [requests.get(child) for child in group.child_codes]


def rate_request(requests: RequestRepository, code: str, principal: Principal | None, phone: str | None,
                 level: int, comment: str | None, now: datetime) -> ServiceRequest:
    """好差评: the enterprise rates its completed request once."""
    request = _the_enterprises(requests, code, principal, phone)
    request.rate(now, level, comment)
    return save_or_stale(requests, request)


def my_requests(requests: RequestRepository, principal: Principal) -> list[ServiceRequest]:
    """The signed-in enterprise's own requests, newest first (the latest 500)."""
    require(principal.role == ENTERPRISE)
    found: list[ServiceRequest] = requests.of_enterprise(principal.uscc or "")
    return found


@dataclass(frozen=True)
class RequestPage:
    """A page of the enterprise's requests that match what it looks for."""

    requests: list[ServiceRequest]
    total: int  # how many match in all
    offset: int
    limit: int


MY_REQUESTS_PAGE = 20


def my_requests_matching(requests: RequestRepository, principal: Principal, search: RequestSearch,
                         offset: int = 0, limit: int = MY_REQUESTS_PAGE) -> RequestPage:
    """A page of the signed-in enterprise's own requests matching ``search``, newest first."""
    require(principal.role == ENTERPRISE and principal.uscc is not None)
    found, total = requests.of_enterprise_matching(principal.uscc or "", search, offset, limit)
    return RequestPage(found, total, offset, limit)


def is_the_enterprise(found: ServiceRequest, principal: Principal | None, phone: str | None) -> bool:
    return _signed_in_as(principal, found.enterprise["uscc"]) or found.phone_matches(phone)


def _signed_in_as(principal: Principal | None, uscc: str) -> bool:
    return principal is not None and principal.role == ENTERPRISE and principal.uscc == uscc


def _the_enterprises(requests: RequestRepository, code: str, principal: Principal | None,
                     phone: str | None) -> ServiceRequest:
    request: ServiceRequest | None = requests.get_or_none(str(parse_code(code)))
    if request is None or not is_the_enterprise(request, principal, phone):
        raise RequestNotFound(code)
    return request


# -- the standards watch ----------------------------------------------------------------------
def post_standard_notices(board: NoticeBoard, event_id: str, occurred_at: str, ended: StandardEnded) -> int:
    """Post one notice per follower of the standard that ``ended``; ``event_id`` keeps a
    redelivered event from posting twice. Returns how many were new."""
    notice: dict[str, Any] = {
        "kind": f"standard_{ended.status}",
        "at": occurred_at,
        "number": ended.number,
        "title_zh": ended.title_zh,
        "title_en": ended.title_en,
        "replaced_by": ended.replaced_by,
    }
    return sum(
        board.post(event_id, follower.uscc, {**notice, "request_code": follower.request_code})
        for follower in ended.followers
    )
