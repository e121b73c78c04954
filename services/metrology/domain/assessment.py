"""计量标准考核 (JL03): the assessment of an organisation's highest measurement standard,
in plain Python, by the edition of JJF 1033《计量标准考核规范》 the standards catalogue
has in force: JJF 1033-2023 (issued 2023-03-15, in force 2023-09-15, replacing the 2016
edition; ``services/standards/data/standards-seed.json``).

Its path (JJF 1033-2023 §5: application, acceptance, the assessment by assessors —
written review of the documents, then the assessment itself — and the approval)::

    received ─document review passed─> documents_reviewed ─assessment─> assessed ─decision─> completed
        └─ not passed ─> documents_returned ─(reviewed again)─┘           (grant: 计量标准考核证书)
                              └────────────── decision: refuse ──────────────> refused

Impartiality: the decision (审批) is taken by someone who had no part in the assessment:
not one of its assessors, not whoever recorded it, not whoever reviewed the documents
(409 ``impartiality_conflict``). A grant issues a 计量标准考核证书 (``standard_certificates.py``)
valid for ``VALIDITY_YEARS``.
"""

from datetime import date, datetime
from typing import Any

from ...common.clock import china_date
from ...common.domain import DomainEvent, InvalidTransition, RuleViolated
from ...common.lab import COMPLETED, RECEIVED

# The edition the assessment follows, and the validity of the certificate it grants.
# JJF 1033-2023 gives a 计量标准考核证书 five years (the 2016 edition gave four); its text
# is not among the sources stored with this project, so the figure rests on the edition
# as published (JJF 1033-2023, 5 计量标准考核的程序, 考核证书的有效期): confirm it against
# the printed text before relying on it, and change it here if it differs.
ASSESSMENT_RULE = "JJF 1033-2023"
VALIDITY_YEARS = 5

DOCUMENTS_REVIEWED = "documents_reviewed"
DOCUMENTS_RETURNED = "documents_returned"
ASSESSED = "assessed"
REFUSED = "refused"
STATES = (RECEIVED, DOCUMENTS_REVIEWED, DOCUMENTS_RETURNED, ASSESSED, COMPLETED, REFUSED)

PASS, FAIL = "pass", "fail"
GRANT, REFUSE = "grant", "refuse"


class MeasurementStandardAssessment:
    """A mixin for the metrology job of a JL03 request: the fields ``request_code``,
    ``item``, ``received_at``, ``status``, ``steps``, ``document_review``, ``assessment``, ``decision``,
    ``documents``, ``completed_at`` and ``new_events``."""

    ASSESSMENT_ITEMS: tuple[str, ...] = ()
    request_code: str
    item: str
    received_at: str
    status: str
    steps: list[dict[str, Any]]
    document_review: dict[str, Any] | None
    assessment: dict[str, Any] | None
    decision: dict[str, Any] | None
    documents: list[dict[str, Any]]
    document_numbers: list[str]
    completed_at: str | None
    new_events: list[DomainEvent]

    # -- the assessors' work ------------------------------------------------------------------
    def review_documents(self, passed: bool, comments: str | None, operator: str, now: datetime) -> None:
        """The written review of what the applicant sent (申请书, 技术报告, certificates of the
        standard and its equipment, staff records). Not passed: the applicant corrects
        them (the reason says what), and they are reviewed again."""
        self._require_assessment((RECEIVED, DOCUMENTS_RETURNED), DOCUMENTS_REVIEWED)
        if not passed and not comments:
            raise RuleViolated("return_needs_reason")
        self.document_review = {"passed": passed, "comments": comments, "by": operator, "at": now.isoformat()}
        if passed:
            self._record("documents_reviewed", DOCUMENTS_REVIEWED, operator, now, {"comments": comments})
        else:  # what the applicant is to correct, for its timeline
            self._record("documents_returned", DOCUMENTS_RETURNED, operator, now, {"to_correct": comments})

    def record_assessment(self, assessed_on: date, assessors: list[str], findings: str, conclusion: str,
                          operator: str, now: datetime) -> None:
        """The assessment (考评) by its assessors: when, who, what they found, pass or fail.
        Recorded again until the decision, should the assessors correct it."""
        self._require_assessment((DOCUMENTS_REVIEWED, ASSESSED), ASSESSED)
        received = china_date(datetime.fromisoformat(self.received_at))
        if not received <= assessed_on <= china_date(now):
            raise RuleViolated("assessment_date_out_of_range", {"assessed_on": assessed_on.isoformat()})
        self.assessment = {"assessed_on": assessed_on.isoformat(), "assessors": list(assessors),
                           "findings": findings, "conclusion": conclusion, "recorded_by": operator,
                           "recorded_at": now.isoformat(), "rule": ASSESSMENT_RULE}
        self._record("standard_assessed", ASSESSED, operator, now,
                     {"assessed_on": assessed_on.isoformat(), "conclusion": conclusion})

    # -- the decision (审批) ------------------------------------------------------------------
    def ensure_decidable(self, decision: str, operator: str) -> None:
        """Whether ``operator`` may take this decision now: the state allows it, the
        decider took no part in the assessment, and a grant rests on a passed assessment."""
        allowed = (ASSESSED, DOCUMENTS_RETURNED) if decision == REFUSE else (ASSESSED,)
        self._require_assessment(allowed, COMPLETED if decision == GRANT else REFUSED)
        role = self.part_taken_by(operator)
        if role is not None:
            raise RuleViolated("impartiality_conflict", {"operator": operator, "role": role})
        if decision == GRANT and (self.assessment or {}).get("conclusion") != PASS:
            raise RuleViolated("assessment_not_passed")

    def part_taken_by(self, person: str) -> str | None:
        """The part ``person`` took in the assessment (a message key), or None."""
        if self.document_review and self.document_review["by"] == person:
            return "role.document_reviewer"
        if self.assessment and person in (self.assessment["recorded_by"], *self.assessment["assessors"]):
            return "role.assessor"
        return None

    def ensure_is_assessment(self) -> None:
        if self.item not in self.ASSESSMENT_ITEMS:
            raise RuleViolated("not_a_standard_assessment", {"item": self.item})

    def reserve_certificate_number(self, number: str, operator: str) -> None:
        """The number of the certificate about to be granted, kept so a retried grant
        reuses it (and, once kept, the station can no longer end the request)."""
        self.ensure_decidable(GRANT, operator)
        if not self.document_numbers:
            self.document_numbers = [number]

    def refuse(self, comments: str, operator: str, now: datetime) -> None:
        """No certificate: the request completes with the refusal and its reasons."""
        self.ensure_decidable(REFUSE, operator)
        self.decision = {"decision": REFUSE, "comments": comments, "by": operator, "at": now.isoformat()}
        self.completed_at = now.isoformat()
        self._record("assessment_refused", REFUSED, operator, now, {
            "reason": comments, "result": {"decision": REFUSED, "reason": comments, "rule": ASSESSMENT_RULE}})

    def grant(self, certificate: dict[str, Any], comments: str | None, operator: str, now: datetime) -> None:
        """The certificate (``{"number", "kind", "valid_until"}``) is issued: the job, and
        so the request, is done."""
        self.ensure_decidable(GRANT, operator)
        self.decision = {"decision": GRANT, "comments": comments, "by": operator, "at": now.isoformat()}
        self.documents = [dict(certificate)]
        self.completed_at = now.isoformat()
        self._record("job_completed", COMPLETED, operator, now, {
            "certificate_number": certificate["number"],
            "result": {"certificate_number": certificate["number"], "valid_until": certificate["valid_until"],
                       "documents": self.documents}})

    # -- internals ------------------------------------------------------------------------------
    def _require_assessment(self, allowed: tuple[str, ...], wanted: str) -> None:
        self.ensure_is_assessment()
        if self.status not in allowed:
            raise InvalidTransition(self.request_code, self.status, wanted)

    def _record(self, event_type: str, status: str, operator: str, now: datetime, data: dict[str, Any]) -> None:
        self.status = status
        self.steps.append({"at": now.isoformat(), "step": event_type, "operator": operator, "status": status})
        self.new_events.append(DomainEvent(event_type, {"operator": operator, "status": status, **data}))
