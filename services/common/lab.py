"""The laboratory's path through a job (ISO/IEC 17025 §7), shared by metrology and testing.

``received → in_progress → results_recorded → reviewed → completed``; a review may
send the results back (``results_recorded → in_progress``). Testing puts sample intake
before the start (``received → samples_received → in_progress``). A consulting item
(JL04, JC03) takes none of that: an operator answers it in writing, with the metadata of
its attachments (``received → completed``), and the enterprise reads the answer.

:class:`LabWorkflow` is a mixin for a job dataclass with the fields ``request_code``,
``item``, ``status``, ``steps``, ``recorded_by``, ``answer``, ``completed_at``,
``new_events``. Every step checks the state (:class:`InvalidTransition`), records who did
it and when, and announces itself.
"""

from datetime import datetime
from typing import Any

from .domain import DomainEvent, InvalidTransition, RuleViolated

RECEIVED = "received"
SAMPLES_RECEIVED = "samples_received"
IN_PROGRESS = "in_progress"
RESULTS_RECORDED = "results_recorded"
REVIEWED = "reviewed"
COMPLETED = "completed"


class LabWorkflow:
    # Items whose jobs take the laboratory path (others, e.g. consulting, do not).
    LAB_ITEMS: tuple[str, ...] = ()
    # Items answered in writing (咨询).
    CONSULTING_ITEMS: tuple[str, ...] = ()
    # The states a job may be started from.
    STARTS_FROM: tuple[str, ...] = (RECEIVED,)
    # The fields of the job dataclass the steps read and write.
    request_code: str
    item: str
    status: str
    steps: list[dict[str, Any]]
    recorded_by: str | None
    answer: dict[str, Any] | None
    completed_at: str | None
    new_events: list[DomainEvent]

    def start(self, operator: str, now: datetime) -> None:
        self._advance(self.STARTS_FROM, IN_PROGRESS, "job_started", operator, now)

    def review(self, operator: str, approved: bool, comment: str | None, now: datetime) -> None:
        """The second person's check of the recorded results (17025 §7.8.1.1, §6.2.6)."""
        if self.status == RESULTS_RECORDED and operator == self.recorded_by:
            raise RuleViolated("reviewer_must_differ", {"operator": operator})
        if approved:
            self._advance((RESULTS_RECORDED,), REVIEWED, "results_reviewed", operator, now, {"comment": comment})
        else:
            if not comment:
                raise RuleViolated("return_needs_reason")
            self._advance((RESULTS_RECORDED,), IN_PROGRESS, "results_returned", operator, now, {"comment": comment})

    def ensure_can_answer(self) -> None:
        """Only a consulting item is answered in writing, once, before anything else."""
        if self.item not in self.CONSULTING_ITEMS:
            raise RuleViolated("not_a_consulting_item", {"item": self.item})
        if self.status != RECEIVED:
            raise InvalidTransition(self.request_code, self.status, COMPLETED)

    def answer_question(self, text: str, attachments: list[dict[str, Any]], operator: str, now: datetime) -> None:
        """The written answer to a consulting request; the request is completed with it
        and the enterprise reads it (and its attachments' names) on its tracking page."""
        self.ensure_can_answer()
        self.answer = {"text": text, "attachments": list(attachments), "answered_by": operator,
                       "answered_at": now.isoformat()}
        self.status = COMPLETED
        self.completed_at = now.isoformat()
        self.steps.append({"at": self.completed_at, "step": "question_answered", "operator": operator,
                           "status": COMPLETED})
        self.new_events.append(DomainEvent("question_answered", {
            "operator": operator, "status": COMPLETED,
            "result": {"answer": text, "attachments": list(attachments), "answered_at": self.completed_at},
        }))

    # -- for the job classes -----------------------------------------------------------
    def _require_lab_item(self, wanted: str) -> str:
        if self.item not in self.LAB_ITEMS:
            raise RuleViolated("not_a_lab_item", {"item": self.item})
        return wanted

    def _advance(self, allowed_from: tuple[str, ...], to: str, event_type: str, operator: str, now: datetime,
                 data: dict[str, Any] | None = None) -> None:
        self._require_lab_item(to)
        if self.status not in allowed_from:
            raise InvalidTransition(self.request_code, self.status, to)
        self.status = to
        self.steps.append({"at": now.isoformat(), "step": event_type, "operator": operator,
                           "status": to, **({"comment": data["comment"]} if data and data.get("comment") else {})})
        self.new_events.append(DomainEvent(event_type, {"operator": operator, "status": to, **(data or {})}))
