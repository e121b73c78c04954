"""The working-day calendar of the service-level clock (DESIGN §5). Pure Python.

Working days are Monday to Friday, except public holidays, plus the weekend days the
State Council declares working days (调休上班). The calendar is made of one schedule per
year:

* **official**: the State Council's 放假调休安排 for that year, published each November
  (shipped in ``gateway/data/cn-public-holidays.json`` or loaded by an admin);
* **provisional**: for a year whose official schedule is not loaded, the statutory
  holidays (《全国年节及纪念日放假办法》 as amended in 2024) and the in-lieu days the
  rules give when one falls on a weekend (补假), but no swapped make-up working days
  (调休), which only the official schedule sets. The calendar asks its ``provisional``
  port for such a year when it first needs it.

A due date computed over a provisional year is itself provisional: the official
schedule may still move it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

OFFICIAL = "official"
PROVISIONAL = "provisional"
WEEKEND = "周末 Weekend"
# From this month on, next year's official schedule is expected (published in November).
NEXT_YEAR_EXPECTED_FROM_MONTH = 11


# A day that is not a working day: (the day, the name of its holiday or WEEKEND, whether
# it is a provisional year's 补假 day in lieu).
DayOff = tuple[date, str, bool]


@dataclass(frozen=True)
class HolidayBlock:
    """One named stretch of days off, e.g. 春节 with the weekend days moved into it."""

    name: str
    dates: tuple[date, ...]


@dataclass(frozen=True)
class YearSchedule:
    """The holidays and make-up working days of one year, and where they come from.

    ``notice`` says what the schedule is (the State Council's notice, or the rules it
    was computed from); ``in_lieu`` are a provisional year's 补假 days;
    ``loaded_at``/``loaded_by`` say when and by whom an official schedule was loaded
    (None for the shipped data and for provisional years)."""

    year: int
    blocks: tuple[HolidayBlock, ...] = ()
    make_up_workdays: tuple[date, ...] = ()
    source: str = OFFICIAL
    notice: str = ""
    in_lieu: frozenset[date] = frozenset()
    loaded_at: str | None = None
    loaded_by: dict[str, Any] | None = None  # username, name and role of who loaded it
    holidays: frozenset[date] = field(init=False, repr=False, compare=False)
    workdays: frozenset[date] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(day for block in self.blocks for day in block.dates))
        object.__setattr__(self, "workdays", frozenset(self.make_up_workdays))

    @property
    def provisional(self) -> bool:
        return self.source == PROVISIONAL

    def same_days_as(self, other: "YearSchedule | None") -> bool:
        """True if both give the same days off and make-up days (names aside)."""
        return other is not None and self.holidays == other.holidays and self.workdays == other.workdays

    def block_of(self, day: date) -> HolidayBlock | None:
        return next((block for block in self.blocks if day in block.dates), None)

    def days_off(self) -> list[DayOff]:
        """Every day of the year that is not a working day, in order: (day, name, in lieu)."""
        day, last = date(self.year, 1, 1), date(self.year, 12, 31)
        found: list[DayOff] = []
        while day <= last:
            block = self.block_of(day)
            if block is not None:
                found.append((day, block.name, day in self.in_lieu))
            elif day.weekday() >= 5 and day not in self.workdays:
                found.append((day, WEEKEND, False))
            day += timedelta(days=1)
        return found


def schedule_from_entry(year: int | str, entry: dict[str, Any], notice: str = "", source: str = OFFICIAL,
                        loaded_at: str | None = None, loaded_by: dict[str, Any] | None = None) -> YearSchedule:
    """A year's schedule from the shipped file's format: ``{"holidays": {name: [iso dates]},
    "make_up_workdays": [iso dates]}`` (``holidays`` may also be ``[{"name", "dates"}]``)."""
    holidays = entry.get("holidays", {})
    named = holidays.items() if isinstance(holidays, dict) else ((block["name"], block["dates"]) for block in holidays)
    blocks = tuple(HolidayBlock(name, tuple(sorted(_day(text) for text in days))) for name, days in named)
    workdays = tuple(sorted(_day(text) for text in entry.get("make_up_workdays", [])))
    return YearSchedule(int(year), blocks, workdays, source, notice, loaded_at=loaded_at, loaded_by=loaded_by)


def schedules_from_file(document: dict[str, Any]) -> list[YearSchedule]:
    """Every year's schedule of a file in the shipped format (years are its digit keys;
    its ``source`` names the notices they come from)."""
    notice = document.get("source", "")
    return [schedule_from_entry(key, entry, notice) for key, entry in document.items() if key.isdigit()]


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


class WorkingCalendar:
    """Working days over any span of years: each year's official schedule where there is
    one, else the provisional one ``provisional(year)`` computes (weekends only without it)."""

    def __init__(self, official: Iterable[YearSchedule] = (),
                 provisional: Callable[[int], YearSchedule] | None = None) -> None:
        self._years: dict[int, YearSchedule] = {schedule.year: schedule for schedule in official}
        self._provisional = provisional

    def year(self, year: int) -> YearSchedule:
        found = self._years.get(year)
        if found is None:
            found = self._provisional(year) if self._provisional else YearSchedule(year, source=PROVISIONAL)
            self._years[year] = found
        return found

    def is_official(self, year: int) -> bool:
        return not self.year(year).provisional

    def provisional_between(self, first: date, last: date) -> bool:
        """True if any day from ``first`` to ``last`` falls in a provisional year."""
        return any(self.year(year).provisional for year in range(first.year, last.year + 1))

    def is_working_day(self, day: date) -> bool:
        schedule = self.year(day.year)
        if day in schedule.workdays:
            return True
        return day.weekday() < 5 and day not in schedule.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The day on which ``days`` working days after ``start`` have passed.

        The day of acceptance itself does not count (a 1-day item accepted on Monday is
        due on Tuesday), as is usual for 承诺时限 counted in working days.
        """
        day = start
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def with_year(self, schedule: YearSchedule) -> "WorkingCalendar":
        """The same calendar with ``schedule`` for its year."""
        years = {year: found for year, found in self._years.items() if not found.provisional}
        years[schedule.year] = schedule
        return WorkingCalendar(years.values(), self._provisional)


def next_year_missing(calendar: WorkingCalendar, today: date) -> int | None:
    """The year whose official schedule is overdue on ``today``: next year, from
    1 November while it is not loaded; else None."""
    following = today.year + 1
    if today.month >= NEXT_YEAR_EXPECTED_FROM_MONTH and not calendar.is_official(following):
        return following
    return None
