"""Notifications in a real browser (issue 29 §2): the enterprise answers a 补正 from the
notice it received (in-app, on /me/notices), and its notification settings read well on
a phone (390 × 844) and keep what it turned off; 补正 and rejection cannot be."""

import re
import uuid

import pytest

from ..conftest import staff_of
from ..support.accounts import new_enterprise
from ..support.waiting import eventually
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PHONE_SCREEN = {"width": 390, "height": 844}


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def signed_in_page(browser, stack, uscc, password, **context_options):
    context = browser.new_context(base_url=stack.gateway_url, **context_options)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/login")
    page.fill("#username", uscc)
    page.fill("#password", password)
    page.click("#login-form button")
    page.wait_for_url(re.compile(r"/me$"))
    return context, page


def test_the_enterprise_answers_a_material_request_from_the_notice_it_received(browser, stack, api):
    uscc, password = new_enterprise(stack)
    token = api.post("/api/v1/auth/login", json={"username": uscc, "password": password}).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    body = {"item": "BZ01", "enterprise": {"name": "宿迁市通知测试有限公司", "uscc": uscc, "station": "321322"},
            "contact": {"name": "王芳", "phone": "139 1234 5678", "email": f"wang.{uuid.uuid4().hex[:6]}@example.com"},
            "details": {"query": "GB/T 19001-2016"}}
    code = api.post("/api/v1/requests", json=body, headers=bearer).json()["code"]
    staff = staff_of("321322")
    version = api.get(f"/api/v1/station/requests/{code}", headers=staff).json()["version"]
    asked = api.post(f"/api/v1/station/requests/{code}/request-material", headers=staff,
                     json={"version": version, "note": "请补充产品执行标准文本"})
    assert asked.status_code == 200, asked.text

    context, mine = signed_in_page(browser, stack, uscc, password, viewport={"width": 1100, "height": 900})
    notice = mine.locator(f'#inbox li[data-kind="material_requested"][data-code="{code}"]')
    eventually(lambda: mine.goto("/me/notices") and notice.count(), lambda count: count == 1)
    assert "请补充产品执行标准文本" in notice.inner_text() and code in notice.inner_text()
    shot(mine, "enterprise_notice_material_requested")
    notice.locator("a").click()
    mine.wait_for_url(re.compile(rf"/me/requests/{code}"))
    assert "请补充产品执行标准文本" in mine.inner_text("#material-request")
    mine.fill("#answer", "执行标准文本已上传")
    mine.click("#supplement-form button")
    mine.wait_for_url(re.compile(r"done=answered"))
    assert api.get(f"/api/v1/station/requests/{code}", headers=staff).json()["status"] == "submitted"
    # the station is told of the answer in its console
    eventually(lambda: api.get(f"/api/v1/station/requests/{code}", headers=staff).json()["notifications"],
               lambda rows: any(row["kind"] == "supplemented" for row in rows))

    # the settings on a phone: everything fits the screen; 补正 and rejection stay on
    phone = browser.new_context(base_url=stack.gateway_url, viewport=PHONE_SCREEN, device_scale_factor=2,
                                is_mobile=True, has_touch=True, storage_state=context.storage_state())
    small = phone.new_page()
    small.set_default_timeout(15000)
    small.goto("/me/notifications")
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    assert small.locator('[data-kind="material_requested"] input').is_disabled()
    assert small.locator('[data-kind="rejected"] input').is_checked()
    small.locator('[data-kind="dispatched"] input').uncheck()
    small.click("#notification-settings button")
    small.wait_for_url(re.compile(r"saved=1"))
    assert not small.locator('[data-kind="dispatched"] input').is_checked()
    assert small.locator('[data-kind="accepted"] input').is_checked()
    assert small.locator('#inbox li[data-kind="material_requested"]').count() == 1
    shot(small, "enterprise_notifications_phone")
    settings = api.get("/api/v1/notifications/settings", headers=bearer).json()
    assert {kind["kind"]: kind["on"] for kind in settings["kinds"]} == {
        "accepted": True, "material_requested": True, "rejected": True, "terminated": True, "dispatched": False,
        "completed": True, "recall_due": True, "standard_superseded": True}
    phone.close()
    context.close()
