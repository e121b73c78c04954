"""What an enterprise looks for among its own requests (issue 29 §1, ``/me``): a status
(or all still open), an item, the days it submitted them on, and one search box that
takes a request code or an instrument's serial number.
"""

from dataclasses import dataclass
from datetime import UTC, date, timedelta

from ...common.clock import start_of_day
from .model import ACCEPTED, AWAITING_ENTERPRISE, DISPATCHED, IN_PROGRESS, SUBMITTED
from .request_code import MalformedCode, parse_code

# Not finished yet: what an enterprise still waits for (or must answer).
OPEN = "open"
OPEN_STATUSES = (SUBMITTED, AWAITING_ENTERPRISE, ACCEPTED, DISPATCHED, IN_PROGRESS)
MAX_SEARCH = 64  # a serial number as the laboratory records it; a code is shorter


@dataclass(frozen=True)
class RequestSearch:
    """``statuses``: any of them (none: every status); ``submitted_from``/``_to``: days
    in China, both included; ``code``: that request, or every request of that
    multi-item submission; ``serial_number``: the requests naming that instrument."""

    statuses: tuple[str, ...] = ()
    item: str | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    code: str | None = None
    serial_number: str | None = None

    @classmethod
    def of(cls, status: str | None = None, item: str | None = None, submitted_from: date | None = None,
           submitted_to: date | None = None, text: str | None = None) -> "RequestSearch":
        """From what the page's filters say. ``text`` is a request code when it reads as
        one (typed any way: spaces, lower-case x), else a serial number;
        WrongCheckCharacter for a code with a typo, which is neither."""
        statuses = OPEN_STATUSES if status == OPEN else (status,) if status else ()
        text = (text or "").strip()
        code = serial = None
        if text:
            try:
                code = str(parse_code(text))
            except MalformedCode:
                serial = text
        return cls(statuses, item or None, submitted_from, submitted_to, code, serial)

    def submitted_between(self) -> tuple[str | None, str | None]:
        """The moments (UTC, ISO: how ``submitted_at`` is kept) from which and before which
        a request was submitted on the days asked for."""
        since = start_of_day(self.submitted_from).astimezone(UTC).isoformat() if self.submitted_from else None
        before = (start_of_day(self.submitted_to + timedelta(days=1)).astimezone(UTC).isoformat()
                  if self.submitted_to else None)
        return since, before
