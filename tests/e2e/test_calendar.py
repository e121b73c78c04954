"""The working-day calendar end to end (issue 24): a year without its official schedule
is provisional and says so wherever a due date counts it; an admin loads an official
schedule and the running gateway moves open due dates at once; from 1 November a
missing next year warns on /health, /metrics and the managers' dashboard.

The tests run on today's date, whatever it is: what they expect is computed from the
shipped calendar (on 2026-12-07, a 20-day item is due 2027-01-05, provisional)."""

import re
import time
from datetime import UTC, date, datetime

import httpx
import pytest

from services.common.clock import china_date
from services.gateway.bootstrap import shipped_calendar

from ..conftest import form_token, signed_in, staff_of
from ..support.data import jl02_body

pytestmark = pytest.mark.e2e

ADMIN = signed_in("admin")
STATION = "321302"  # 宿城区: no other test counts its queue
PHONE = "13912345678"
CALENDAR = shipped_calendar()  # what the stack starts with: the shipped years, provisional ones after


def today():
    return china_date(datetime.now(UTC))


def eventually(check, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def accepted_jl03(api):
    """A JL03 (20 working days) request, accepted by the station today: its code."""
    body = jl02_body(item="JL03", details={"standard_name": "0.05级活塞式压力计标准装置", "assessment_type": "new",
                                           "measuring_range": "(0.1~6) MPa", "uncertainty": "0.05级"})
    body["enterprise"] = {**body["enterprise"], "station": STATION}
    code = api.post("/api/v1/requests", json=body).json()["code"]
    staff = staff_of(STATION)
    seen = api.get(f"/api/v1/station/requests/{code}", headers=staff).json()
    accepted = api.post(f"/api/v1/station/requests/{code}/accept", json={"version": seen["version"]}, headers=staff)
    assert accepted.status_code == 200, accepted.text
    return code


def body_of(year_view, extra_day_off=None):
    """The PUT body that loads a year as GET shows it (plus a day off, if given)."""
    holidays = {}
    for day in year_view["holidays"]:
        if day["name"] != "周末 Weekend":
            holidays.setdefault(day["name"], []).append(day["date"])
    if extra_day_off is not None:
        holidays["测试加休 Test day off"] = [extra_day_off.isoformat()]
    return {"holidays": holidays, "make_up_workdays": [day["date"] for day in year_view["make_up_workdays"]],
            "source": "e2e: " + (year_view["notice"] or "")[:200]}


class TestAProvisionalYear:
    def test_2027_lists_new_years_day_and_the_spring_festival_with_its_in_lieu_days(self, api):
        answer = api.get("/api/v1/calendar/2027")
        assert answer.status_code == 200, answer.text
        year = answer.json()
        assert year["provisional"] is True and year["source"] == "provisional"
        days = {day["date"]: day for day in year["holidays"]}
        assert days["2027-01-01"]["name"] == "元旦 New Year's Day"
        assert [day for day in days if day.startswith("2027-02-")][:6] == [f"2027-02-{n:02d}" for n in range(5, 11)]
        assert days["2027-02-09"]["in_lieu"] is True and days["2027-02-08"]["in_lieu"] is False
        assert days["2027-01-02"]["name"] == "周末 Weekend" and days["2027-01-02"]["source"] == "provisional"
        assert "2027-01-04" not in days and year["make_up_workdays"] == []
        assert year["working_days"] == 365 - len(days)
        assert "2024" in year["notice"]  # how it was computed: the rules as amended in 2024

    def test_the_shipped_2026_is_official_with_its_make_up_working_days(self, api):
        year = api.get("/api/v1/calendar/2026", params={"lang": "en"}).json()
        assert year["provisional"] is False and year["source"] == "official"
        assert [day["date"] for day in year["make_up_workdays"]] == [
            "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
        assert all(day["source"] == "official" for day in year["holidays"])

    def test_a_year_out_of_range_or_not_a_year_is_refused(self, api):
        refused = api.get("/api/v1/calendar/1999", params={"lang": "en"})
        assert refused.status_code == 422 and refused.json()["fields"] == {"year": ["Must be between 2000 and 2100."]}
        assert api.get("/api/v1/calendar/next").status_code == 404


class TestTheNextYearWarning:
    """From 1 November while next year's official schedule is not loaded (on 2026-12-06,
    2027 is missing: the warning shows)."""

    def warned(self):
        next_year = today().year + 1
        return today().month >= 11 and not CALENDAR.is_official(next_year), next_year

    def test_health_warns_and_stays_200(self, api):
        warned, next_year = self.warned()
        health = api.get("/health", params={"lang": "en"})
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert health.json()["calendar"][str(next_year)] == ("provisional" if warned else "official")
        warnings = health.json()["warnings"]
        assert [(w["code"], w["year"]) for w in warnings] == ([("calendar_next_year_missing", next_year)]
                                                              if warned else [])
        if warned:
            assert f"The official {next_year} holiday schedule" in warnings[0]["message"]

    def test_prometheus_has_the_gauge(self, api):
        warned, _ = self.warned()
        scraped = api.get("/metrics").text
        assert re.search(r"^qi_calendar_next_year_missing (\S+)$", scraped, re.M).group(1) == \
            ("1.0" if warned else "0.0")
        assert re.search(r"^qi_calendar_next_year_official (\S+)$", scraped, re.M).group(1) == \
            ("0.0" if warned else "1.0")

    def test_the_managers_dashboard_shows_it(self, stack):
        warned, next_year = self.warned()
        with httpx.Client(base_url=stack.gateway_url, timeout=30) as browser:
            signed = browser.post("/staff/login", data={"username": "manager", "password": "demo-manager",
                                                        "after": "/dashboard",
                                                        "form_token": form_token(browser, "/staff/login")})
            assert signed.status_code == 303
            page = browser.get("/dashboard").text
        assert ('id="calendar-warning"' in page) is warned
        if warned:
            assert f"{next_year}年放假安排（国务院办公厅通知）尚未载入" in page


class TestLoadingTheOfficialSchedule:
    def test_a_due_date_reaching_into_a_provisional_year_is_marked_provisional(self, api, stack):
        code = accepted_jl03(api)
        due = CALENDAR.add_working_days(today(), 20)
        provisional = CALENDAR.provisional_between(today(), due)
        if today() == date(2026, 12, 7):
            assert (due, provisional) == (date(2027, 1, 5), True)
        tracked = api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json()
        assert (tracked["due_date"], tracked["due_date_provisional"]) == (due.isoformat(), provisional)
        staff = staff_of(STATION)
        detail = api.get(f"/api/v1/station/requests/{code}", headers=staff).json()
        assert detail["due_date_provisional"] is provisional
        row = next(row for row in api.get("/api/v1/station/requests", headers=staff).json()["requests"]
                   if row["code"] == code)
        assert (row["due_date"], row["due_date_provisional"]) == (due.isoformat(), provisional)
        with httpx.Client(base_url=stack.gateway_url, timeout=30) as browser:
            page = browser.post("/track", data={"code": code, "phone": PHONE,
                                                "form_token": form_token(browser, "/track")}).text
        due_shown = re.search(r'<dd id="due-date">(.*?)</dd>', page, re.S).group(1)
        assert due.isoformat() in due_shown and ("（暂定）" in due_shown) is provisional

    def test_only_an_admin_loads_a_schedule(self, api):
        body = body_of(api.get("/api/v1/calendar/2027").json())
        assert api.put("/api/v1/calendar/2027", json=body).status_code == 401
        for who in ("manager", "staff-321302", "metrology-1", "91321322MA1ABC123P"):
            assert api.put("/api/v1/calendar/2027", json=body, headers=signed_in(who)).status_code == 403, who
        assert api.get("/api/v1/calendar/2027").json()["provisional"] is True

    def test_a_bad_schedule_is_refused_field_by_field_and_changes_nothing(self, api):
        body = body_of(api.get("/api/v1/calendar/2027").json())
        body["make_up_workdays"] = ["2027-02-06", "2027-03-03"]  # a Saturday of 春节, a Wednesday
        refused = api.put("/api/v1/calendar/2027", json=body, headers=ADMIN)
        assert refused.status_code == 422
        assert refused.json()["fields"] == {"make_up_workdays": {
            "0": ["2027-02-06已列为放假日，不能同时为调休上班日"], "1": ["调休上班日应为周六或周日，2027-03-03不是"]}}
        assert api.get("/api/v1/calendar/2027").json()["provisional"] is True

    def test_loading_a_schedule_moves_open_due_dates_at_once_and_the_timeline_says_so(self, api, gateway_db):
        """Loads this year's schedule (or next year's, on the last working day of the
        year) with one more day off inside a fresh request's window, then the schedule
        as it was: the due date moves one working day and back."""
        code = accepted_jl03(api)
        due = CALENDAR.add_working_days(today(), 20)
        day_off = CALENDAR.add_working_days(today(), 1)  # inside the window, a working day
        year = day_off.year
        as_it_was = api.get(f"/api/v1/calendar/{year}").json()
        moved_due = CALENDAR.add_working_days(due, 1)
        try:
            loaded = api.put(f"/api/v1/calendar/{year}", json=body_of(as_it_was, day_off), headers=ADMIN)
            assert loaded.status_code == 200, loaded.text
            assert loaded.json()["provisional"] is False and loaded.json()["loaded_by"] == "系统管理员"
            assert {"code": code, "due_from": due.isoformat(), "due_to": moved_due.isoformat()} in \
                loaded.json()["moved"]
            shown = {day["date"]: day for day in api.get(f"/api/v1/calendar/{year}").json()["holidays"]}
            assert shown[day_off.isoformat()] == {"date": day_off.isoformat(), "weekday": day_off.isoweekday(),
                                                  "name": "测试加休 Test day off", "source": "official",
                                                  "in_lieu": False}

            tracked = api.get(f"/api/v1/requests/{code}", params={"phone": PHONE, "lang": "en"}).json()
            assert tracked["due_date"] == moved_due.isoformat()
            change = tracked["timeline"][-1]
            assert change["event"] == "due_date_changed" and change["details"] == {
                "due_from": due.isoformat(), "due_to": moved_due.isoformat(), "year": year}
            assert change["label"].startswith(f"The official {year} holiday schedule was loaded")
            audit = api.get(f"/api/v1/station/requests/{code}", headers=staff_of(STATION)).json()["timeline"][-1]
            assert audit["actor"]["username"] == "admin"
            clock = eventually(lambda: (found := gateway_db.sla_clocks.find_one({"_id": code}))
                               and found["due_date"] == moved_due.isoformat() and found)
            assert clock, "the metrics' clock of the request never followed the new due date"
        finally:
            restored = api.put(f"/api/v1/calendar/{year}", json=body_of(as_it_was), headers=ADMIN)
            assert restored.status_code == 200, restored.text
        assert {"code": code, "due_from": moved_due.isoformat(), "due_to": due.isoformat()} in restored.json()["moved"]
        assert api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json()["due_date"] == due.isoformat()
        assert eventually(lambda: gateway_db.sla_clocks.find_one({"_id": code})["due_date"] == due.isoformat())
