"""A standards case (标准服务): lookups, declaration reviews and consulting, in plain Python.

Opened when the station dispatches a BZ request. The answering steps (catalogue lookup,
self-declaration review, consulting answers) grow here in a later issue.
"""

from dataclasses import dataclass, field

from ...common.domain import DomainEvent

RECEIVED = "received"


@dataclass
class Case:
    request_code: str
    item: str
    enterprise: dict
    details: dict
    received_at: str
    status: str = RECEIVED
    version: int = 0
    new_events: list = field(default_factory=list)

    @classmethod
    def open(cls, work, now):
        case = cls(
            request_code=work["code"],
            item=work["item"],
            enterprise=work["enterprise"],
            details=work.get("details") or {},
            received_at=now.isoformat(),
        )
        case.new_events.append(DomainEvent("job_accepted", {"item": case.item, "received_at": case.received_at}))
        return case
