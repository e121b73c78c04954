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
    not_from_account: bool = False  # see ServiceRequest.not_from_account; its children carry it
    # item code -> its application materials' files (references with the material's
    # index), handed to the child request of that item
    attachments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    submission_key: dict[str, str] | None = None  # as a single request's (model.ServiceRequest)
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def submit(cls, code: str, children: Iterable[tuple[str, Item]], station: str, enterprise: dict[str, Any],
               contact: dict[str, Any], details: dict[str, dict[str, Any]], now: datetime,
               not_from_account: bool = False,
               attachments: dict[str, list[dict[str, Any]]] | None = None,
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
            not_from_account=not_from_account,
            attachments={code: list(files) for code, files in (attachments or {}).items() if files},
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

    def child_code(self, item: str) -> str:
        return next(child["code"] for child in self.children if child["item"] == item)

    def phone_matches(self, phone: str | None) -> bool:
        return phone_matches(self.contact, phone)
