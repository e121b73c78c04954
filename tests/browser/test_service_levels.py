"""Service levels in a real browser: a manager reads a hand-counted month on the
dashboard; an enterprise rates its finished request and reads the station's answer."""

import re
from datetime import UTC, datetime

import pytest

from services.common.clock import china_date
from services.gateway.bootstrap import reference_data, shipped_calendar
from services.gateway.domain.calendar import next_year_missing

from ..conftest import through_the_station
from ..simulated_month import STATION, load_into
from ..support.data import jl02_body
from .test_staff_console import sign_in

pytestmark = pytest.mark.browser

PHONE = "13912345678"


@pytest.fixture(scope="module")
def month(stack, mongo_uri):
    catalogue, _ = reference_data()
    return load_into(stack, mongo_uri, catalogue, shipped_calendar())


def test_a_manager_reads_septembers_figures_on_the_dashboard(page, month):
    page.goto("/dashboard")
    assert "/staff/login" in page.url  # signed out: asked to sign in, then brought back
    page.fill("#username", "manager")
    page.fill("#password", "demo-manager")
    page.click("#login-form button")
    page.wait_for_url(re.compile(r"/dashboard$"))
    # From 1 November while next year's official holiday schedule is not loaded (as on 2026-12-06)
    missing = next_year_missing(shipped_calendar(), china_date(datetime.now(UTC)))
    assert page.locator("#calendar-warning").count() == (missing is not None)
    if missing:
        assert f"{missing}年放假安排" in page.inner_text("#calendar-warning")

    page.fill('#dashboard-filters input[name="from"]', "2026-09-01")
    page.fill('#dashboard-filters input[name="to"]', "2026-09-30")
    page.select_option('#dashboard-filters select[name="station"]', STATION)
    page.click("#dashboard-filters button")
    page.wait_for_url(re.compile(r"station=321324"))

    def tile(name):
        return page.inner_text(f"#tile-{name} .value")

    assert [tile(n) for n in ("submitted", "completed", "on_time_rate", "turnaround_p50", "turnaround_p90")] == \
        ["10", "6", "66.7%", "3", "9"]
    assert [tile(n) for n in ("backlog", "overdue_now", "satisfaction_rate")] == ["2", "1", "60.0%"]
    for chart in ("chart-trend", "chart-funnel", "chart-on-time", "chart-turnaround", "chart-ratings"):
        box = page.locator(f"#{chart}").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 20, chart
    funnel = page.locator("#chart-funnel rect.bar")
    assert [funnel.nth(i).get_attribute("data-value") for i in range(4)] == ["10", "7", "7", "6"]
    assert page.locator(f'#overdue-table tr[data-code="{month["R9"]}"]').count() == 1
    page.click("#switch-language")
    assert page.inner_text("h1") == "Service levels"
    assert page.inner_text("#tile-completed .label") == "Completed"
    # The English headings are longer: a wide table scrolls inside its card, the page does not.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for card in ("#stations", "#overdue"):
        assert page.evaluate(f"(c => c.scrollWidth <= c.clientWidth)(document.querySelector('{card}'))"), card


def test_the_enterprise_rates_poorly_and_reads_the_stations_answer(page, browser, stack, api):
    body = jl02_body(item="BZ01", details={"query": "GB/T 19001"})
    body["enterprise"] = {**body["enterprise"], "station": "321323"}
    code = api.post("/api/v1/requests", json=body).json()["code"]
    through_the_station(api, code, station="321323")

    enterprise = browser.new_context(base_url=stack.gateway_url).new_page()
    enterprise.goto(f"/track?code={code}")
    enterprise.fill("#phone", PHONE)
    enterprise.click("#track-form button[type=submit]")
    for _ in range(50):  # the standards service answers a catalogue lookup at once
        if enterprise.locator("#rating-form").count():
            break
        enterprise.wait_for_timeout(200)
        enterprise.click("#track-form button[type=submit]")
    assert enterprise.locator("#on-time").inner_text() == "按期"
    enterprise.check("#level-2")
    enterprise.fill("#comment", "检索结果看不懂")
    enterprise.click("#rating-form button")
    assert enterprise.inner_text("#track-done") == "感谢您的评价"
    assert "服务站正在核实整改" in enterprise.inner_text("#rectification")
    assert enterprise.locator("#rating-form").count() == 0  # once only

    sign_in(page, "staff-321323")
    assert page.locator(f'#rectifications tr[data-code="{code}"]').count() == 1
    page.click(f'#rectifications a:has-text("{code}")')
    assert page.inner_text("#rating-level") == "不满意"
    page.fill("#answer-rectification-answer", "已电话回访，逐条解释检索结果")
    page.click("#step-answer-rectification button")
    page.wait_for_url(re.compile(r"done=answer-rectification"))
    assert "逐条解释检索结果" in page.inner_text("#rectification")

    enterprise.goto(f"/track?code={code}")
    enterprise.fill("#phone", PHONE)
    enterprise.click("#track-form button[type=submit]")
    assert enterprise.inner_text("#rectification") == "服务站整改答复：已电话回访，逐条解释检索结果"
    enterprise.context.close()
