"""计量标准考核证书: the certificate a granted JL03 assessment issues, in plain Python.

Numbered ``SQBK-YYYY-NNNNNN`` (beside the laboratory's ``SQJL-…``), issued by the
authority that ran the assessment, naming the standard (name, measuring range,
uncertainty or accuracy class), its holder, the edition of JJF 1033 it was assessed
under and the day it runs out (``assessment.VALIDITY_YEARS`` from the decision, through
the day before the anniversary). Like every issued document it never changes
(``common/issued.py``); anyone verifies its number.

For print: ``kind`` is ``measurement_standard_certificate`` and the content is in
``standard``, ``assessment``, ``valid_until`` and the common fields of
:class:`~services.common.issued.IssuedDocumentRecord` (number, title, laboratory = the
issuing authority, customer = the holder, statements, signatories).
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ...common.clock import china_date, valid_until
from ...common.domain import DomainEvent
from ...common.issued import CURRENT, IssuedDocumentRecord, document_number
from .assessment import ASSESSMENT_RULE, VALIDITY_YEARS

PREFIX = "SQBK"
KIND = "measurement_standard_certificate"
TITLE = "计量标准考核证书"
EXPIRED = "expired"

ONLY_THIS_STANDARD = "本证书仅对所列计量标准及其测量范围、不确定度（准确度等级）有效。"
KEEP_IT_UP = "计量标准有效期内，持证单位应保持其技术状态，按规定进行稳定性考核和期间核查；有效期届满前应申请复查考核。"


def standard_certificate_number(year: int, sequence: int) -> str:
    """``SQBK-2026-000001``: unique per year, a prefix of its own beside SQJL and SQJC."""
    return document_number(PREFIX, year, sequence)


@dataclass
class StandardCertificate(IssuedDocumentRecord):
    standard: dict[str, Any]  # name, measuring_range, uncertainty, main_equipment
    assessment_type: str  # new or renewal (新建 / 复查)
    assessment: dict[str, Any]  # assessed_on, assessors, conclusion, rule
    valid_until: str

    @classmethod
    def issue(cls, number: str, job: Any, authority: dict[str, Any], operator: str,
              now: datetime) -> "StandardCertificate":
        """The certificate of a JL03 job whose assessment passed, decided now by ``operator``."""
        details, assessment = job.details, job.assessment or {}
        issued_on = china_date(now)
        certificate = cls(
            number=number, kind=KIND, title=TITLE, revision=0, replaces=None,
            request_code=job.request_code, item=job.item, laboratory=authority,
            customer={"name": job.enterprise["name"], "uscc": job.enterprise["uscc"]},
            received_on=china_date(datetime.fromisoformat(job.received_at)).isoformat(),
            issued_at=now.isoformat(), issued_epoch=now.timestamp(),
            standard={key: details.get(key) for key in ("standard_name", "measuring_range", "uncertainty",
                                                         "main_equipment")},
            assessment_type=details.get("assessment_type") or "new",
            assessment={key: assessment.get(key) for key in ("assessed_on", "assessors", "conclusion")}
            | {"rule": ASSESSMENT_RULE},
            valid_until=valid_until(issued_on, 12 * VALIDITY_YEARS).isoformat(),
            statements=[f"依据 {ASSESSMENT_RULE}《计量标准考核规范》考核合格。", ONLY_THIS_STANDARD, KEEP_IT_UP],
            signatories={"assessed_by": "、".join(assessment.get("assessors") or []), "issued_by": operator},
        )
        certificate.new_events.append(DomainEvent("standard_certificate_issued", {
            "certificate_number": number, "kind": KIND, "operator": operator,
            "standard_name": certificate.standard["standard_name"], "valid_until": certificate.valid_until}))
        return certificate

    withdrawn_event = "standard_certificate_withdrawn"

    def withdrawal_announcement(self) -> dict[str, Any]:
        return {"certificate_number": self.number}

    def summary(self) -> dict[str, Any]:
        """What the job keeps of it."""
        return {"number": self.number, "kind": self.kind, "valid_until": self.valid_until}

    def public_view(self, status: str, superseded_by: str | None, today: date) -> dict[str, Any]:
        """What anyone holding the number may see: the standard, its holder, its validity."""
        expired = date.fromisoformat(self.valid_until) < today
        return {
            "number": self.number, "genuine": True,
            "status": EXPIRED if status == CURRENT and expired else status,
            "kind": self.kind, "title": self.title, "issuer": self.laboratory["name"],
            "issued_on": china_date(datetime.fromisoformat(self.issued_at)).isoformat(),
            "customer": self.customer["name"],
            "subject": {key: self.standard.get(key) for key in ("standard_name", "measuring_range", "uncertainty")},
            "conclusion": self.assessment.get("conclusion"), "rule": self.assessment.get("rule"),
            "valid_until": self.valid_until, "expired": expired,
            "revision": self.revision, "replaces": self.replaces, "superseded_by": superseded_by,
            "withdrawn_on": china_date(datetime.fromisoformat(self.withdrawal["at"])).isoformat()
            if self.withdrawal else None,
        }
