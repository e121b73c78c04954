"""The working-day calendar as the gateway reads and changes it (use cases).

The calendar is put together from three ports: the built-in official schedules
(``reference.builtin_schedules``), the official schedules an admin loaded (a
``CalendarRepository``, the ``calendars`` collection) and the provisional years computed
from the statutory rules (``adapters/statutory_holidays.py``). A loaded schedule wins
over the built-in one of the same year; a year with neither is provisional.

Every use case reads the calendar through :class:`CalendarBook`, which reads the stored
schedules again at most every ``CACHE_SECONDS``, and at once after a load in its own
process: every gateway replica sees a newly loaded schedule within that time, without
a restart. The metrics' clocks, which keep the due date they derive, are folded on a
calendar at most ``CLOCK_CALENDAR_SECONDS`` old.

Loading an official schedule (:func:`load_official_schedule`, behind both
``PUT /api/v1/calendar/{year}`` and ``python -m services.gateway.cli.calendar load``) stores it
and recomputes the due dates of the open requests: each one that moves gets a timeline
entry and an event (the metrics' clock of the request follows it), and is checked
against its new due date at once (at risk, breached).
"""

import logging
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from ...common.clock import china_date
from ...common.repository import VersionConflict, retry_on_conflict
from ..adapters.calendars import CalendarRepository
from ..adapters.repository import RequestRepository
from ..adapters.statutory_holidays import provisional_year
from ..domain.access import Actor
from ..domain.calendar import WorkingCalendar, YearSchedule, next_year_missing
from ..domain.catalogue import Catalogue
from ..domain.model import CLOCK_OPEN, ServiceRequest
from ..domain.sla import Clock
from ..exceptions import RequestNotFound

log = logging.getLogger(__name__)

# How long a process uses the calendar it read before it reads the stored schedules again.
CACHE_SECONDS = 30.0


class CalendarBook:
    """The current working-day calendar, read through its ports and kept for a while."""

    def __init__(self, stored: CalendarRepository, builtin: Iterable[YearSchedule] = (),
                 provisional: Callable[[int], YearSchedule] = provisional_year, ttl: float = CACHE_SECONDS,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.stored = stored
        self.builtin = {schedule.year: schedule for schedule in builtin}
        self.provisional = provisional
        self.ttl = ttl
        self.monotonic = monotonic
        self._calendar: WorkingCalendar | None = None
        self._read_at = 0.0

    def current(self, max_age: float | None = None) -> WorkingCalendar:
        """The calendar, read again if it is older than ``max_age`` seconds (the book's
        ``ttl`` by default)."""
        age = self.monotonic() - self._read_at
        if self._calendar is None or age >= (self.ttl if max_age is None else max_age):
            return self.fresh()
        return self._calendar

    def fresh(self) -> WorkingCalendar:
        """The calendar read again from the store now (and kept from now on)."""
        official = {**self.builtin, **{schedule.year: schedule for schedule in self.stored.official_years()}}
        self._calendar = WorkingCalendar(official.values(), self.provisional)
        self._read_at = self.monotonic()
        return self._calendar

    def base_year(self, year: int) -> YearSchedule:
        """``year`` as it is without a loaded schedule: built-in official, or provisional."""
        return self.builtin.get(year) or self.provisional(year)

    def statutory_days(self, year: int) -> list[date]:
        """The statutory holidays of ``year`` (without in-lieu days): every official
        schedule of the year gives them."""
        rules = self.provisional(year)
        return sorted(rules.holidays - rules.in_lieu)


# -- loading an official schedule -----------------------------------------------------------
def load_official_schedule(book: CalendarBook, requests: RequestRepository, schedule: YearSchedule, actor: Actor,
                           now: datetime, catalogue: Catalogue) -> dict[str, Any]:
    """Store ``schedule`` (an official YearSchedule, validated) for its year, then move the
    due dates it changes. Returns {"schedule": the stored schedule, "moved": [{code,
    due_from, due_to}]}.

    Loading a schedule with the same days as the stored one changes nothing but its
    notice, and finishes moving due dates if an earlier load was interrupted (requests
    already told are not told again)."""
    stored = book.stored.get(schedule.year)
    if stored is None:
        before = book.base_year(schedule.year)
        book.stored.put(schedule)
    elif stored.schedule.same_days_as(schedule):
        before = stored.replaced or book.base_year(schedule.year)
        book.stored.put(schedule, stored.replaced, stored.version)
    else:
        before = stored.schedule
        book.stored.put(schedule, stored.schedule, stored.version)
    after = book.fresh()
    moved = recompute_due_dates(requests, after.with_year(before), after, schedule.year, actor, now, catalogue)
    log.info("official schedule of %s loaded by %s: %d due dates moved", schedule.year,
             actor.get("username") or actor.get("name"), len(moved))
    return {"schedule": after.year(schedule.year), "moved": moved}


def recompute_due_dates(requests: RequestRepository, before: WorkingCalendar, after: WorkingCalendar, year: int,
                        actor: Actor, now: datetime, catalogue: Catalogue) -> list[dict[str, str]]:
    """Move the due date of every open request that ``after`` gives another due date
    than ``before`` did (only requests accepted by the end of ``year`` can be touched),
    and check it against the new one at once. The moves: [{code, due_from, due_to}].

    A request others keep changing meanwhile is left for the next load of the same
    schedule (logged): its due date is already counted on ``after`` wherever it is read."""
    today = china_date(now)
    moved: dict[str, dict[str, str]] = {}  # by code: a write that lost a race is redone

    def move(request: ServiceRequest) -> bool:
        if request.status not in CLOCK_OPEN or not request.accepted_at:
            return False  # finished meanwhile
        committed = catalogue.committed_days(request.item)
        due_from, due_to = Clock(committed, before).due(request, today), Clock(committed, after).due(request, today)
        if due_from is None or due_to is None:
            return False  # not accepted: no due date to move
        told = request.move_due_date(due_from, due_to, year, actor, now)
        if told:
            moved[request.code] = {"code": request.code, "due_from": due_from.isoformat(),
                                   "due_to": due_to.isoformat()}
        return request.check_service_level(Clock(committed, after), now) or told

    for request in requests.with_open_clock():
        if not request.accepted_at or china_date(datetime.fromisoformat(request.accepted_at)).year > year:
            continue
        committed = catalogue.committed_days(request.item)
        if Clock(committed, before).due(request, today) != Clock(committed, after).due(request, today):
            try:
                retry_on_conflict(requests, request.code, move)
            except (RequestNotFound, VersionConflict):
                moved.pop(request.code, None)
                log.warning("due date of %s not moved: it kept changing; load the schedule again", request.code)
    return list(moved.values())


# -- warnings -------------------------------------------------------------------------------
NEXT_YEAR_MISSING = "calendar_next_year_missing"


def calendar_warnings(calendar: WorkingCalendar, today: date) -> list[dict[str, Any]]:
    """What operators should be told about the calendar on ``today``: from 1 November,
    that next year's official schedule is not loaded yet ([{code, year}])."""
    year = next_year_missing(calendar, today)
    if year is None:
        return []
    return [{"code": NEXT_YEAR_MISSING, "year": year}]


def calendar_state(calendar: WorkingCalendar, today: date) -> dict[str, Any]:
    """The warnings, and whether this year and the next are official or provisional."""
    return {"warnings": calendar_warnings(calendar, today),
            "years": {str(year): "official" if calendar.is_official(year) else "provisional"
                      for year in (today.year, today.year + 1)}}
