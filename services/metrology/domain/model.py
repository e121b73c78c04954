"""A metrology job: the laboratory's side of a JL request, in plain Python.

``received → certificate_issued``. The lab's full ISO/IEC 17025 path (start, results,
review) grows here in a later issue; the shape stays: methods check the state, change
it, and record the domain event that announces the change.
"""

from dataclasses import dataclass, field

from ...common.domain import DomainEvent, InvalidTransition

RECEIVED = "received"
CERTIFICATE_ISSUED = "certificate_issued"


@dataclass
class Job:
    request_code: str
    item: str
    station: str
    enterprise: dict
    contact: dict
    details: dict
    received_at: str
    status: str = RECEIVED
    certificate_number: str | None = None
    issued_at: str | None = None
    summary: str | None = None
    version: int = 0
    new_events: list = field(default_factory=list)

    @classmethod
    def open(cls, work, now):
        """A job for the request the station dispatched (``work`` is that event's data)."""
        job = cls(
            request_code=work["code"],
            item=work["item"],
            station=work["station"],
            enterprise=work["enterprise"],
            contact=work.get("contact", {}),
            details=work.get("details") or {},
            received_at=now.isoformat(),
        )
        job.new_events.append(
            DomainEvent("job_accepted", {"item": job.item, "received_at": job.received_at})
        )
        return job

    def issue_certificate(self, number, now, summary=None):
        if self.status != RECEIVED:
            raise InvalidTransition(self.request_code, self.status, CERTIFICATE_ISSUED)
        self.status = CERTIFICATE_ISSUED
        self.certificate_number = number
        self.issued_at = now.isoformat()
        self.summary = summary
        self.new_events.append(
            DomainEvent(
                "certificate_issued",
                {"certificate_number": number, "item": self.item, "issued_at": self.issued_at},
            )
        )


def certificate_number(year, sequence):
    """Certificate numbers are unique per lab and year: ``SQJL-2026-000001``."""
    return f"SQJL-{year}-{sequence:06d}"
