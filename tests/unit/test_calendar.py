"""Due dates count working days: on the official schedules where they are loaded, on a
provisional calendar from the statutory rules where they are not (issue 24)."""

import re
from datetime import UTC, date, datetime

import holidays
import pytest

from services.gateway.adapters.calendars import CalendarRepository
from services.gateway.adapters.statutory_holidays import provisional_year, statutory_days
from services.gateway.bootstrap import builtin_schedules, shipped_calendar
from services.gateway.domain import sla
from services.gateway.domain.calendar import (
    OFFICIAL,
    HolidayBlock,
    YearSchedule,
    next_year_missing,
)
from services.gateway.handlers.calendar import CalendarBook, calendar_warnings
from services.gateway.web.views import calendar_warning_views
from tests.fakes.store import InMemoryDocumentStore

CALENDAR = shipped_calendar()
OFFICIAL_YEARS = {schedule.year: schedule for schedule in builtin_schedules()}


class TestTheOfficialSchedules:
    def test_weekends_are_not_working_days_and_weekdays_are(self):
        assert CALENDAR.is_working_day(date(2026, 11, 27))  # Friday
        assert not CALENDAR.is_working_day(date(2026, 11, 28))  # Saturday

    def test_public_holidays_are_not_working_days(self):
        assert not CALENDAR.is_working_day(date(2026, 10, 1))  # National Day, a Thursday
        assert not CALENDAR.is_working_day(date(2026, 2, 17))  # Spring Festival

    def test_make_up_days_on_weekends_are_working_days(self):
        make_up = CALENDAR.year(2026).make_up_workdays
        assert make_up == (date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                           date(2026, 9, 20), date(2026, 10, 10))
        assert all(day.weekday() >= 5 and CALENDAR.is_working_day(day) for day in make_up)

    def test_five_working_days_from_a_friday_end_the_next_friday(self):
        assert CALENDAR.add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)

    def test_the_national_day_week_is_skipped(self):
        # Accepted on Wednesday 30 September 2026: the holiday runs 1-7 October.
        due = CALENDAR.add_working_days(date(2026, 9, 30), 1)
        assert due == date(2026, 10, 8)
        assert CALENDAR.working_days_between(date(2026, 9, 30), due) == 1

    def test_2025_and_2026_are_official_and_2027_is_not(self):
        assert CALENDAR.is_official(2025) and CALENDAR.is_official(2026)
        assert not CALENDAR.is_official(2027) and CALENDAR.year(2027).provisional


class TestTheProvisional2027:
    """Nothing official for 2027 is loaded: the statutory rules give the holidays."""

    def test_new_years_day_and_the_spring_festival_with_its_in_lieu_days_are_holidays(self):
        year = provisional_year(2027)
        assert date(2027, 1, 1) in year.holidays
        spring = next(block for block in year.blocks if block.name.startswith("春节"))
        # 除夕 Friday 5 February to 初三 Monday 8 February; the Saturday and Sunday among
        # them give the in-lieu days Tuesday 9 and Wednesday 10 February.
        assert spring.dates == tuple(date(2027, 2, day) for day in range(5, 11))
        assert {date(2027, 2, 9), date(2027, 2, 10)} <= year.in_lieu
        assert date(2027, 2, 8) not in year.in_lieu

    def test_the_statutory_days_of_2027(self):
        # 元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 (as amended in 2024)
        assert [day.isoformat() for day in statutory_days(2027)] == [
            "2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05", "2027-05-01",
            "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03"]

    def test_no_weekend_day_is_made_a_working_day(self):
        assert provisional_year(2027).make_up_workdays == ()
        saturdays_and_sundays = [day for day in _days_of(2027) if day.weekday() >= 5]
        assert not any(CALENDAR.is_working_day(day) for day in saturdays_and_sundays)

    def test_a_20_day_item_accepted_on_7_december_2026_is_due_on_5_january_2027(self):
        # 18 working days in December after the 7th, 1 January off, then 4 and 5 January.
        assert CALENDAR.add_working_days(date(2026, 12, 7), 20) == date(2027, 1, 5)

    def test_a_1_day_item_accepted_on_31_december_2026_is_due_on_monday_4_january(self):
        assert CALENDAR.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)

    def test_the_spring_festival_and_its_in_lieu_days_are_skipped(self):
        assert CALENDAR.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 11)

    def test_a_due_date_that_counts_a_provisional_year_is_provisional(self):
        accepted = datetime(2026, 12, 7, 2, tzinfo=UTC).isoformat()
        due = sla.due_date(accepted, 20, CALENDAR)
        assert sla.is_provisional(accepted, due, CALENDAR) is True
        inside_2026 = datetime(2026, 11, 2, 2, tzinfo=UTC).isoformat()
        assert sla.is_provisional(inside_2026, sla.due_date(inside_2026, 5, CALENDAR), CALENDAR) is False
        assert sla.is_provisional(None, None, CALENDAR) is False


class TestTheLibraryAgainstTheShippedOfficialSchedules:
    """The ``holidays`` library computes the provisional years; for the years whose
    official schedules we ship, what it computes must agree with them."""

    @pytest.mark.parametrize("year", [2025, 2026])
    def test_every_statutory_day_and_in_lieu_day_of_the_rules_is_an_official_holiday(self, year):
        # What a provisional year would give (the rules' days and their in-lieu days) is
        # always a day off in the official schedule: the State Council adds days by swaps,
        # it never takes a statutory day away.
        assert provisional_year(year).holidays <= OFFICIAL_YEARS[year].holidays

    @pytest.mark.parametrize("year", [2025, 2026])
    def test_the_librarys_own_swapped_days_are_official_holidays_paid_by_official_make_up_days(self, year):
        # The library also knows the official schedules: its "Day off (substituted from
        # D)" entries are the swaps (调休). A provisional year leaves them out, since it
        # has no make-up working days; here they must match the shipped schedule: the
        # day off is an official holiday and D an official make-up working day.
        official = OFFICIAL_YEARS[year]
        library = holidays.country_holidays("CN", years=year, language="en_US")
        swaps = [(day, name) for day, name in library.items() if name.startswith("Day off (substituted from")]
        assert swaps, "the library knows the official swaps of the year"
        for day, name in swaps:
            paid_by = datetime.strptime(re.search(r"\d\d/\d\d/\d{4}", name).group(), "%m/%d/%Y").date()
            assert day in official.holidays and paid_by in official.workdays, (day, name)
            assert day not in provisional_year(year).holidays

    def test_the_rules_alone_are_what_the_provisional_years_give(self):
        # 2026's official New Year holiday ran 1-3 January with a swap; the rules give 1 January only.
        assert date(2026, 1, 2) in OFFICIAL_YEARS[2026].holidays
        assert date(2026, 1, 2) not in provisional_year(2026).holidays


class TestLoadingAnOfficialSchedule:
    def test_an_official_schedule_replaces_the_provisional_year(self):
        official_2027 = YearSchedule(2027, (HolidayBlock("元旦", (date(2027, 1, 1),)),
                                            HolidayBlock("加一天", (date(2027, 1, 4),))), (), OFFICIAL)
        calendar = CALENDAR.with_year(official_2027)
        assert calendar.is_official(2027)
        assert calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 5)
        assert not calendar.provisional_between(date(2026, 12, 7), date(2027, 1, 5))
        assert CALENDAR.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)  # the original is unchanged

    def test_the_book_reads_a_loaded_schedule_again_once_its_cache_runs_out(self):
        ticks = [0.0]
        stored = CalendarRepository(InMemoryDocumentStore())
        book = CalendarBook(stored, builtin_schedules(), ttl=30, monotonic=lambda: ticks[0])
        assert not book.current().is_official(2027)
        stored.put(YearSchedule(2027, (HolidayBlock("元旦", (date(2027, 1, 1),)),), (), OFFICIAL))
        ticks[0] = 29.0
        assert not book.current().is_official(2027), "kept for its 30 seconds"
        ticks[0] = 30.0
        assert book.current().is_official(2027)

    def test_a_stored_schedule_wins_over_the_shipped_one_of_its_year(self):
        stored = CalendarRepository(InMemoryDocumentStore())
        book = CalendarBook(stored, builtin_schedules())
        stored.put(YearSchedule(2026, (HolidayBlock("元旦", (date(2026, 1, 1),)),), (), OFFICIAL, "another"))
        assert book.fresh().year(2026).notice == "another"
        assert book.current().is_working_day(date(2026, 10, 1))


class TestTheNovemberWarning:
    def test_from_1_november_a_missing_next_year_is_overdue(self):
        assert next_year_missing(CALENDAR, date(2026, 10, 31)) is None
        assert next_year_missing(CALENDAR, date(2026, 11, 1)) == 2027
        assert next_year_missing(CALENDAR, date(2026, 12, 31)) == 2027
        assert next_year_missing(CALENDAR, date(2025, 11, 5)) is None  # 2026 shipped

    def test_a_loaded_next_year_ends_the_warning(self):
        loaded = CALENDAR.with_year(YearSchedule(2027, (HolidayBlock("元旦", (date(2027, 1, 1),)),)))
        assert next_year_missing(loaded, date(2026, 12, 6)) is None

    def test_the_warning_reads_in_both_languages(self):
        (warning,) = calendar_warning_views(calendar_warnings(CALENDAR, date(2026, 12, 6)), "en")
        assert warning["code"] == "calendar_next_year_missing" and warning["year"] == 2027
        assert "2027" in warning["message"] and "not loaded" in warning["message"]
        assert "2027年放假安排" in calendar_warning_views(calendar_warnings(CALENDAR, date(2026, 11, 1)),
                                                        "zh-CN")[0]["message"]
        assert calendar_warnings(CALENDAR, date(2026, 10, 31)) == []


def _days_of(year):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day = date.fromordinal(day.toordinal() + 1)
