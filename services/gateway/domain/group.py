"""A multi-item submission (一表申请): one parent code over one child request per item.

The parent is written first, in one document, with the child codes already drawn; the
children are then created from it (``handlers.create_children``), at once and again on
``request_group_submitted`` after a crash, so a submission is never half-stored. Its
status is rolled up from the children when it is read (``model.rolled_up_status``).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from ...common.domain import DomainEvent
from .catalogue import Item
from .model import phone_matches


@dataclass
class RequestGroup:
    code: str
    station: str
    enterprise: dict[str, Any]
    contact: dict[str, Any]
    children: list[dict[str, str]]  # [{"code": ..., "item": ..., "domain": ...}] in the order chosen
    details: dict[str, dict[str, Any]]  # item code -> that item's details
    submitted_at: str
    submission_key: dict[str, str] | None = None  # as a single request's (model.ServiceRequest)
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def submit(cls, code: str, children: Iterable[tuple[str, Item]], station: str, enterprise: dict[str, Any],
               contact: dict[str, Any], details: dict[str, dict[str, Any]], now: datetime,
               submission_key: dict[str, str] | None = None) -> Self:
        """``children`` is a list of (child code, catalogue Item)."""
        group = cls(
            code=code,
            station=station,
            enterprise=dict(enterprise),
            contact=dict(contact),
            children=[{"code": child, "item": item.code, "domain": item.domain} for child, item in children],
            details=details,
            submitted_at=now.isoformat(),
            submission_key=submission_key,
        )
        group.new_events.append(
            DomainEvent(
                "request_group_submitted",
                {"code": code, "station": station, "enterprise": group.enterprise,
                 "children": group.children, "submitted_at": group.submitted_at},
            )
        )
        return group

    @property
    def child_codes(self) -> list[str]:
        return [child["code"] for child in self.children]

    def phone_matches(self, phone: str | None) -> bool:
        return phone_matches(self.contact, phone)
