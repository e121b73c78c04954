"""An RZ03 certificate verification (证书核验), answered from the certificate registry.

The request is answered the moment it arrives: the registry says whether the number
is one of ours and what the certificate is today, and whether the holder named in the
request is the one on the certificate (a mismatch is the usual sign of a forgery).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from ...common.clock import china_date
from ...common.contracts import DispatchedWork
from ...common.domain import DispatchedWorkRecord, DomainEvent
from ...common.standard_number import normalize_text
from .model import Certification

NOT_FOUND = "not_found"
ANSWERED = "answered"


@dataclass
class Verification(DispatchedWorkRecord):
    received_at: str
    certificate_number: str
    status: str = ANSWERED
    answer: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def answer_from_registry(
        cls,
        work: DispatchedWork,
        now: datetime,
        find_certification: Callable[[str], Certification | None],
    ) -> Self:
        """Open and answer at once; ``find_certification(number)`` reads the registry."""
        details = work.details
        number = normalize_text(details.get("certificate_number", ""))
        verification = cls(
            **work.job_fields(),
            received_at=now.isoformat(),
            certificate_number=number,
        )
        verification.answer = answer(
            find_certification(number), details.get("certificate_holder"), now
        )
        verification.new_events.append(
            DomainEvent(
                "job_accepted", {"item": verification.item, "received_at": verification.received_at}
            )
        )
        verification.new_events.append(
            DomainEvent(
                "verification_answered",
                {
                    "certificate_number": number,
                    "result": {"certificate_number": number, **verification.answer},
                },
            )
        )
        return verification


def answer(
    certification: Certification | None, holder: str | None, now: datetime
) -> dict[str, Any]:
    """What the registry says of a certificate number (and of the holder named, if any)."""
    if certification is None or certification.certificate is None:
        return {"certificate_status": NOT_FOUND, "holder_matches": None}
    certificate = certification.certificate
    return {
        "certificate_status": certificate.status_on(china_date(now)),
        "holder": certificate.holder,
        "holder_matches": certification.holder_matches(holder) if holder else None,
        "valid_until": certificate.valid_until,
    }
