"""A testing job (检验检测委托), in plain Python.

Opened when the station dispatches a JC request. Sample intake, results and reports
(ISO/IEC 17025) grow here in a later issue.
"""

from dataclasses import dataclass, field

from ...common.domain import DomainEvent

RECEIVED = "received"


@dataclass
class TestJob:
    request_code: str
    item: str
    enterprise: dict
    details: dict
    received_at: str
    status: str = RECEIVED
    # Superseded or withdrawn standards the job cites (standards_watch.py adds them).
    standard_alerts: list = field(default_factory=list)
    version: int = 0
    new_events: list = field(default_factory=list)

    @classmethod
    def open(cls, work, now):
        job = cls(
            request_code=work["code"],
            item=work["item"],
            enterprise=work["enterprise"],
            details=work.get("details") or {},
            received_at=now.isoformat(),
        )
        job.new_events.append(DomainEvent("job_accepted", {"item": job.item, "received_at": job.received_at}))
        return job
