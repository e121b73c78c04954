"""Calendar dates as the platform's users mean them: days in China Standard Time.

A certificate valid until 2029-11-25 is valid through that whole day in Suqian, so
the code turns a UTC moment into a Chinese date before comparing. Pure Python.
"""

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def china_date(now):
    """The date in China at the UTC moment ``now``."""
    return now.astimezone(CHINA).date()


def start_of_day(day):
    """The moment ``day`` begins in China, as an aware datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA)


def start_of_day_epoch(day):
    """Seconds since the epoch when ``day`` begins in China (numbers, not ISO text,
    are what range queries compare safely on every store)."""
    return start_of_day(day).timestamp()


def add_months(day, months):
    """The same day ``months`` later; the 31st or 29 February falls back to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date(text):
    return date.fromisoformat(text)


def day_after(day):
    return day + timedelta(days=1)
