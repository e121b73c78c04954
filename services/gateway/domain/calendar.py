"""The working-day calendar of the service-level clock (DESIGN §5).

Working days are Monday to Friday, except public holidays, plus the weekend days the
State Council declares working days (调休上班). The schedule is data
(``gateway/data/cn-public-holidays.json``, one entry per year) and can be replaced.
"""

from datetime import date, timedelta


class WorkingCalendar:
    def __init__(self, holidays=(), make_up_workdays=()):
        self.holidays = frozenset(holidays)
        self.make_up_workdays = frozenset(make_up_workdays)

    @classmethod
    def from_schedule(cls, schedule):
        """From the shipped format: {"2026": {"holidays": {name: [iso dates]}, "make_up_workdays": [...]}}."""
        holidays, workdays = set(), set()
        for key, year in schedule.items():
            if not key.isdigit():
                continue  # "source", "note"
            for days in year.get("holidays", {}).values():
                holidays.update(date.fromisoformat(day) for day in days)
            workdays.update(date.fromisoformat(day) for day in year.get("make_up_workdays", []))
        return cls(holidays, workdays)

    def is_working_day(self, day):
        if day in self.make_up_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start, days):
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

    def working_days_between(self, start, end):
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count
