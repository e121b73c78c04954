"""A metrology job: the laboratory's side of a JL request, in plain Python.

JL01 (compulsory verification) and JL02 (calibration) take the laboratory path of
``common/lab.py``: started, results recorded per instrument, reviewed by another person,
issued. Issuing gives every instrument of the request its own document: a verification
certificate or a notice of failure (JL01), a calibration certificate (JL02). The
documents are separate aggregates (``certificates.py``); the job keeps their numbers.
JL03 (计量标准考核) takes the path of ``assessment.py`` and ends in a 计量标准考核证书
(``standard_certificates.py``); JL04 (计量咨询) is answered in writing (``common/lab.py``).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...common.domain import DomainEvent, InvalidTransition, ReceivedWork, RuleViolated
from ...common.lab import (
    COMPLETED,
    IN_PROGRESS,
    RECEIVED,
    RESULTS_RECORDED,
    REVIEWED,
    LabWorkflow,
)
from .assessment import (
    ASSESSED,
    DOCUMENTS_RETURNED,
    DOCUMENTS_REVIEWED,
    MeasurementStandardAssessment,
)

VERIFICATION = "JL01"
CALIBRATION = "JL02"
STANDARD_ASSESSMENT = "JL03"  # 计量标准考核 (assessment.py)
CONSULTING = "JL04"  # 计量咨询: answered in writing

__all__ = ["Job", "RECEIVED", "IN_PROGRESS", "RESULTS_RECORDED", "REVIEWED", "COMPLETED"]


@dataclass
class Job(ReceivedWork, LabWorkflow, MeasurementStandardAssessment):
    DECLINABLE_FROM = (RECEIVED,)
    CANCELLABLE_FROM = (RECEIVED, IN_PROGRESS, RESULTS_RECORDED, REVIEWED, DOCUMENTS_REVIEWED, DOCUMENTS_RETURNED,
                        ASSESSED)
    status: str = RECEIVED
    steps: list[dict[str, Any]] = field(default_factory=list)
    results: dict[str, Any] | None = None  # {"environment": {...}, "instruments": [per instrument]}
    recorded_by: str | None = None
    reviewed_by: str | None = None
    document_numbers: list[str] = field(default_factory=list)  # reserved when issuing begins
    documents: list[dict[str, Any]] = field(default_factory=list)  # [{"number", "kind", "serial_number"}]
    completed_at: str | None = None
    answer: dict[str, Any] | None = None  # a consulting item's written answer
    # JL03: the written review of the documents, the assessment, the decision (assessment.py)
    document_review: dict[str, Any] | None = None
    assessment: dict[str, Any] | None = None
    decision: dict[str, Any] | None = None

    LAB_ITEMS = (VERIFICATION, CALIBRATION)
    CONSULTING_ITEMS = (CONSULTING,)
    ASSESSMENT_ITEMS = (STANDARD_ASSESSMENT,)

    def accepted(self) -> dict[str, Any]:
        # The instrument file is built from this announcement (handlers.file_instruments).
        return {**super().accepted(), "enterprise": self.enterprise, "instruments": self.instruments}

    def can_stop(self) -> bool:
        # once issuing has begun (numbers reserved), documents may exist: too late to stop
        return super().can_stop() and not self.document_numbers

    @property
    def instruments(self) -> list[dict[str, Any]]:
        return list(self.details.get("instruments") or [])

    @property
    def recalibration_date_requested(self) -> bool:
        return bool(self.details.get("recalibration_date_requested"))

    def record_results(self, results: dict[str, Any], operator: str, now: datetime) -> None:
        """Results for every instrument of the request (again, until reviewed)."""
        self.ensure_can_record()
        self._check_covers_every_instrument(results["instruments"])
        if self.item == CALIBRATION:
            self._check_recalibration_dates(results["instruments"])
        self.results = results
        self.recorded_by = operator
        self.status = RESULTS_RECORDED
        self.steps.append({"at": now.isoformat(), "step": "results_recorded", "operator": operator,
                           "status": RESULTS_RECORDED})
        outcome: dict[str, Any] = {"operator": operator, "status": RESULTS_RECORDED, "instruments": len(results["instruments"])}
        if self.item == VERIFICATION:
            outcome["failed"] = sum(1 for each in results["instruments"] if each["conclusion"] == "fail")
        self.new_events.append(DomainEvent("results_recorded", outcome))

    def ensure_can_record(self) -> None:
        self._require_lab_item(RESULTS_RECORDED)
        if self.status not in (IN_PROGRESS, RESULTS_RECORDED):
            raise InvalidTransition(self.request_code, self.status, RESULTS_RECORDED)

    def review(self, operator: str, approved: bool, comment: str | None, now: datetime) -> None:
        super().review(operator, approved, comment, now)
        self.reviewed_by = operator if approved else None

    def reserve_document_numbers(self, numbers: list[str]) -> None:
        """Numbers for the documents about to be issued, kept so a retried issue reuses them."""
        self.ensure_issuable()
        if not self.document_numbers:
            self.document_numbers = list(numbers)

    def complete(self, documents: list[dict[str, Any]], operator: str, now: datetime) -> None:
        """All documents are issued: the job, and so the request, is done."""
        self.ensure_issuable()
        self.documents = list(documents)
        self.status = COMPLETED
        self.completed_at = now.isoformat()
        self.steps.append({"at": self.completed_at, "step": "job_completed", "operator": operator, "status": COMPLETED})
        primary = documents[0]["number"]
        self.new_events.append(DomainEvent("job_completed", {
            "operator": operator, "status": COMPLETED,
            "certificate_number": primary,
            "result": {"certificate_number": primary, "documents": self.documents},
        }))

    # -- rules --------------------------------------------------------------------------
    def ensure_issuable(self) -> None:
        self._require_lab_item(COMPLETED)
        if self.status != REVIEWED:
            raise InvalidTransition(self.request_code, self.status, COMPLETED)

    def _check_covers_every_instrument(self, entries: list[dict[str, Any]]) -> None:
        requested = [each["serial_number"] for each in self.instruments]
        given = [each["serial_number"] for each in entries]
        missing = [serial for serial in requested if serial not in given]
        unknown = [serial for serial in given if serial not in requested]
        repeated = sorted({serial for serial in given if given.count(serial) > 1})
        if missing or unknown or repeated:
            raise RuleViolated("results_must_cover_instruments", {
                "missing": ", ".join(missing) or "-", "unknown": ", ".join(unknown + repeated) or "-",
            })

    def _check_recalibration_dates(self, entries: list[dict[str, Any]]) -> None:
        # ISO/IEC 17025 §7.8.4.3: no recommended calibration interval unless the customer
        # asked for one (the JL02 form's recalibration_date_requested).
        for each in entries:
            given = each.get("recalibration_date") is not None
            if given and not self.recalibration_date_requested:
                raise RuleViolated("recalibration_date_not_requested", {"serial_number": each["serial_number"]})
            if not given and self.recalibration_date_requested:
                raise RuleViolated("recalibration_date_requested", {"serial_number": each["serial_number"]})
