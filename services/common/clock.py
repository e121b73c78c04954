"""Dates as the platform's users mean them: days in China Standard Time."""

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The services' clock, the one place that reads the time: a composition root hands it
    (or a test's clock) to use cases and repositories."""
    return datetime.now(UTC)


def china_date(moment: datetime) -> date:
    """The calendar day in Suqian at this (timezone-aware) moment."""
    return moment.astimezone(CHINA).date()


def start_of_day(day: date) -> datetime:
    """The moment ``day`` begins in China, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=CHINA)


def start_of_day_epoch(day: date | str) -> float:
    """Epoch seconds at 00:00 China time of ``day`` (a date or ISO text).

    Stores compare epoch numbers, not ISO text: nx-27017 reads ISO-looking strings in
    range queries as dates.
    """
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return start_of_day(day).timestamp()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(performed_on: date, months: int) -> date:
    """Last day of validity of a verification done on ``performed_on`` (有效期至)."""
    return add_months(performed_on, months) - timedelta(days=1)


def parse_date(text: str) -> date:
    return date.fromisoformat(text)


def day_after(day: date) -> date:
    return day + timedelta(days=1)
