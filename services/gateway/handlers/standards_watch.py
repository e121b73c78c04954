"""The standards watch as the enterprise reads it (issue 29 §1, ``/me/notices``): the
notices it was sent (a standard it follows superseded or withdrawn) and the standards it
follows, which the standards service keeps (it follows what it asked about or cited);
it may stop following one.

Keyed by the credit code, so only the enterprise's own account reads or changes them.
"""

from dataclasses import dataclass
from typing import Any

from ..adapters.domain_services import DomainServiceCalls
from ..adapters.notices import NoticeBoard
from ..domain.access import ENTERPRISE, Principal, require


@dataclass(frozen=True)
class StandardsWatch:
    notices: list[dict[str, Any]]  # the latest first
    followed: list[dict[str, Any]]  # each standard as the catalogue has it today, the latest followed first


def _own_credit_code(principal: Principal) -> str:
    require(principal.role == ENTERPRISE and principal.uscc is not None)
    return principal.uscc or ""


def standards_watch(services: DomainServiceCalls, notices: NoticeBoard, principal: Principal) -> StandardsWatch:
    """What the signed-in enterprise was told and what it follows."""
    uscc = _own_credit_code(principal)
    followed: list[dict[str, Any]] = services.call("standards", "followed_standards", uscc)
    return StandardsWatch(list(reversed(notices.for_enterprise(uscc))), followed)


def unfollow(services: DomainServiceCalls, principal: Principal, number: str) -> bool:
    """The signed-in enterprise stops following a standard (a later request citing it
    follows it again); False if it did not follow it."""
    stopped: bool = services.call("standards", "unfollow", _own_credit_code(principal), number)
    return stopped
