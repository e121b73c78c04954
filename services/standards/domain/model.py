"""A standards case (标准服务): one BZ request, in plain Python.

* BZ01 lookup: answered from the catalogue the moment it arrives (``answered``); a
  query the catalogue cannot answer waits for a person (``awaiting_answer``).
* BZ02 self-declaration review: the standards it cites are checked against the
  catalogue on arrival (``under_review``); a reviewer then approves it or asks for
  changes (``reviewed``). It cannot be approved while it cites a superseded or
  withdrawn standard, nor silently while it cites one the catalogue does not have
  (``unverified``): the reviewer must say they checked those by other means, and the
  decision names them.
* BZ03 / BZ04 consulting: a written answer with attachments' metadata (``answered``).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...common.domain import DomainEvent, InvalidTransition, ReceivedWork, RuleViolated
from .catalogue import ENDED

LOOKUP = "BZ01"
DECLARATION = "BZ02"
CONSULTING = ("BZ03", "BZ04")

RECEIVED = "received"
ANSWERED = "answered"
AWAITING_ANSWER = "awaiting_answer"
UNDER_REVIEW = "under_review"
REVIEWED = "reviewed"

APPROVED = "approved"
CHANGES_REQUESTED = "changes_requested"

# What a cited standard the catalogue does not have is: nothing here says it exists or
# is in force.
UNVERIFIED = "unverified"


class FlaggedReferences(InvalidTransition):
    """A declaration citing superseded or withdrawn standards cannot be approved."""


@dataclass
class Case(ReceivedWork):
    DECLINABLE_FROM = (RECEIVED, AWAITING_ANSWER, UNDER_REVIEW)
    CANCELLABLE_FROM = (RECEIVED, AWAITING_ANSWER, UNDER_REVIEW)
    status: str = RECEIVED
    answer: dict[str, Any] | None = None
    references: list[dict[str, Any]] = field(default_factory=list)  # the catalogue on each
    unrecognised: list[str] = field(default_factory=list)  # reference lines naming no standard
    review: dict[str, Any] | None = None


    # -- BZ01 -----------------------------------------------------------------------------
    def answer_lookup(self, found: list[dict[str, Any]], now: datetime) -> None:
        """``found``: the catalogue's best matches for the query (summaries)."""
        self._require((LOOKUP,), (RECEIVED,), ANSWERED)
        query = self.details.get("query", "")
        if not found:
            self.status = AWAITING_ANSWER
            self._announce("lookup_unmatched", query=query)
            return
        self.status = ANSWERED
        self.answer = {"standards": list(found), "answered_at": now.isoformat()}
        self._announce(
            "lookup_answered", query=query, count=len(found), result={"standards": list(found)}
        )

    # -- BZ02 -----------------------------------------------------------------------------
    def check_references(
        self, references: list[dict[str, Any]], unrecognised: list[str], now: datetime
    ) -> None:
        """Record what the catalogue says of each cited standard."""
        self._require((DECLARATION,), (RECEIVED, UNDER_REVIEW), UNDER_REVIEW)
        self.status = UNDER_REVIEW
        self.references = list(references)
        self.unrecognised = list(unrecognised)
        self._announce(
            "references_checked",
            checked=len(self.references),
            flagged=self.flagged_references(),
            unverified=self.unverified_references(),
            unrecognised=len(self.unrecognised),
        )

    def flagged_references(self) -> list[str]:
        return [reference["number"] for reference in self.references if reference["state"] in ENDED]

    def unverified_references(self) -> list[str]:
        """The cited numbers the catalogue does not have (as cited)."""
        return [reference["cited"] for reference in self.references if reference["state"] == UNVERIFIED]

    def awaits_review(self) -> bool:
        return self.item == DECLARATION and self.status == UNDER_REVIEW

    def review_declaration(
        self,
        decision: str,
        comments: str | None,
        references: list[dict[str, Any]],
        unrecognised: list[str],
        now: datetime,
        acknowledge_unverified: bool = False,
    ) -> None:
        """Decide on the declaration, with its references checked again as of now.
        Approving one that cites standards the catalogue does not have needs the
        reviewer to say they checked them (``acknowledge_unverified``)."""
        self._require((DECLARATION,), (UNDER_REVIEW,), REVIEWED)
        self.references, self.unrecognised = list(references), list(unrecognised)
        flagged, unverified = self.flagged_references(), self.unverified_references()
        if decision == APPROVED and flagged:
            raise FlaggedReferences(self.request_code, self.status, APPROVED)
        if decision == APPROVED and unverified and not acknowledge_unverified:
            raise RuleViolated("unverified_references", {"numbers": "、".join(unverified)})
        self.status = REVIEWED
        self.review = {"decision": decision, "comments": comments, "at": now.isoformat(),
                       "unverified_references": unverified}
        self._announce(
            "declaration_reviewed",
            decision=decision,
            result={"decision": decision, "comments": comments, "flagged_references": flagged,
                    "unverified_references": unverified},
        )

    # -- BZ03 / BZ04 (and a lookup the catalogue could not answer) --------------------------
    def answer_question(
        self, text: str, attachments: list[dict[str, Any]], now: datetime
    ) -> None:
        if self.item == LOOKUP:
            self._require((LOOKUP,), (AWAITING_ANSWER,), ANSWERED)
        else:
            self._require(CONSULTING, (RECEIVED,), ANSWERED)
        self.status = ANSWERED
        self.answer = {
            "text": text,
            "attachments": list(attachments),
            "answered_at": now.isoformat(),
        }
        self._announce(
            "question_answered", result={"answer": text, "attachments": list(attachments)}
        )

    # -- internals ------------------------------------------------------------------------
    def _require(self, items: tuple[str, ...], statuses: tuple[str, ...], wanted: str) -> None:
        if self.item not in items or self.status not in statuses:
            raise InvalidTransition(self.request_code, self.status, wanted)

    def _announce(self, event_type: str, **data: Any) -> None:
        self.new_events.append(DomainEvent(event_type, data))
