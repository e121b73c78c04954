"""Verification and calibration certificates (ISO/IEC 17025 §7.8), in plain Python.

One document per instrument. Its content is fixed when it is issued: a correction is a
new document (next revision number, ``common/issued.py``) naming the one it replaces
(§7.8.8); the only thing that can happen to an issued document is its withdrawal.

Content, by clause:

* §7.8.2.1 — title, laboratory and its address, where the work was done, unique number
  (every page carries it when printed), customer, method, description and identity of
  the item, date of receipt, date of the work, date of issue, the statement that results
  relate only to the item, the people who performed, reviewed and authorised it;
* §7.8.4.1 — measurement uncertainty (U with k, unit), environmental conditions, the
  metrological traceability statement (reference standards with their own calibration),
  results before and after adjustment;
* §7.8.4.3 — a recalibration date only when the customer asked for one.

Verification documents follow JJF 1069 practice: a certificate (合格, with its validity,
有效期至) or a notice of failure (检定结果通知书, no validity, the failed items).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ...common.clock import china_date, valid_until
from ...common.domain import DomainEvent, InvalidTransition
from ...common.issued import IssuedDocumentRecord, document_number, successor_number
from .model import CALIBRATION, VERIFICATION, Job

PREFIX = "SQJL"

VERIFICATION_CERTIFICATE = "verification_certificate"
FAILURE_NOTICE = "verification_failure_notice"
CALIBRATION_CERTIFICATE = "calibration_certificate"

TITLES = {
    VERIFICATION_CERTIFICATE: "检定证书",
    FAILURE_NOTICE: "检定结果通知书",
    CALIBRATION_CERTIFICATE: "校准证书",
}

# What an issued document says about itself, in the language of the document.
ONLY_THIS_ITEM = "本证书的结果仅对所检定/校准的计量器具有效。"
NO_PARTIAL_COPY = "未经本实验室书面批准，不得部分复制本证书。"
UNCERTAINTY = "测量结果的扩展不确定度为 U，包含因子为 k（约95%包含概率）。"
ADJUSTED = "该器具在校准过程中经过调整，证书给出调整前和调整后的结果。"
FAILED_USE = "检定不合格的计量器具不得用于贸易结算、安全防护、医疗卫生、环境监测（《计量法》第九条）。"

CORRECTABLE_INSTRUMENT_FIELDS = ("name", "model", "manufacturer", "measuring_range", "accuracy_class")


def certificate_number(year: int, sequence: int) -> str:
    """Certificate numbers are unique per laboratory and year: ``SQJL-2026-000001``."""
    return document_number(PREFIX, year, sequence)


@dataclass
class Certificate(IssuedDocumentRecord):
    correction_reason: str | None
    instrument: dict[str, Any]
    method: dict[str, Any]
    performed_on: str
    location: str
    environment: dict[str, Any]
    reference_standards: list[dict[str, Any]]
    results: dict[str, Any]
    conclusion: str | None
    valid_until: str | None
    validity: dict[str, Any] | None
    recalibration_date: str | None

    # -- issuing --------------------------------------------------------------------------
    @classmethod
    def issue(cls, number: str, job: Job, entry: dict[str, Any], laboratory: dict[str, Any],
              period: tuple[int, str] | None, operator: str, now: datetime) -> "Certificate":
        """The document for one instrument of a reviewed job.

        ``entry`` is the instrument's recorded results (reference standards and method
        already resolved); ``period`` is (months, basis) of its type for a JL01 pass.
        """
        instrument = _instrument(job, entry)
        results = job.results or {}
        performed_on = date.fromisoformat(results["performed_on"])
        kind = _kind(job.item, entry)
        expiry = valid_until(performed_on, period[0]).isoformat() if kind == VERIFICATION_CERTIFICATE and period else None
        environment = results["environment"]
        certificate = cls(
            number=number,
            kind=kind,
            title=TITLES[kind],
            revision=0,
            replaces=None,
            correction_reason=None,
            request_code=job.request_code,
            item=job.item,
            laboratory=laboratory,
            customer={"name": job.enterprise["name"], "uscc": job.enterprise["uscc"]},
            instrument=instrument,
            method=entry["method"],
            received_on=_day(job.received_at),
            performed_on=performed_on.isoformat(),
            issued_at=now.isoformat(),
            issued_epoch=now.timestamp(),
            location=environment["location"],
            environment=environment,
            reference_standards=entry["reference_standards"],
            results=_results(job.item, entry),
            conclusion=entry.get("conclusion"),
            valid_until=expiry,
            validity={"period_months": period[0], "basis": period[1]} if expiry and period else None,
            recalibration_date=entry.get("recalibration_date"),
            statements=_statements(kind, entry),
            signatories={"performed_by": job.recorded_by, "reviewed_by": job.reviewed_by, "issued_by": operator},
            remarks=entry.get("remarks"),
        )
        certificate.new_events.append(DomainEvent(
            "failure_notice_issued" if kind == FAILURE_NOTICE else "certificate_issued",
            certificate.announcement(operator, verification_bound=job.item == VERIFICATION),
        ))
        return certificate

    def correct(self, changes: dict[str, Any], reason: str, operator: str, now: datetime) -> "Certificate":
        """A new version with ``changes`` applied; this one stays as it was (§7.8.8)."""
        if self.withdrawal:
            raise InvalidTransition(self.number, "withdrawn", "corrected")
        instrument = {**self.instrument, **{key: value for key, value in (changes.get("instrument") or {}).items()
                                             if key in CORRECTABLE_INSTRUMENT_FIELDS}}
        customer = {**self.customer, **({"name": changes["customer_name"]} if changes.get("customer_name") else {})}
        replacement = Certificate(**{
            **self._content(),
            "number": successor_number(self.number),
            "revision": self.revision + 1,
            "replaces": self.number,
            "correction_reason": reason,
            "instrument": instrument,
            "customer": customer,
            "remarks": changes.get("remarks", self.remarks),
            "issued_at": now.isoformat(),
            "issued_epoch": now.timestamp(),
            "signatories": {**self.signatories, "issued_by": operator},
            "statements": [*self.statements,
                           f"本证书替代证书 {self.number}，原证书作废。更正原因：{reason}"],
        })
        replacement.new_events.append(DomainEvent(
            "certificate_corrected",
            {**replacement.announcement(operator, verification_bound=self.item == VERIFICATION), "reason": reason},
        ))
        return replacement

    withdrawn_event = "certificate_withdrawn"

    def withdrawal_announcement(self) -> dict[str, Any]:
        return {"certificate_number": self.number, "serial_number": self.instrument["serial_number"],
                "uscc": self.customer["uscc"]}

    # -- views ----------------------------------------------------------------------------
    def announcement(self, operator: str, verification_bound: bool) -> dict[str, Any]:
        """What the events about this document carry (the instrument file is built from it)."""
        return {
            "certificate_number": self.number, "kind": self.kind, "replaces": self.replaces,
            "operator": operator, "uscc": self.customer["uscc"], "enterprise_name": self.customer["name"],
            "serial_number": self.instrument["serial_number"], "instrument": self.instrument,
            "conclusion": self.conclusion, "valid_until": self.valid_until,
            "verification_bound": verification_bound, "issued_at": self.issued_at,
            "reference_standards": [standard["id"] for standard in self.reference_standards],
        }

    def uses_reference_standard(self, standard_id: str) -> bool:
        return any(standard["id"] == standard_id for standard in self.reference_standards)

    def public_view(self, status: str, superseded_by: str | None, today: date) -> dict[str, Any]:
        """What anyone holding the number may see (DESIGN §6: the public sees only a
        verification result): identity, status and validity, never contacts or data."""
        view: dict[str, Any] = {
            "number": self.number, "genuine": True, "status": status, "kind": self.kind,
            "title": self.title, "issuer": self.laboratory["name"], "issued_on": _day(self.issued_at),
            "customer": self.customer["name"],
            "subject": {key: self.instrument.get(key) for key in ("name", "model", "serial_number")},
            "revision": self.revision, "replaces": self.replaces, "superseded_by": superseded_by,
            "withdrawn_on": _day(self.withdrawal["at"]) if self.withdrawal else None,
        }
        if self.kind in (VERIFICATION_CERTIFICATE, FAILURE_NOTICE):
            view["conclusion"] = self.conclusion
            view["valid_until"] = self.valid_until
            view["expired"] = bool(self.valid_until and date.fromisoformat(self.valid_until) < today)
        return view


# -- content helpers -------------------------------------------------------------------------
def _kind(item: str, entry: dict[str, Any]) -> str:
    if item == CALIBRATION:
        return CALIBRATION_CERTIFICATE
    return VERIFICATION_CERTIFICATE if entry["conclusion"] == "pass" else FAILURE_NOTICE


def _instrument(job: Job, entry: dict[str, Any]) -> dict[str, Any]:
    row = next(each for each in job.instruments if each["serial_number"] == entry["serial_number"])
    instrument = {key: row.get(key) for key in ("name", "model", "serial_number", "measuring_range",
                                                 "accuracy_class", "quantity")}
    instrument["manufacturer"] = entry.get("manufacturer")
    instrument["type"] = entry.get("instrument_type")
    return instrument


def _results(item: str, entry: dict[str, Any]) -> dict[str, Any]:
    if item == CALIBRATION:
        return {"points": entry["points"], "adjusted": entry["adjusted"]}
    return {"items": entry["items"], "accuracy_class_found": entry.get("accuracy_class_found"),
            "failure_reasons": entry.get("failure_reasons"), "adjusted": entry.get("adjusted", False)}


def _statements(kind: str, entry: dict[str, Any]) -> list[str]:
    statements = [ONLY_THIS_ITEM, NO_PARTIAL_COPY]
    statements += [standard["traceability"] for standard in entry["reference_standards"]]
    if kind == CALIBRATION_CERTIFICATE:
        statements.append(UNCERTAINTY)
    if entry.get("adjusted"):
        statements.append(ADJUSTED)
    if kind == FAILURE_NOTICE:
        statements.append(FAILED_USE)
    return statements


def _day(iso_moment: str) -> str:
    """The day in China of a stored moment."""
    return china_date(datetime.fromisoformat(iso_moment)).isoformat()


def point_error(nominal: str, measured: str) -> str:
    """Error of indication (示值误差) = indicated − reference value, as decimal text."""
    return str(Decimal(measured) - Decimal(nominal))
