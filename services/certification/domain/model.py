"""A certification application (认证申请), in plain Python.

Opened when the station dispatches an RZ request. Review, audit, decision and the
certificate's life (ISO/IEC 17021 / 17065) grow here in a later issue.
"""

from dataclasses import dataclass, field

from ...common.domain import DomainEvent

APPLIED = "applied"


@dataclass
class Application:
    request_code: str
    item: str
    enterprise: dict
    details: dict
    applied_at: str
    status: str = APPLIED
    version: int = 0
    new_events: list = field(default_factory=list)

    @classmethod
    def open(cls, work, now):
        application = cls(
            request_code=work["code"],
            item=work["item"],
            enterprise=work["enterprise"],
            details=work.get("details") or {},
            applied_at=now.isoformat(),
        )
        application.new_events.append(
            DomainEvent("job_accepted", {"item": application.item, "received_at": application.applied_at})
        )
        return application
