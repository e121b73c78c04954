"""A testing job (检验检测委托), in plain Python.

JC01 (commissioned testing) and JC02 (rapid food and agricultural testing) take the
laboratory path of ``common/lab.py`` with sample intake first: samples are received
(numbered, described, their condition on receipt noted, who received them and when),
the work starts, results are recorded per sample and test item, another person reviews
them, and one report is issued (``reports.py``).

Conformity (17025 §7.1.3, §7.8.6) is decided here from the recorded values and the
decision rule the customer agreed:

* ``simple_acceptance`` — the value itself is compared with the limit;
* ``guarded_acceptance`` — the value plus its expanded uncertainty U must be within the
  limit (guard band w = U, ILAC-G8), so a "pass" is a pass with confidence;
* JC02 rapid tests are qualitative: negative conforms; positive is a suspected failure
  to be confirmed by a standard method.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...common.clock import china_date
from ...common.domain import (
    TERMINATED,
    DomainEvent,
    InvalidTransition,
    ReceivedWork,
    RuleViolated,
)
from ...common.lab import (
    COMPLETED,
    IN_PROGRESS,
    RECEIVED,
    RESULTS_RECORDED,
    REVIEWED,
    SAMPLES_RECEIVED,
    LabWorkflow,
)
from ...common.standard_number import find_numbers

if TYPE_CHECKING:
    from .reports import Report  # reports.py reads this module's rules

COMMISSIONED = "JC01"
RAPID = "JC02"
CONSULTING = "JC03"  # 检测能力咨询: answered in writing

PASS, FAIL, NOT_ASSESSED = "pass", "fail", "not_assessed"

# A completed job has reported: a standard ending after that changes nothing it must do.
CLOSED_STATUSES = (COMPLETED, TERMINATED)

DECISION_RULES = {
    "simple_acceptance": "简单接受（测得值在限值内判为符合，不考虑测量不确定度）",
    "guarded_acceptance": "保护带接受（测得值加扩展不确定度 U 在限值内判为符合，保护带 w = U）",
    "qualitative": "定性判定（阴性判为符合；阳性判为疑似不符合，需按标准方法确证）",
}

__all__ = ["TestJob", "RECEIVED", "SAMPLES_RECEIVED", "IN_PROGRESS", "RESULTS_RECORDED", "REVIEWED", "COMPLETED"]


@dataclass
class TestJob(ReceivedWork, LabWorkflow):
    DECLINABLE_FROM = (RECEIVED, SAMPLES_RECEIVED)
    CANCELLABLE_FROM = (RECEIVED, SAMPLES_RECEIVED, IN_PROGRESS, RESULTS_RECORDED, REVIEWED)
    __test__ = False  # not a pytest test class, whatever its name

    status: str = RECEIVED
    steps: list[dict[str, Any]] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    results: dict[str, Any] | None = None
    recorded_by: str | None = None
    reviewed_by: str | None = None
    report_number: str | None = None
    documents: list[dict[str, Any]] = field(default_factory=list)
    completed_at: str | None = None
    answer: dict[str, Any] | None = None  # a consulting item's written answer
    # Superseded or withdrawn standards the job cites (flag_standard adds them).
    standard_alerts: list[dict[str, Any]] = field(default_factory=list)

    LAB_ITEMS = (COMMISSIONED, RAPID)
    CONSULTING_ITEMS = (CONSULTING,)
    STARTS_FROM = (SAMPLES_RECEIVED,)


    def can_stop(self) -> bool:
        # once issuing has begun (its number reserved), the report may exist: too late to stop
        return super().can_stop() and self.report_number is None

    # -- the standards watch ----------------------------------------------------------
    @property
    def is_open(self) -> bool:
        """Whether the job still has a method standard to apply."""
        return self.status not in CLOSED_STATUSES

    def cited_standards(self) -> list[str]:
        """The dated standard numbers the request cites as its test method."""
        return [str(number) for number in find_numbers(self.details.get("method_standard") or "")]

    def flag_standard(self, number: str, status: str, replaced_by: str | None, now: datetime) -> bool:
        """Note that the method standard the job cites was superseded or withdrawn, so the
        laboratory re-checks the method before reporting; False if the job does not cite
        it, is closed, or was flagged already. Announced on the request's timeline."""
        if not self.is_open or number not in self.cited_standards():
            return False
        if any(alert["number"] == number for alert in self.standard_alerts):
            return False
        self.standard_alerts.append({"number": number, "status": status, "replaced_by": replaced_by,
                                     "flagged_at": now.isoformat()})
        self.new_events.append(DomainEvent("standard_flagged", {"number": number, "status": status,
                                                                "replaced_by": replaced_by}))
        return True

    def receive_samples(self, samples: list[dict[str, Any]], operator: str, now: datetime) -> None:
        """Sample intake (17025 §7.4): ``samples`` already carry the lab's sample numbers."""
        self.ensure_can_receive_samples()
        self.samples = [{**sample, "received_by": operator,
                         "received_at": sample.get("received_at") or now.isoformat()} for sample in samples]
        self.status = SAMPLES_RECEIVED
        self.steps.append({"at": now.isoformat(), "step": "samples_received", "operator": operator,
                           "status": SAMPLES_RECEIVED})
        self.new_events.append(DomainEvent("samples_received", {
            "operator": operator, "status": SAMPLES_RECEIVED,
            "sample_numbers": [sample["sample_number"] for sample in self.samples],
        }))

    def ensure_can_receive_samples(self) -> None:
        self._require_lab_item(SAMPLES_RECEIVED)
        if self.status != RECEIVED:
            raise InvalidTransition(self.request_code, self.status, SAMPLES_RECEIVED)

    def ensure_can_record(self) -> None:
        self._require_lab_item(RESULTS_RECORDED)
        if self.status not in (IN_PROGRESS, RESULTS_RECORDED):
            raise InvalidTransition(self.request_code, self.status, RESULTS_RECORDED)

    def record_results(self, command: dict[str, Any], operator: str, now: datetime) -> None:
        self.ensure_can_record()
        self._check_every_sample_has_results(command["results"])
        rule = "qualitative" if self.item == RAPID else command.get("decision_rule")
        judged = [judge(result, rule) for result in command["results"]]
        if any(result["conformity"] != NOT_ASSESSED for result in judged) and rule is None:
            raise RuleViolated("decision_rule_required")
        self.results = {
            "test_conditions": command.get("test_conditions"),
            "specification": command.get("specification"),
            "decision_rule": rule,
            "results": judged,
            "conformity": overall_conformity(judged),
            "tested_on": china_date(now).isoformat(),
        }
        self.recorded_by = operator
        self.status = RESULTS_RECORDED
        self.steps.append({"at": now.isoformat(), "step": "results_recorded", "operator": operator,
                           "status": RESULTS_RECORDED})
        self.new_events.append(DomainEvent("results_recorded", {
            "operator": operator, "status": RESULTS_RECORDED, "conformity": self.results["conformity"],
        }))

    def review(self, operator: str, approved: bool, comment: str | None, now: datetime) -> None:
        super().review(operator, approved, comment, now)
        self.reviewed_by = operator if approved else None

    def ensure_issuable(self) -> None:
        self._require_lab_item(COMPLETED)
        if self.status != REVIEWED:
            raise InvalidTransition(self.request_code, self.status, COMPLETED)

    def reserve_report_number(self, number: str) -> None:
        self.ensure_issuable()
        if self.report_number is None:
            self.report_number = number

    def complete(self, report: "Report", operator: str, now: datetime) -> None:
        self.ensure_issuable()
        self.documents = [{"number": report.number, "kind": report.kind}]
        self.status = COMPLETED
        self.completed_at = now.isoformat()
        self.steps.append({"at": self.completed_at, "step": "job_completed", "operator": operator, "status": COMPLETED})
        self.new_events.append(DomainEvent("job_completed", {
            "operator": operator, "status": COMPLETED, "report_number": report.number,
            "result": {"report_number": report.number, "documents": self.documents},
        }))

    def _check_every_sample_has_results(self, results: list[dict[str, Any]]) -> None:
        numbers = [sample["sample_number"] for sample in self.samples]
        named = {result["sample_number"] for result in results}
        missing = [number for number in numbers if number not in named]
        unknown = sorted(named - set(numbers))
        if missing or unknown:
            raise RuleViolated("results_must_cover_samples",
                               {"missing": ", ".join(missing) or "-", "unknown": ", ".join(unknown) or "-"})


def judge(result: dict[str, Any], rule: str | None) -> dict[str, Any]:
    """The result with its conformity under the decision rule."""
    if rule == "qualitative":
        return {**result, "conformity": PASS if result["outcome"] == "negative" else FAIL}
    limit = result.get("limit")
    if not limit:
        return {**result, "conformity": NOT_ASSESSED}
    value = Decimal(result["value"])
    guard = Decimal(result.get("expanded_uncertainty") or "0") if rule == "guarded_acceptance" else Decimal(0)
    if limit.get("max") is not None and value + guard > Decimal(limit["max"]):
        return {**result, "conformity": FAIL}
    if limit.get("min") is not None and value - guard < Decimal(limit["min"]):
        return {**result, "conformity": FAIL}
    return {**result, "conformity": PASS}


def overall_conformity(results: list[dict[str, Any]]) -> str:
    assessed = [result["conformity"] for result in results if result["conformity"] != NOT_ASSESSED]
    if not assessed:
        return NOT_ASSESSED
    return FAIL if FAIL in assessed else PASS
