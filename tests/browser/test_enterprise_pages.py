"""The enterprise's own pages in a real browser (issue 29 §1): an enterprise registers,
its station verifies it in the console, it signs in at /login and lands on /me, sees its
requests and its instrument file, renews a due instrument with one click, answers a 补正
on its request's page; and /me reads well on a phone (390 × 844)."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.common.clock import china_date

from ..conftest import staff_of
from ..e2e.test_lab_work import travel_in_time
from ..support.accounts import new_uscc
from ..support.waiting import eventually
from .conftest import ARTIFACTS
from .test_enterprise_accounts import NAME, PASSWORD, certified_through_the_lab, register
from .test_staff_console import sign_in as staff_signs_in

pytestmark = pytest.mark.browser

PHONE_SCREEN = {"width": 390, "height": 844}


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def verified_at_the_station(page, uscc):
    """The station clerk checks the business licence and verifies the account in the console."""
    staff_signs_in(page)
    page.click("#nav-accounts")
    page.locator(f'#accounts tr[data-uscc="{uscc}"] a').click()
    page.check("#check-licence_uscc")
    page.check("#check-licence_name")
    page.click("#verify-form button")
    page.wait_for_url(re.compile(r"done=verify"))
    assert page.inner_text("#account-state") == "已核验"


def test_an_enterprise_signs_in_and_works_its_requests_and_instrument_file_on_its_own_pages(
        page, browser, stack, api, mongo_client):
    uscc = new_uscc()
    context = browser.new_context(base_url=stack.gateway_url, viewport={"width": 1100, "height": 900})
    mine = context.new_page()
    mine.set_default_timeout(15000)
    register(mine, uscc)
    verified_at_the_station(page, uscc)

    # one sign-in page for every account: the enterprise's credit code leads to /me
    mine.goto("/me")
    assert "/login" in mine.url  # not signed in: asked to, and brought back
    shot(mine, "enterprise_login")
    mine.fill("#username", uscc.lower())
    mine.fill("#password", PASSWORD)
    mine.click("#login-form button")
    mine.wait_for_url(re.compile(r"/me$"))
    assert NAME in mine.inner_text("#signed-in-as")
    assert mine.locator("#nav-me").count() == 1 and mine.locator("#nav-login").count() == 0
    assert "还没有办件" in mine.inner_text("#my-requests-empty")

    # its own instrument, certified through the station and metrology
    bearer = {"Authorization": f"Bearer {api.post('/api/v1/auth/login', json={'username': uscc, 'password': PASSWORD}).json()['access_token']}"}
    serial = f"PG-{uuid.uuid4().hex[:6]}"
    certified_through_the_lab(api, uscc, serial, bearer)
    eventually(lambda: mine.goto("/me") and mine.locator('#my-requests tr[data-status="completed"]').count(),
               lambda completed: completed == 1)
    row = mine.locator('#my-requests tr[data-status="completed"]')
    assert "已办结" in row.inner_text() and "SQJL-" in row.inner_text()
    code = row.get_attribute("data-code")
    shot(mine, "enterprise_me_requests")
    with mine.expect_download() as downloaded:
        row.locator("a.doc-link").click()
    assert downloaded.value.suggested_filename.endswith(".pdf")

    # the instrument file: valid, then half a year on its certificate runs out in five days
    mine.click("#nav-me-instruments")
    instrument = mine.locator(f'#instruments tr[data-serial="{serial}"]')
    assert "有效" in instrument.inner_text() and mine.locator(f"#renew-{serial}").count() == 0
    expires = china_date(datetime.now(UTC)) + timedelta(days=5)
    travel_in_time(mongo_client[f"{stack.db_prefix}metrology"].instruments, f"{uscc}:{serial}", expires)
    eventually(lambda: mine.goto("/me/instruments") and mine.locator(f"#renew-{serial}").count(),
               lambda buttons: buttons == 1)
    assert "到期前7天提醒" in instrument.inner_text() and "还有5天" in instrument.inner_text()
    shot(mine, "enterprise_instruments_due")
    mine.click(f"#renew-{serial}")  # one click: a renewal request
    mine.wait_for_url(re.compile(r"renewed="))
    assert serial in mine.inner_text("#renewed")
    renewal = instrument.locator(".renewal-link").inner_text()
    assert mine.locator(f"#renew-{serial}").count() == 0
    shot(mine, "enterprise_instruments_renewed")

    # the station asks for material on the renewal; the enterprise answers on its request's page
    staff = staff_of("321322")
    version = api.get(f"/api/v1/station/requests/{renewal}", headers=staff).json()["version"]
    asked = api.post(f"/api/v1/station/requests/{renewal}/request-material", headers=staff,
                     json={"version": version, "note": "请提供器具铭牌照片"})
    assert asked.status_code == 200
    mine.click("#nav-me")
    mine.locator(f'#my-requests tr[data-code="{renewal}"] a.to-answer').click()
    assert "请提供器具铭牌照片" in mine.inner_text("#material-request")
    assert serial in mine.inner_text("#submitted")  # what was submitted, under the form's labels
    mine.fill("#answer", "铭牌照片已交服务站窗口")
    shot(mine, "enterprise_request_supplement")
    mine.click("#supplement-form button")
    mine.wait_for_url(re.compile(r"done=answered"))
    assert mine.inner_text("#status") == "已提交" and "铭牌照片已交服务站窗口" in mine.inner_text("#material-answered")
    assert api.get(f"/api/v1/station/requests/{renewal}", headers=staff).json()["status"] == "submitted"

    # on a phone: the list reads as cards, nothing wider than the screen
    phone = browser.new_context(base_url=stack.gateway_url, viewport=PHONE_SCREEN, device_scale_factor=2,
                                is_mobile=True, has_touch=True, storage_state=context.storage_state())
    small = phone.new_page()
    small.goto("/me")
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    card = small.locator(f'#my-requests tr[data-code="{code}"]')
    assert card.bounding_box()["width"] <= PHONE_SCREEN["width"]
    assert small.locator("#my-requests thead").bounding_box()["height"] <= 1  # column names sit in each card
    shot(small, "enterprise_me_phone")
    small.goto(f"/me/requests/{renewal}")
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    shot(small, "enterprise_request_phone")
    small.goto("/me/instruments")
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    shot(small, "enterprise_instruments_phone")
    small.goto("/me/contacts")
    small.fill("#contact-name", "王芳")
    small.fill("#contact-phone", "+86 139 1234 5678")
    small.click("#contact-form button")
    small.wait_for_url(re.compile(r"done=added"))
    assert "13912345678" in small.inner_text("#contacts")
    shot(small, "enterprise_contacts_phone")
    phone.close()

    # signing out from the header ends the session
    mine.click("#nav-sign-out button")
    mine.wait_for_url(re.compile(r"/login$"))
    mine.goto("/me")
    assert "/login" in mine.url
    context.close()
