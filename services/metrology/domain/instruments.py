"""The instrument file (计量器具档案): each enterprise's instruments and their history.

Keyed by credit code and serial number. It is built from what metrology announces —
requests received (``job_accepted``), documents issued, corrected or withdrawn, reference
standards found out of tolerance — and is idempotent on those events' ids.

Recall: a verification-bound (强制检定) instrument with a valid certificate is reminded
30, 7 and 0 days before its validity ends (``calibration_due``), each reminder once.
``recall_check_at`` is when the next reminder falls due (epoch seconds, for the store's
range query); a late check raises only the most urgent reminder that has passed.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ...common.clock import china_date, start_of_day_epoch
from ...common.domain import DomainEvent

RECALL_DAYS_BEFORE = (30, 7, 0)

REGISTERED = "registered"  # known from a request; no document yet
VALID = "valid"  # a current certificate
FAILED = "failed"  # the last verification failed: not to be used
WITHDRAWN = "withdrawn"  # its certificate was withdrawn

DESCRIPTION_FIELDS = ("name", "model", "measuring_range", "accuracy_class")


def instrument_key(uscc: str, serial_number: str) -> str:
    return f"{uscc}:{serial_number}"


@dataclass
class Instrument:
    key: str
    uscc: str
    enterprise_name: str
    serial_number: str
    name: str
    model: str | None = None
    measuring_range: str | None = None
    accuracy_class: str | None = None
    manufacturer: str | None = None
    instrument_type: dict[str, Any] | None = None
    verification_bound: bool = False
    status: str = REGISTERED
    current: dict[str, Any] | None = None  # {"number", "kind", "request_code", "valid_until", "issued_at"}
    reminders: list[dict[str, Any]] = field(default_factory=list)  # raised for the current certificate
    recall_check_at: float | None = None
    requests: list[str] = field(default_factory=list)  # codes of the requests that named it
    notices: list[dict[str, Any]] = field(default_factory=list)  # e.g. a reference standard out of tolerance
    history: list[dict[str, Any]] = field(default_factory=list)
    applied_events: list[str] = field(default_factory=list)
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def register(cls, uscc: str, enterprise_name: str, serial_number: str) -> "Instrument":
        """A new entry; its description comes from the events applied to it."""
        return cls(key=instrument_key(uscc, serial_number), uscc=uscc, enterprise_name=enterprise_name,
                   serial_number=serial_number, name="")

    # -- what it is built from ---------------------------------------------------------------
    def apply(self, envelope: dict[str, Any]) -> bool:
        """Apply one of metrology's events; False if already applied or not about it."""
        if envelope["event_id"] in self.applied_events:
            return False
        handler = getattr(self, f"_on_{envelope['type']}", None)
        if handler is None:
            return False
        self.applied_events.append(envelope["event_id"])
        handler(envelope["request_code"], envelope["data"], envelope["occurred_at"])
        return True

    def _on_job_accepted(self, request_code: str, data: dict[str, Any], at: str) -> None:
        row = next(each for each in data["instruments"] if each["serial_number"] == self.serial_number)
        self.enterprise_name = data["enterprise"]["name"]
        for key in DESCRIPTION_FIELDS:
            setattr(self, key, row.get(key) or getattr(self, key))
        if data["item"] == "JL01":
            self.verification_bound = True
        if request_code not in self.requests:
            self.requests.append(request_code)
        self._log(at, "requested", request_code, item=data["item"])

    def _on_certificate_issued(self, request_code: str, data: dict[str, Any], at: str) -> None:
        self._take_description(data)
        if data["verification_bound"]:
            self.verification_bound = True
        self.status = VALID
        self.current = {"number": data["certificate_number"], "kind": data["kind"], "request_code": request_code,
                        "valid_until": data["valid_until"], "issued_at": data["issued_at"]}
        self.reminders = []
        self._schedule_recall()
        self._log(at, "certificate_issued", request_code, number=data["certificate_number"])

    def _on_failure_notice_issued(self, request_code: str, data: dict[str, Any], at: str) -> None:
        self._take_description(data)
        self.verification_bound = True
        self.status = FAILED
        self.current = {"number": data["certificate_number"], "kind": data["kind"], "request_code": request_code,
                        "valid_until": None, "issued_at": data["issued_at"]}
        self.reminders = []
        self.recall_check_at = None
        self._log(at, "failure_notice_issued", request_code, number=data["certificate_number"])

    def _on_certificate_corrected(self, request_code: str, data: dict[str, Any], at: str) -> None:
        # The correction takes the place of the replaced document; validity is unchanged.
        if self.current and self.current["number"] == data["replaces"]:
            self.current = {**self.current, "number": data["certificate_number"]}
        self._take_description(data)
        self._log(at, "certificate_corrected", request_code, number=data["certificate_number"],
                  replaces=data["replaces"])

    def _on_certificate_withdrawn(self, request_code: str, data: dict[str, Any], at: str) -> None:
        if self.current and self.current["number"] == data["certificate_number"]:
            self.status = WITHDRAWN
            self.recall_check_at = None
        self._log(at, "certificate_withdrawn", request_code, number=data["certificate_number"])

    def _on_certificates_affected(self, request_code: str, data: dict[str, Any], at: str) -> None:
        numbers = [each["number"] for each in data["certificates"] if each["serial_number"] == self.serial_number]
        self.notices.append({"at": at, "type": "reference_standard_out_of_tolerance",
                             "reference_standard": data["reference_standard"]["name"],
                             "found_on": data["found_on"], "certificates": numbers})
        self._log(at, "certificates_affected", request_code, numbers=numbers)

    # -- recall ---------------------------------------------------------------------------------
    def raise_due_reminder(self, now: datetime) -> dict[str, Any] | None:
        """Announce the most urgent reminder that has fallen due; None if none has."""
        recalled_for = self._recalled_for()
        if recalled_for is None:
            self.recall_check_at = None
            return None
        number, expiry = recalled_for
        today = china_date(now)
        sent = {reminder["days_before"] for reminder in self.reminders}
        fallen_due = [days for days in RECALL_DAYS_BEFORE if days not in sent and today >= expiry - timedelta(days)]
        if not fallen_due:
            self._schedule_recall()
            return None
        days = min(fallen_due)
        # Reminders passed over while the service was not checking are not sent late.
        for skipped in fallen_due:
            self.reminders.append({"days_before": skipped, "raised_at": now.isoformat() if skipped == days else None,
                                   "certificate_number": number, "valid_until": expiry.isoformat(),
                                   "skipped": skipped != days})
        self._schedule_recall()
        reminder = {"serial_number": self.serial_number, "instrument_name": self.name, "uscc": self.uscc,
                    "certificate_number": number, "valid_until": expiry.isoformat(),
                    "days_before": days, "days_left": (expiry - today).days}
        self.new_events.append(DomainEvent("calibration_due", reminder))
        return reminder

    def due_reminder(self) -> dict[str, Any] | None:
        """The latest reminder raised for the current certificate, if any."""
        raised = [reminder for reminder in self.reminders if not reminder.get("skipped")]
        return raised[-1] if raised else None

    def _recalled_for(self) -> tuple[str, date] | None:
        """(number, last day of validity) of the current certificate the instrument is
        recalled for; None if it is not recalled."""
        current = self.current
        if not (self.verification_bound and self.status == VALID and current is not None
                and current.get("valid_until") is not None):
            return None
        return current["number"], date.fromisoformat(current["valid_until"])

    def next_reminder_on(self) -> date | None:
        """The day the next reminder falls due (the recall check raises it then); None
        once every one was raised, or if the instrument is not recalled."""
        sent = {reminder["days_before"] for reminder in self.reminders}
        waiting = [days for days in RECALL_DAYS_BEFORE if days not in sent]
        recalled_for = self._recalled_for()
        if recalled_for is None or not waiting:
            return None
        _, expiry = recalled_for
        return expiry - timedelta(days=max(waiting))

    def _schedule_recall(self) -> None:
        next_on = self.next_reminder_on()
        self.recall_check_at = start_of_day_epoch(next_on) if next_on else None

    # -- internals --------------------------------------------------------------------------------
    def _take_description(self, data: dict[str, Any]) -> None:
        instrument = data.get("instrument") or {}
        for key in (*DESCRIPTION_FIELDS, "manufacturer"):
            if instrument.get(key):
                setattr(self, key, instrument[key])
        if instrument.get("type"):
            self.instrument_type = instrument["type"]

    def _log(self, at: str, event: str, request_code: str, **details: Any) -> None:
        self.history.append({"at": at, "event": event, "request_code": request_code, **details})

    def view(self) -> dict[str, Any]:
        next_on = self.next_reminder_on()
        return {
            "serial_number": self.serial_number, "name": self.name, "model": self.model,
            "measuring_range": self.measuring_range, "accuracy_class": self.accuracy_class,
            "manufacturer": self.manufacturer, "instrument_type": self.instrument_type,
            "verification_bound": self.verification_bound, "status": self.status, "current": self.current,
            "due": self.due_reminder(), "reminders": [r for r in self.reminders if not r.get("skipped")],
            "next_reminder_on": next_on.isoformat() if next_on else None,
            "requests": self.requests, "notices": self.notices, "history": self.history,
        }
