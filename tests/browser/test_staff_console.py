"""The staff console in a real browser: a station's day without touching the API."""

import re

import pytest

pytestmark = pytest.mark.browser

PHONE = "13912345678"


def sign_in(page, username="staff-321322"):
    page.goto("/staff")
    assert "/staff/login" in page.url  # signed out: asked to sign in
    page.fill("#username", username)
    page.fill("#password", f"demo-{username}")
    page.click("#login-form button")
    page.wait_for_url(re.compile(r"/staff$"))


def test_staff_accept_ask_for_material_see_the_answer_and_dispatch(page, browser, stack, api):
    from ..support.data import JL02_BODY

    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    sign_in(page)
    assert page.locator(f'#queue tr[data-code="{code}"]').count() == 1
    page.click(f'#queue a:has-text("{code}")')

    page.click("#step-accept button")
    page.wait_for_url(re.compile(r"done=accept"))
    assert page.inner_text("#status") == "已受理"

    page.fill("#request-material-note", "请补充上次检定证书的复印件")
    page.click("#step-request-material button")
    page.wait_for_url(re.compile(r"done=request-material"))
    assert page.inner_text("#status") == "待补正"

    # the enterprise, in its own browser, reads what is asked and answers on the tracking page
    enterprise = browser.new_context(base_url=stack.gateway_url).new_page()
    enterprise.goto(f"/track?code={code}")
    enterprise.fill("#phone", PHONE)
    enterprise.click("#track-form button[type=submit]")
    assert "请补充上次检定证书的复印件" in enterprise.inner_text("#material-request")
    enterprise.fill("#answer", "复印件已发送至服务站邮箱")
    enterprise.click("#supplement-form button")
    assert enterprise.inner_text("#track-done")
    enterprise.context.close()

    page.reload()
    assert page.inner_text("#status") == "已受理"
    assert "复印件已发送至服务站邮箱" in page.inner_text("#material-answer")
    page.click("#step-dispatch button")
    page.wait_for_url(re.compile(r"done=dispatch"))
    assert page.inner_text("#status") in ("已分派", "办理中")
    trail = page.inner_text("#audit")
    for step in ("服务站受理", "服务站请企业补正材料", "企业已补正", "分派至计量"):
        assert step in trail


def test_a_manager_reads_any_station_but_cannot_act(page, api):
    from ..support.data import JL02_BODY

    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    sign_in(page, "manager")
    page.goto("/staff?station=321322")
    page.click(f'#queue a:has-text("{code}")')
    assert page.locator("#actions").count() == 0
    assert "只读" in page.inner_text("main")


def test_a_form_posted_from_elsewhere_is_refused(page, api, stack):
    import httpx

    from ..support.data import JL02_BODY

    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    sign_in(page)
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    forged = httpx.post(f"{stack.gateway_url}/staff/requests/{code}/accept", data={"version": "1"}, cookies=cookies)
    assert forged.status_code == 403  # no CSRF token: another site cannot act for staff
    assert api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json()["status"] == "submitted"
