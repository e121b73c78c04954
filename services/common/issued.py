"""Numbers of issued certificates and reports, and their versions (ISO/IEC 17025 §7.8.8).

An issued document never changes. A correction is a new document whose number is the
original's with a revision suffix (``SQJL-2026-000001`` → ``SQJL-2026-000001-R1`` →
``-R2``) and that names the one it replaces. Because the successor's number follows
from its predecessor's, "is this one superseded?" is a lookup of one key, and two
corrections of the same version collide on that key instead of forking the history.
"""

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar

from .domain import DomainEvent, InvalidTransition

_NUMBER = re.compile(r"^(?P<base>[A-Z]{2,6}-\d{4}-\d{6})(?:-R(?P<revision>[1-9]\d{0,2}))?$")

CURRENT = "current"
SUPERSEDED = "superseded"
WITHDRAWN = "withdrawn"


def document_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:06d}"


def parse_number(text: Any) -> tuple[str, int] | None:
    """(base, revision) of a document number, or None if it is not one."""
    match = _NUMBER.match(text.strip().upper()) if isinstance(text, str) else None
    if match is None:
        return None
    return match["base"], int(match["revision"] or 0)


def _parts(number: str) -> tuple[str, int]:
    parts = parse_number(number)
    if parts is None:
        raise ValueError(f"{number!r} is not a document number")
    return parts


def revision_number(number: str, revision: int) -> str:
    base, _ = _parts(number)
    return base if revision == 0 else f"{base}-R{revision}"


def successor_number(number: str) -> str:
    base, revision = _parts(number)
    return revision_number(base, revision + 1)


def status_of(withdrawal: Any, successor: Any) -> str:
    """current / superseded / withdrawn, given the document's withdrawal and successor."""
    if successor is not None:
        return SUPERSEDED
    if withdrawal:
        return WITHDRAWN
    return CURRENT


@dataclass(kw_only=True)
class IssuedDocumentRecord:
    """What every issued certificate or report records besides its own content: its number
    and version, what it replaces, the request and item it was issued for, who issued it
    for whom and when, its statements and signatories, and a withdrawal if there was one."""

    number: str
    kind: str
    title: str
    revision: int
    replaces: str | None
    request_code: str
    item: str
    laboratory: dict[str, Any]
    customer: dict[str, Any]
    received_on: str
    issued_at: str
    issued_epoch: float
    statements: list[str]
    signatories: dict[str, str | None]
    remarks: str | None = None
    withdrawal: dict[str, Any] | None = None
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    withdrawn_event: ClassVar[str]  # what a withdrawal announces (``certificate_withdrawn``…)

    def withdraw(self, reason: str, operator: str, now: datetime) -> None:
        if self.withdrawal:
            raise InvalidTransition(self.number, "withdrawn", "withdrawn")
        self.withdrawal = {"at": now.isoformat(), "by": operator, "reason": reason}
        self.new_events.append(DomainEvent(self.withdrawn_event, {
            **self.withdrawal_announcement(), "operator": operator, "reason": reason}))

    def withdrawal_announcement(self) -> dict[str, Any]:
        """Whom a withdrawal concerns, besides who withdrew the document and why."""
        raise NotImplementedError

    def _content(self) -> dict[str, Any]:
        """What a new version starts from: everything but its state (version, withdrawal)."""
        return {each.name: getattr(self, each.name) for each in fields(self)
                if each.name not in ("version", "new_events", "withdrawal")}
