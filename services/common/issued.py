"""Numbers of issued certificates and reports, and their versions (ISO/IEC 17025 §7.8.8).

An issued document never changes. A correction is a new document whose number is the
original's with a revision suffix (``SQJL-2026-000001`` → ``SQJL-2026-000001-R1`` →
``-R2``) and that names the one it replaces. Because the successor's number follows
from its predecessor's, "is this one superseded?" is a lookup of one key, and two
corrections of the same version collide on that key instead of forking the history.

Four eyes: a correction (an amendment, for a report) is first a *proposal* kept on the
document it would replace — who proposed it, why, what it changes — and the new
version is issued only when a second person approves it (``four_eyes`` if the same
person tries); refused, the proposal is closed and nothing is issued. Besides a
withdrawal, the proposals are all that ever changes on an issued document.
"""

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar

from .domain import DomainEvent, InvalidTransition, RuleViolated

_NUMBER = re.compile(r"^(?P<base>[A-Z]{2,6}-\d{4}-\d{6})(?:-R(?P<revision>[1-9]\d{0,2}))?$")

CURRENT = "current"
SUPERSEDED = "superseded"
WITHDRAWN = "withdrawn"

# A proposed new version: waiting for a second person, then approved (issued) or refused.
PROPOSED = "proposed"
APPROVED = "approved"
REFUSED = "refused"


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
    # proposed new versions (four eyes): id, status, reason, changes, who proposed and decided
    proposals: list[dict[str, Any]] = field(default_factory=list)
    proposal_id: str | None = None  # the approved proposal this version was issued from
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    withdrawn_event: ClassVar[str]  # what a withdrawal announces (``certificate_withdrawn``…)
    proposal_kind: ClassVar[str] = "correction"  # what a proposed new version is called

    # -- four eyes ------------------------------------------------------------------------------
    def propose(self, reason: str, changes: dict[str, Any], operator: str, now: datetime) -> dict[str, Any]:
        """A new version proposed: kept here until a second person approves or refuses
        it. One at a time: a second proposal waits for the first to be decided."""
        if self.withdrawal:
            raise InvalidTransition(self.number, WITHDRAWN, PROPOSED)
        waiting = self.open_proposals()
        if waiting:
            raise RuleViolated("proposal_open", {"number": self.number, "id": waiting[0]["id"]})
        proposal: dict[str, Any] = {
            "id": str(len(self.proposals) + 1), "number": self.number, "kind": self.proposal_kind,
            "status": PROPOSED,
            "reason": reason, "changes": changes, "proposed_by": operator, "proposed_at": now.isoformat(),
            "decided_by": None, "decided_at": None, "comment": None, "new_number": None,
        }
        self.proposals = [*self.proposals, proposal]
        self.new_events.append(DomainEvent(f"{self.proposal_kind}_proposed", {
            **self._proposal_announcement(proposal), "operator": operator}))
        return proposal

    def open_proposals(self) -> list[dict[str, Any]]:
        return [proposal for proposal in self.proposals if proposal["status"] == PROPOSED]

    def proposal(self, proposal_id: str) -> dict[str, Any] | None:
        return next((proposal for proposal in self.proposals if proposal["id"] == proposal_id), None)

    def check_decision(self, proposal: dict[str, Any], operator: str) -> None:
        """A proposal is decided once, by someone other than who proposed it."""
        if proposal["status"] != PROPOSED:
            raise InvalidTransition(f"{self.number}/{proposal['id']}", proposal["status"], "decided")
        if proposal["proposed_by"] == operator:
            raise RuleViolated("four_eyes", {"operator": operator})

    def close_proposal(self, proposal_id: str, approved: bool, comment: str | None, operator: str, now: datetime,
                       new_number: str | None = None) -> dict[str, Any]:
        """Record the decision on a proposal: approved (``new_number`` issued) or refused."""
        proposal = self.proposal(proposal_id)
        assert proposal is not None  # the use case found it
        self.check_decision(proposal, operator)
        decided = {**proposal, "status": APPROVED if approved else REFUSED, "decided_by": operator,
                   "decided_at": now.isoformat(), "comment": comment, "new_number": new_number}
        self.proposals = [decided if each["id"] == proposal_id else each for each in self.proposals]
        if not approved:
            self.new_events.append(DomainEvent(f"{self.proposal_kind}_refused", {
                **self._proposal_announcement(decided), "operator": operator, "comment": comment}))
        return decided

    def _proposal_announcement(self, proposal: dict[str, Any]) -> dict[str, Any]:
        number_key = "report_number" if self.proposal_kind == "amendment" else "certificate_number"
        return {number_key: self.number, "proposal": proposal["id"], "reason": proposal["reason"]}

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
                if each.name not in ("version", "new_events", "withdrawal", "proposals", "proposal_id")}
