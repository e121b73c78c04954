"""Due dates count working days on the official 2026 schedule."""

from datetime import date

from services.gateway.reference import working_calendar

CALENDAR = working_calendar()


def test_weekends_are_not_working_days_and_weekdays_are():
    assert CALENDAR.is_working_day(date(2026, 11, 27))  # Friday
    assert not CALENDAR.is_working_day(date(2026, 11, 28))  # Saturday


def test_public_holidays_are_not_working_days():
    assert not CALENDAR.is_working_day(date(2026, 10, 1))  # National Day, a Thursday
    assert not CALENDAR.is_working_day(date(2026, 2, 17))  # Spring Festival


def test_make_up_days_on_weekends_are_working_days():
    make_up = sorted(CALENDAR.make_up_workdays)
    assert make_up and all(day.weekday() >= 5 for day in make_up)
    assert all(CALENDAR.is_working_day(day) for day in make_up)


def test_five_working_days_from_a_friday_end_the_next_friday():
    assert CALENDAR.add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)


def test_the_national_day_week_is_skipped():
    # Accepted on Wednesday 30 September 2026: the holiday runs 1-7 October.
    due = CALENDAR.add_working_days(date(2026, 9, 30), 1)
    assert due == date(2026, 10, 8)
    assert CALENDAR.working_days_between(date(2026, 9, 30), due) == 1
