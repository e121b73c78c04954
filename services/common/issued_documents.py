"""The life of an issued certificate or report, the same in metrology and testing:
find one by number, tell where it stands, propose a new version and have a second
person approve (or refuse) it, supersede it by that version, withdraw it.

Use cases over the service's :class:`IssuedDocumentRepository` and the document's own
``withdraw``; the numbering rules are in ``issued.py``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from .domain import RuleViolated
from .issued import parse_number, status_of, successor_number
from .repository import AggregateRepository, AlreadyExists, NotFound


class IssuedDocument(Protocol):
    """A certificate or a report: numbered, never rewritten, possibly withdrawn, with the
    new versions proposed for it (``issued.IssuedDocumentRecord``)."""

    number: str
    request_code: str
    withdrawal: dict[str, Any] | None
    proposal_id: str | None
    signatories: dict[str, str | None]

    def withdraw(self, reason: str, operator: str, now: datetime) -> None: ...

    def propose(self, reason: str, changes: dict[str, Any], operator: str, now: datetime) -> dict[str, Any]: ...

    def proposal(self, proposal_id: str) -> dict[str, Any] | None: ...

    def check_decision(self, proposal: dict[str, Any], operator: str) -> None: ...

    def close_proposal(self, proposal_id: str, approved: bool, comment: str | None, operator: str, now: datetime,
                       new_number: str | None = None) -> dict[str, Any]: ...


class ProposalNotFound(NotFound):
    """No proposed new version with this id on this document."""


D = TypeVar("D", bound=IssuedDocument)


class IssuedDocumentRepository(AggregateRepository, Generic[D]):
    """A service's issued documents, keyed by number. A version's successor is found by
    its number (``issued.successor_number``), and numbers are drawn per year from the
    sequence named ``sequence`` (``certificate:2026``)."""

    key = "number"
    sequence = ""

    def request_code_of(self, document: D) -> str:
        return document.request_code  # so the request's timeline shows it

    def next_sequence(self, year: int) -> int:
        drawn: int = self.store.next_sequence(f"{self.sequence}:{year}")
        return drawn

    def successor(self, number: str) -> D | None:
        following: D | None = self.get_or_none(successor_number(number))
        return following

    def latest_version(self, document: D) -> D:
        """The last of the versions that followed ``document`` (itself if none)."""
        while (following := self.successor(document.number)) is not None:
            document = following
        return document


@dataclass(frozen=True)
class Standing(Generic[D]):
    """An issued document and where it stands: current, superseded or withdrawn, and
    the number of the version that superseded it (None if none did)."""

    document: D
    status: str
    superseded_by: str | None


def find_issued(documents: IssuedDocumentRepository[D], number: str) -> D:
    """The document with this number, any version; the repository's ``not_found`` if
    there is none (or the number is not one)."""
    if parse_number(number) is None:
        raise documents.not_found(number)
    document: D = documents.get(number.strip().upper())
    return document


def standing_of(documents: IssuedDocumentRepository[D], document: D) -> Standing[D]:
    successor = documents.successor(document.number)
    return Standing(document, status_of(document.withdrawal, successor),
                    successor.number if successor else None)


def find_standing(documents: IssuedDocumentRepository[D], number: str) -> Standing[D]:
    """The document with this number as the store holds it now, and where it stands."""
    return standing_of(documents, find_issued(documents, number))


def supersede(documents: IssuedDocumentRepository[D], document: D, new_version: Callable[[D], D]) -> D:
    """Store ``new_version(document)``, the next version of a current document; the old
    one is never rewritten (§7.8.8)."""
    require_current(documents, document)
    replacement = new_version(document)
    try:
        documents.add(replacement)
    except AlreadyExists as exc:  # someone made the next version a moment ago
        raise RuleViolated("already_superseded", {"number": document.number,
                                                  "superseded_by": replacement.number}) from exc
    return replacement


def propose_new_version(documents: IssuedDocumentRepository[D], number: str, command: dict[str, Any],
                        now: datetime) -> tuple[dict[str, Any], Standing[D]]:
    """A correction or amendment proposed for the current version (``reason``,
    ``changes``): kept on the document until a second person decides it."""
    document = find_issued(documents, number)
    require_current(documents, document)
    proposal = document.propose(command["reason"], command["changes"], command["operator"], now)
    documents.save(document)
    return proposal, standing_of(documents, document)


def decide_new_version(documents: IssuedDocumentRepository[D], number: str, proposal_id: str,
                       command: dict[str, Any], now: datetime,
                       new_version: Callable[[D, dict[str, Any], str], D]) -> tuple[dict[str, Any], Standing[D]]:
    """A second person approves the proposal (the new version ``new_version(document,
    proposal, approver)`` is issued) or refuses it (nothing is issued); the proposer may
    not (``four_eyes``). (The decided proposal, where its document now stands: the new
    version when approved.) Approving again after an interruption finds the version it
    issued and completes the decision."""
    document = find_issued(documents, number)
    proposal = document.proposal(proposal_id)
    if proposal is None:
        raise ProposalNotFound(f"{number}/{proposal_id}")
    operator = command["operator"]
    document.check_decision(proposal, operator)
    if not command["approved"]:
        decided = document.close_proposal(proposal_id, False, command.get("comment"), operator, now)
        documents.save(document)
        return decided, standing_of(documents, document)
    successor = documents.successor(document.number)
    if successor is None or successor.proposal_id != proposal_id:
        successor = supersede(documents, document, lambda current: _issued_from(current, proposal, operator,
                                                                                new_version))
    decided = document.close_proposal(proposal_id, True, command.get("comment"), operator, now, successor.number)
    documents.save(document)
    return decided, standing_of(documents, successor)


def _issued_from(current: D, proposal: dict[str, Any], approver: str, new_version: Callable[[D, dict[str, Any], str], D]) -> D:
    replacement = new_version(current, proposal, approver)
    replacement.proposal_id = proposal["id"]
    replacement.signatories = {**replacement.signatories, "proposed_by": proposal["proposed_by"],
                               "approved_by": approver}
    return replacement


def withdraw_issued(documents: IssuedDocumentRepository[D], number: str, command: dict[str, Any],
                    now: datetime) -> Standing[D]:
    """Withdraw the current version with this number (``reason``, ``operator``); where it
    then stands."""
    document = find_issued(documents, number)
    require_current(documents, document)
    document.withdraw(command["reason"], command["operator"], now)
    documents.save(document)
    return standing_of(documents, document)


def require_current(documents: IssuedDocumentRepository[D], document: D) -> None:
    successor = documents.successor(document.number)
    if successor is not None:
        raise RuleViolated("already_superseded", {"number": document.number, "superseded_by": successor.number})
