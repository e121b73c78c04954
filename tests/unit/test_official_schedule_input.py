"""An admin's official schedule is checked as a whole before anything is stored, with
field messages in zh-CN and English (issue 24)."""

import json
from datetime import UTC, date, datetime

import pytest
from marshmallow import ValidationError

from services.gateway.adapters.statutory_holidays import statutory_days
from services.gateway.bootstrap import holiday_schedule
from services.gateway.web.messages import localize
from services.gateway.web.schemas.calendar import official_schedule, schedule_body

ADMIN = {"role": "admin", "name": "系统管理员", "username": "admin"}
NOW = datetime(2026, 11, 20, 2, tzinfo=UTC)
STATUTORY_2027 = statutory_days(2027)


def schedule_2027(**changes):
    """A plausible 2027 schedule (the statutory days with the weekends moved in)."""
    body = {
        "holidays": {
            "元旦": ["2027-01-01", "2027-01-02", "2027-01-03"],
            "春节": ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10",
                   "2027-02-11"],
            "清明节": ["2027-04-03", "2027-04-04", "2027-04-05"],
            "劳动节": ["2027-05-01", "2027-05-02", "2027-05-03", "2027-05-04", "2027-05-05"],
            "端午节": ["2027-06-09"],
            "中秋节": ["2027-09-15"],
            "国庆节": ["2027-10-01", "2027-10-02", "2027-10-03", "2027-10-04", "2027-10-05", "2027-10-06",
                    "2027-10-07"],
        },
        "make_up_workdays": ["2027-02-20", "2027-05-08", "2027-09-26", "2027-10-09"],
        "source": "国务院办公厅关于2027年部分节假日安排的通知",
    }
    body.update(changes)
    return body


def load(body, year=2027):
    return official_schedule(year, body, statutory_days(year), ADMIN, NOW)


def errors_of(body, year=2027, lang="en"):
    with pytest.raises(ValidationError) as refused:
        load(body, year)
    return localize(refused.value.messages, lang)


def test_a_sane_schedule_is_loaded_with_who_and_when():
    schedule = load(schedule_2027())
    assert schedule.year == 2027 and not schedule.provisional
    assert [block.name for block in schedule.blocks][:2] == ["元旦", "春节"]
    assert date(2027, 2, 11) in schedule.holidays and date(2027, 2, 20) in schedule.workdays
    assert schedule.loaded_by == {"username": "admin", "name": "系统管理员", "role": "admin"}
    assert schedule.loaded_at == NOW.isoformat() and schedule.notice.startswith("国务院办公厅")


def test_holidays_may_also_be_a_list_of_named_blocks():
    listed = schedule_2027(holidays=[{"name": name, "dates": dates} for name, dates in
                                     schedule_2027()["holidays"].items()])
    assert load(listed).holidays == load(schedule_2027()).holidays


def test_the_shipped_official_schedules_pass_their_own_checks():
    shipped = holiday_schedule("builtin")
    for year in (2025, 2026):
        assert load(schedule_body(shipped, year), year).holidays  # and its source names the notices


def test_a_date_of_another_year_is_refused_under_its_holiday():
    body = schedule_2027()
    body["holidays"]["元旦"] = ["2027-01-01", "2028-01-02"]
    assert errors_of(body) == {"holidays": {"元旦": ["Each date must fall in 2027."]}}
    assert errors_of(body, lang="zh-CN") == {"holidays": {"元旦": ["日期应在2027年内"]}}


def test_a_date_listed_twice_is_refused_where_it_is_repeated():
    body = schedule_2027()
    body["holidays"]["中秋节"] = ["2027-09-15", "2027-10-01"]
    assert errors_of(body) == {"holidays": {"国庆节": ["2027-10-01 is listed more than once."]}}


def test_a_day_cannot_be_a_holiday_and_a_make_up_working_day():
    body = schedule_2027(make_up_workdays=["2027-02-20", "2027-10-03"])
    assert errors_of(body) == {"make_up_workdays": {"1": [
        "2027-10-03 is a holiday in this schedule; it cannot also be a make-up working day."]}}


def test_make_up_working_days_are_saturdays_or_sundays():
    body = schedule_2027(make_up_workdays=["2027-02-19"])  # a Friday
    assert errors_of(body, lang="zh-CN") == {"make_up_workdays": {"0": ["调休上班日应为周六或周日，2027-02-19不是"]}}
    assert errors_of(schedule_2027(make_up_workdays=["2028-01-08"])) == {
        "make_up_workdays": {"0": ["Each date must fall in 2027."]}}
    assert errors_of(schedule_2027(make_up_workdays=["2027-02-20", "2027-02-20"])) == {
        "make_up_workdays": {"1": ["2027-02-20 is listed more than once."]}}


def test_each_block_is_named_and_has_dates():
    body = schedule_2027()
    body["holidays"]["端午节"] = []
    body["holidays"][" "] = ["2027-06-10"]
    assert errors_of(body) == {"holidays": {"端午节": ["Give between 1 and 20 entries."],
                                            " ": ["This field may not be blank."]}}
    listed = schedule_2027(holidays=[{"name": "元旦", "dates": ["2027-01-01"]}, {"dates": ["2027-01-02"]},
                                     {"name": "春节", "dates": ["2027-02-30"]}, "元旦"])
    assert errors_of(listed) == {"holidays": {
        "1": {"name": ["This field is required."]},
        "2": {"dates": {"0": ["This field must be a date (YYYY-MM-DD)."]}},
        "3": ["This field must be an object."]}}


def test_a_schedule_without_a_statutory_holiday_is_refused():
    body = schedule_2027()
    body["holidays"]["中秋节"] = ["2027-09-16"]  # a day late: 中秋 2027 is 15 September
    assert errors_of(body) == {"holidays": [
        "Statutory holidays are missing: 2027-09-15 (each is a day off; check the year and the dates)."]}
    assert errors_of(schedule_2027(), year=2028)["holidays"]["元旦"] == ["Each date must fall in 2028."]


def test_sizes_no_real_schedule_has_are_refused():
    assert errors_of(schedule_2027(holidays={})) == {"holidays": ["Give between 1 and 15 entries."]}
    assert errors_of(schedule_2027(holidays="元旦")) == {"holidays": ["This field must be an object."]}
    body = schedule_2027()
    body["holidays"]["长假"] = [f"2027-07-{day:02d}" for day in range(1, 21)]
    body["holidays"]["又一个长假"] = [f"2027-08-{day:02d}" for day in range(1, 21)]
    assert errors_of(body) == {"holidays": ["Give between 1 and 60 entries."]}


def test_unknown_fields_and_other_shapes_are_refused():
    assert errors_of(schedule_2027(days_off=[])) == {"days_off": ["This field is not part of the form."]}
    assert errors_of(schedule_2027(make_up_workdays="2027-02-20")) == {
        "make_up_workdays": ["This field must be a list."]}
    assert errors_of({}) == {"holidays": ["This field is required."]}


def test_a_year_out_of_range_is_refused():
    assert errors_of(schedule_2027(), year=1999) == {"year": ["Must be between 2000 and 2100."]}


def test_a_file_in_the_shipped_format_gives_its_years_body():
    shipped = json.loads(json.dumps({"source": "国办发明电", "2027": schedule_2027(source=None) | {"source": "x"}}))
    assert schedule_body(shipped, 2027)["source"] == "x"
    assert schedule_body(schedule_2027(), 2027) == schedule_2027()
