"""The laboratory's reference standards (计量标准器), through which results are traceable.

A standard is usable while it is in tolerance and its own calibration is valid. When a
check finds it out of tolerance, every certificate issued with it since its last good
check is in doubt (ISO/IEC 17025 §6.4.9, §7.10): the standard lists them and announces,
per affected enterprise, which of that enterprise's certificates are concerned.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ...common.domain import DomainEvent, RuleViolated
from .certificates import Certificate

IN_SERVICE = "in_service"
OUT_OF_TOLERANCE = "out_of_tolerance"
WITHIN_TOLERANCE = "within_tolerance"


@dataclass
class ReferenceStandard:
    id: str
    name: str
    model: str
    serial_number: str
    measuring_range: str
    uncertainty: str  # e.g. "U = 0.05 %, k = 2" or "0.05级"
    calibration_certificate: str  # its own certificate from the higher-level institute
    calibrated_by: str
    calibration_valid_until: str
    last_good_check_on: str
    registered_at: str
    registered_by: str
    status: str = IN_SERVICE
    checks: list[dict[str, Any]] = field(default_factory=list)
    out_of_tolerance: dict[str, Any] | None = None
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def register(cls, details: dict[str, Any], operator: str, now: datetime) -> "ReferenceStandard":
        standard = cls(**details, registered_at=now.isoformat(), registered_by=operator)
        standard.new_events.append(DomainEvent("reference_standard_registered", {
            "reference_standard": standard.id, "name": standard.name, "operator": operator,
        }))
        return standard

    def unusable_reason(self, on_day: date) -> str | None:
        """Why it may not be used for work on ``on_day`` (a message key), or None."""
        if self.status == OUT_OF_TOLERANCE:
            return "reference_standard_out_of_tolerance"
        if date.fromisoformat(self.calibration_valid_until) < on_day:
            return "reference_standard_calibration_expired"
        return None

    def snapshot(self) -> dict[str, Any]:
        """What a certificate keeps of the standard: enough to trace the result (§7.8.4.1 c)."""
        return {
            "id": self.id, "name": self.name, "model": self.model, "serial_number": self.serial_number,
            "measuring_range": self.measuring_range, "uncertainty": self.uncertainty,
            "calibration_certificate": self.calibration_certificate, "calibrated_by": self.calibrated_by,
            "calibration_valid_until": self.calibration_valid_until,
            "traceability": (
                f"所用计量标准 {self.name}（型号 {self.model}，编号 {self.serial_number}，{self.uncertainty}）"
                f"经 {self.calibrated_by} 检定/校准（证书号 {self.calibration_certificate}，"
                f"有效期至 {self.calibration_valid_until}），量值溯源至国家计量基准。"
            ),
        }

    def record_check(self, result: str, checked_on: str, operator: str, note: str | None, now: datetime,
                     affected_certificates: Iterable[Certificate] = ()) -> list[dict[str, Any]]:
        """A periodic or intermediate check (期间核查). ``affected_certificates`` are the
        certificates issued with it since the last good check, for an out-of-tolerance result."""
        if date.fromisoformat(checked_on) < date.fromisoformat(self.last_good_check_on):
            raise RuleViolated("check_before_last_good_check", {"last_good_check_on": self.last_good_check_on})
        self.checks.append({"on": checked_on, "result": result, "by": operator, "note": note, "at": now.isoformat()})
        if result == WITHIN_TOLERANCE:
            self.status = IN_SERVICE
            self.last_good_check_on = checked_on
            self.new_events.append(DomainEvent("reference_standard_checked", {
                "reference_standard": self.id, "result": result, "checked_on": checked_on, "operator": operator,
            }))
            return []
        return self._mark_out_of_tolerance(checked_on, operator, note, now, affected_certificates)

    def _mark_out_of_tolerance(self, found_on: str, operator: str, note: str | None, now: datetime,
                               certificates: Iterable[Certificate]) -> list[dict[str, Any]]:
        affected = [_affected_entry(certificate) for certificate in certificates]
        self.status = OUT_OF_TOLERANCE
        self.out_of_tolerance = {"found_on": found_on, "by": operator, "note": note,
                                 "since": self.last_good_check_on, "certificates": affected}
        self.new_events.append(DomainEvent("reference_standard_out_of_tolerance", {
            "reference_standard": self.id, "found_on": found_on, "since": self.last_good_check_on,
            "operator": operator, "certificates": len(affected),
        }))
        for uscc, entries in _by_enterprise(affected).items():
            self.new_events.append(DomainEvent("certificates_affected", {
                "uscc": uscc, "enterprise_name": entries[0]["customer"],
                "reference_standard": {"id": self.id, "name": self.name},
                "found_on": found_on, "since": self.last_good_check_on,
                "certificates": [{key: entry[key] for key in ("number", "request_code", "serial_number")}
                                 for entry in entries],
            }))
        return affected


def _affected_entry(certificate: Certificate) -> dict[str, Any]:
    return {
        "number": certificate.number, "request_code": certificate.request_code,
        "uscc": certificate.customer["uscc"], "customer": certificate.customer["name"],
        "serial_number": certificate.instrument["serial_number"],
        "instrument": certificate.instrument["name"], "performed_on": certificate.performed_on,
    }


def _by_enterprise(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        grouped.setdefault(entry["uscc"], []).append(entry)
    return grouped
