"""Service levels end to end: the clock stops at completion, the enterprise rates, the
station answers a poor rating, the timer flags what is late, and a manager reads the
figures of a hand-counted month on the API, the CSV and the dashboard."""

import csv
import io
import re
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.common.clock import china_date
from services.common.store import MongoDocumentStore
from services.gateway.adapters.repository import RequestRepository
from services.gateway.bootstrap import reference_data, shipped_calendar
from services.gateway.domain.model import ServiceRequest

from ..conftest import form_token, signed_in, staff_of, through_the_station
from ..simulated_month import EXPECTED, EXPECTED_BY_STATION, OTHER_STATION, STATION, load_into
from ..support.data import jl02_body
from ..support.waiting import eventually
from .test_walking_skeleton import wait_for_status

pytestmark = pytest.mark.e2e

MANAGER = signed_in("manager")
PHONE = "13912345678"
# a station no other end-to-end test sends work to
QUIET_STATION = "321323"
SEPTEMBER = {"from": "2026-09-01", "to": "2026-09-30"}




def lookup_request(api, item="BZ01", details=None):
    """A BZ01 standard lookup (or an RZ03 certificate check): answered on arrival."""
    body = jl02_body(item=item, details=details or {"query": "GB/T 19001"})
    body["enterprise"] = {**body["enterprise"], "station": QUIET_STATION}
    code = api.post("/api/v1/requests", json=body).json()["code"]
    through_the_station(api, code, station=QUIET_STATION)
    return code


class TestTheClockAndTheRating:
    def test_completion_stops_the_clock_and_the_enterprise_rates_once(self, api):
        code = lookup_request(api)
        done = wait_for_status(api, code, "completed")
        assert done["completed_at"] and done["can_rate"] is True
        assert done["service_level"]["turnaround_days"] == 0 and done["service_level"]["on_time"] is True
        assert done["service_level"]["due_date"] == done["due_date"]

        rated = api.post(f"/api/v1/requests/{code}/rating", json={"phone": PHONE, "level": 5, "comment": "很快"})
        assert rated.status_code == 200, rated.text
        assert rated.json()["status"] == "rated" and rated.json()["rating"]["level"] == 5
        again = api.post(f"/api/v1/requests/{code}/rating", json={"phone": PHONE, "level": 1})
        assert again.status_code == 409
        assert api.post(f"/api/v1/requests/{code}/rating", json={"phone": PHONE, "level": 6}).json()["fields"] == \
            {"level": ["应在1到5之间"]}

    def test_a_poor_rating_is_answered_by_the_station_and_the_enterprise_reads_the_answer(self, api):
        code = lookup_request(api)
        wait_for_status(api, code, "completed")
        api.post(f"/api/v1/requests/{code}/rating", json={"phone": PHONE, "level": 2, "comment": "结果看不懂"})
        staff = staff_of(QUIET_STATION)
        waiting = api.get("/api/v1/station/rectifications", headers=staff).json()["requests"]
        assert code in [row["code"] for row in waiting]
        version = next(row["version"] for row in waiting if row["code"] == code)
        answered = api.post(f"/api/v1/station/requests/{code}/answer-rectification",
                            json={"version": version, "answer": "已电话回访，逐项解释了检索结果"}, headers=staff)
        assert answered.status_code == 200, answered.text
        tracked = api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json()
        assert tracked["rectification"] == {"state": "answered", "opened_at": tracked["rating"]["rated_at"],
                                            "answer": "已电话回访，逐项解释了检索结果",
                                            "answered_at": tracked["rectification"]["answered_at"]}
        assert code not in [row["code"] for row in
                            api.get("/api/v1/station/rectifications", headers=staff).json()["requests"]]

    def test_the_operator_reads_the_due_date_with_the_job(self, api):
        code = lookup_request(api)
        tracked = wait_for_status(api, code, "completed")
        case = api.get(f"/api/v1/standards/cases/{code}", headers=signed_in("standards-1"))
        assert case.status_code == 200, case.text
        assert case.json()["due_date"] == tracked["due_date"] and case.json()["overdue"] is False

    def test_todays_figures_follow_the_events_as_they_happen(self, api):
        today = china_date(datetime.now(UTC)).isoformat()  # the day in Suqian
        staff = staff_of(QUIET_STATION)

        def figures():  # of an item no other test asks for at this station
            return api.get("/api/v1/metrics", params={"from": today, "to": today, "item": "RZ03"},
                           headers=staff).json()["totals"]

        before = figures()
        code = lookup_request(api, "RZ03", {"certificate_number": "CQC2026010101"})
        wait_for_status(api, code, "completed")
        api.post(f"/api/v1/requests/{code}/rating", json={"phone": PHONE, "level": 4})
        after = eventually(lambda: (found := figures())["rated"] > before["rated"] and found, timeout=20)
        assert after, "the rating never reached the figures"
        assert after["submitted"] == before["submitted"] + 1 and after["completed"] == before["completed"] + 1
        assert after["ratings"]["4"] == before["ratings"]["4"] + 1


class TestTheTimer:
    def test_a_request_past_its_due_day_is_flagged_breached_once_and_listed_overdue(self, api, gateway_db):
        catalogue, stations = reference_data()
        requests = RequestRepository(MongoDocumentStore(gateway_db.requests, gateway_db.counters))
        accepted = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)  # a Monday: JL01 due Monday 19 October
        code = requests.next_code(QUIET_STATION, accepted.date())
        request = ServiceRequest.submit(code, catalogue.item("JL01"), QUIET_STATION,
                                        {"name": "宿迁市逾期测试有限公司", "uscc": "91321322MA1ABC123P"},
                                        {"name": "张伟", "phone": PHONE}, {}, accepted - timedelta(hours=1))
        request.accept({"role": "staff", "name": "王芳"}, accepted)
        requests.add(request)  # its events go out through the outbox like any other

        staff = staff_of(QUIET_STATION)

        def flagged():
            trail = api.get(f"/api/v1/station/requests/{code}", headers=staff).json()["timeline"]
            return [entry for entry in trail if entry["event"].startswith("sla_")]

        alerts = eventually(flagged, timeout=20)
        assert [(a["event"], a["details"]["due"]) for a in alerts] == [("sla_breached", "2026-10-19")]
        time.sleep(2.5)  # the timer runs every second: still once
        assert len(flagged()) == 1

        overdue = api.get("/api/v1/sla/overdue", headers=staff).json()
        row = next(row for row in overdue["requests"] if row["code"] == code)
        today = china_date(datetime.now(UTC))
        assert row["due_date"] == "2026-10-19"
        assert row["working_days_late"] == shipped_calendar().working_days_between(
            datetime(2026, 10, 19).date(), today)
        assert row["enterprise"]["name"] == "宿迁市逾期测试有限公司" and row["status"] == "accepted"
        assert code in [r["code"] for r in api.get("/api/v1/sla/overdue", headers=MANAGER).json()["requests"]]
        refused = api.get("/api/v1/sla/overdue", params={"station": QUIET_STATION}, headers=staff_of("321302"))
        assert refused.status_code == 403


class TestAManagersMonth:
    """Done when: a manager opens the dashboard after a simulated month of work and sees
    true figures, checked against a hand computation (tests/simulated_month.py)."""

    @pytest.fixture(scope="class")
    def month(self, stack, mongo_uri):
        catalogue, _ = reference_data()
        return load_into(stack, mongo_uri, catalogue, shipped_calendar())

    def test_the_api_gives_the_hand_counted_figures(self, api, month):
        totals = api.get("/api/v1/metrics", params=SEPTEMBER, headers=MANAGER).json()["totals"]
        flows = {name: value for name, value in EXPECTED.items() if name not in ("backlog", "overdue_now")}
        assert {name: totals[name] for name in flows} == {**flows, "ratings": {str(k): v for k, v in
                                                                                EXPECTED["ratings"].items()}}
        by_station = api.get("/api/v1/metrics", params={**SEPTEMBER, "group_by": "station"}, headers=MANAGER).json()
        rows = {group["key"]: group for group in by_station["groups"]}
        for station, expected in EXPECTED_BY_STATION.items():
            assert {name: rows[station][name] for name in expected} == expected
        assert rows[STATION]["label"] == "泗洪县服务站"

    def test_staff_read_their_own_station_only(self, api, month):
        mine = api.get("/api/v1/metrics", params=SEPTEMBER, headers=staff_of(OTHER_STATION)).json()
        assert mine["filters"] == {"station": OTHER_STATION} and mine["totals"]["submitted"] == 1
        other = api.get("/api/v1/metrics", params={**SEPTEMBER, "station": STATION}, headers=staff_of(OTHER_STATION))
        assert other.status_code == 403
        backwards = api.get("/api/v1/metrics", params={"from": "2026-09-30", "to": "2026-09-01"}, headers=MANAGER)
        assert backwards.status_code == 422
        assert backwards.json()["fields"] == {"to": ["结束日期不能早于开始日期"]}
        weekly = api.get("/api/v1/metrics", params={"group_by": "week", "lang": "en"}, headers=MANAGER)
        assert weekly.json()["fields"] == {"group_by": ["Choose one of: day, month, station, domain, item."]}

    def test_the_csv_export_has_a_row_per_station_and_the_total(self, api, month):
        answer = api.get("/api/v1/metrics/export", params={**SEPTEMBER, "group_by": "station", "lang": "en"},
                         headers=MANAGER)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
        assert rows[0][:3] == ["Group", "Submitted", "Accepted"]
        by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
        assert by_name["Sihong County station"]["Submitted"] == "10"
        assert by_name["Total"]["Completed"] == "7" and by_name["Total"]["On-time rate"] == "0.7143"

    def test_the_manager_opens_the_dashboard_and_reads_the_same_figures(self, stack, month):
        with httpx.Client(base_url=stack.gateway_url, timeout=30) as browser:
            assert browser.get("/dashboard").headers["location"].startswith("/staff/login?after=%2Fdashboard")
            signed = browser.post("/staff/login", data={"username": "manager", "password": "demo-manager",
                                                        "after": "/dashboard",
                                                        "form_token": form_token(browser, "/staff/login")})
            assert signed.status_code == 303 and signed.headers["location"] == "/dashboard"
            page = browser.get("/dashboard", params={**SEPTEMBER, "station": STATION})
        assert page.status_code == 200, page.text
        html = page.text

        def tile(name):
            return re.search(rf'id="tile-{name}".*?<strong class="value">([^<]*)</strong>', html, re.S).group(1)

        assert (tile("submitted"), tile("completed"), tile("on_time_rate")) == ("10", "6", "66.7%")
        assert (tile("turnaround_p50"), tile("turnaround_p90"), tile("backlog"), tile("overdue_now")) == \
            ("3", "9", "2", "1")
        assert (tile("satisfaction_rate"), tile("rated_share"), tile("rectification_rate")) == \
            ("60.0%", "83.3%", "50.0%")  # at this station: 3 of 5 ratings good, 5 of 6 rated
        for chart in ("chart-trend", "chart-funnel", "chart-on-time", "chart-turnaround", "chart-ratings"):
            assert f'<svg id="{chart}"' in html
        assert f'data-code="{month["R9"]}"' in html  # the overdue list
        assert "<script" not in html

    def test_station_staff_are_not_shown_the_dashboard(self, stack, month):
        with httpx.Client(base_url=stack.gateway_url, timeout=30) as browser:
            browser.post("/staff/login", data={"username": f"staff-{STATION}", "password": f"demo-staff-{STATION}",
                                               "form_token": form_token(browser, "/staff/login")})
            assert browser.get("/dashboard").status_code == 403
