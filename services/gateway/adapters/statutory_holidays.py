"""Provisional years of the working-day calendar, from the statutory rules, computed by
the ``holidays`` library (its China calendar: lunar dates, the 2024 amendment, and the
in-lieu days the rules give when a holiday falls on a weekend).

The library also knows the State Council's yearly schedules (the swapped days off it
calls "substituted", one-off extensions). Those are left out here: only the official
schedule, loaded as such, may move a working day, so a provisional year never carries
a swap without the make-up working day that pays for it.
"""

from datetime import date
from functools import cache
from typing import Any

from holidays.countries.china import China

from ..domain.calendar import PROVISIONAL, HolidayBlock, YearSchedule

IN_LIEU = "（补假）"
# The library's zh-CN names, as the blocks of the shipped official schedules name them.
BLOCK_NAMES = {
    "元旦": "元旦 New Year's Day",
    "农历除夕": "春节 Spring Festival",
    "春节": "春节 Spring Festival",
    "清明节": "清明节 Qingming",
    "劳动节": "劳动节 Labour Day",
    "端午节": "端午节 Dragon Boat",
    "中秋节": "中秋节 Mid-Autumn",
    "国庆节": "国庆节 National Day",
}
# What a provisional year is (a message key: its words are in messages.py).
RULES = "calendar.provisional_notice"


class _StatutoryChina(China):
    """China's public holidays by the rules alone: the library's yearly special and
    substituted days (the State Council's schedules) are not added."""

    def _add_special_holidays(self, *args: Any, **kwargs: Any) -> None:
        return None


@cache
def provisional_year(year: int) -> YearSchedule:
    """The provisional schedule of ``year``: statutory holidays and their in-lieu days."""
    found = _StatutoryChina(years=year, language="zh_CN")
    blocks: dict[str, list[date]] = {}
    in_lieu: set[date] = set()
    for day in sorted(found):
        names = found.get_list(day)  # two on a day when 中秋 falls in 国庆's days: the first names it
        if all(name.endswith(IN_LIEU) for name in names):
            in_lieu.add(day)
        first = names[0].removesuffix(IN_LIEU)
        blocks.setdefault(BLOCK_NAMES.get(first, first), []).append(day)
    return YearSchedule(year, tuple(HolidayBlock(name, tuple(days)) for name, days in blocks.items()), (),
                        PROVISIONAL, RULES, in_lieu=frozenset(in_lieu))


def statutory_days(year: int) -> list[date]:
    """The statutory holidays of ``year`` themselves, without in-lieu days: every
    official schedule gives them (its check when one is loaded)."""
    schedule = provisional_year(year)
    return sorted(schedule.holidays - schedule.in_lieu)
