"""A renewal (续检): the claim that turns one certificate's recall reminder into one new
request. Kept per certificate, so the 30-, 7- and 0-day reminders of one certificate
lead to one request; written before the request is submitted, so two quick clicks
cannot make two; a claim left by a crash is taken over after ``CLAIM_SECONDS``."""

from dataclasses import dataclass, field

from ...common.domain import DomainEvent

CLAIM_SECONDS = 60


@dataclass
class Renewal:
    certificate_number: str
    uscc: str
    serial_number: str
    claimed_at: float
    request_code: str | None = None
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    def abandoned(self, now_epoch: float) -> bool:
        """A claim whose request was never made, older than a submission can take."""
        return self.request_code is None and now_epoch - self.claimed_at >= CLAIM_SECONDS
