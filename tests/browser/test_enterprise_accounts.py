"""An enterprise account in real browsers (issue 26 §1): the enterprise registers on
/register, a station clerk verifies it in the console after checking the business
licence, and the enterprise, signed in, reads its own instrument file."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.common.clock import china_date

from ..conftest import signed_in, through_the_station
from ..support.accounts import new_uscc
from ..support.data import JL01_BODY, REFERENCE_STANDARD, verification_results
from ..support.waiting import eventually
from .conftest import ARTIFACTS
from .test_staff_console import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "registered-password-1"
NAME = "宿迁市浏览器测试仪表有限公司"


def register(page, uscc):
    page.goto("/register")
    page.fill("#uscc", uscc)
    page.fill("#name", NAME)
    page.fill("#contact_name", "周敏")
    page.fill("#phone", "1361234567")  # a digit short
    page.select_option("#station", "321322")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD + "x")
    page.click("#register-form button[type=submit]")
    # the server answers with the form again, each problem beside its field, what was typed kept
    assert page.inner_text("#phone-error") == "请填写11位大陆手机号码"
    assert page.inner_text("#password_confirm-error") == "两次输入的密码不一致"
    assert page.input_value("#uscc") == uscc and page.input_value("#password") == ""
    page.screenshot(path=str(ARTIFACTS / "enterprise_register_errors.png"), full_page=True)
    page.fill("#phone", "13612345678")
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.click("#register-form button[type=submit]")
    page.wait_for_url(re.compile(r"/register/done"))


def test_an_enterprise_registers_the_station_verifies_it_and_it_reads_its_instrument_file(page, browser, stack, api):
    uscc = new_uscc()
    ARTIFACTS.mkdir(exist_ok=True)
    enterprise = browser.new_context(base_url=stack.gateway_url, viewport={"width": 1100, "height": 900})
    registering = enterprise.new_page()
    register(registering, uscc)
    assert registering.inner_text("#registered-state") == "待核验"
    assert "沭阳县" in registering.inner_text("#next-step")
    registering.screenshot(path=str(ARTIFACTS / "enterprise_registered.png"), full_page=True)
    refused = enterprise.request.post("/api/v1/auth/login", data={"username": uscc, "password": PASSWORD})
    assert refused.status == 403  # pending: not the enterprise yet

    # the station clerk checks the business licence and verifies the account in the console
    sign_in(page)
    page.click("#nav-accounts")
    page.wait_for_url(re.compile(r"/staff/enterprise-accounts$"))
    row = page.locator(f'#accounts tr[data-uscc="{uscc}"]')
    assert NAME in row.inner_text() and "周敏 13612345678" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "enterprise_accounts_to_verify.png"), full_page=True)
    row.locator("a").click()
    page.click("#verify-form button")  # nothing ticked: the page says what is missing
    assert "两项都勾选" in page.inner_text("#checked-error")
    page.check("#check-licence_uscc")
    page.check("#check-licence_name")
    page.fill("#verify-note", "营业执照原件已核对")
    page.click("#verify-form button")
    page.wait_for_url(re.compile(r"done=verify"))
    assert page.inner_text("#account-state") == "已核验"
    audit = page.inner_text("#verification-audit")
    assert "核验通过" in audit and "staff-321322" in audit and "营业执照原件已核对" in audit

    # the enterprise signs in (the API's sign-in, which enterprise accounts use) and has an instrument certified
    login = enterprise.request.post("/api/v1/auth/login", data={"username": uscc, "password": PASSWORD})
    assert login.status == 200
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    serial = f"PG-{uuid.uuid4().hex[:6]}"
    certified_through_the_lab(api, uscc, serial, bearer)

    enterprise.set_extra_http_headers(bearer)
    reading = enterprise.new_page()
    filed = eventually(lambda: reading.goto("/api/v1/instruments").json(),
                       lambda seen: any(i["serial_number"] == serial and i["current"] for i in seen["instruments"]))
    assert filed["uscc"] == uscc and filed["enterprise"] == NAME
    reading.screenshot(path=str(ARTIFACTS / "enterprise_instrument_file.png"), full_page=True)
    enterprise.close()

    # anyone else, with the enterprise's credit code and a phone, reads nothing of it
    stranger = api.get("/api/v1/instruments", params={"uscc": uscc, "phone": "13612345678"})
    assert stranger.status_code == 401


def certified_through_the_lab(api, uscc, serial, bearer):
    """The enterprise's own JL01 request, through the station and metrology, to a certificate."""
    operator, reviewer = signed_in("metrology-1"), signed_in("metrology-2")
    standard = {**REFERENCE_STANDARD, "id": f"RS-{uuid.uuid4().hex[:6].upper()}",
                "calibration_valid_until": (china_date(datetime.now(UTC)) + timedelta(days=365)).isoformat(),
                "last_good_check_on": china_date(datetime.now(UTC)).isoformat()}
    assert api.post("/api/v1/metrology/reference-standards", json=standard, headers=operator).status_code == 201
    row = {**JL01_BODY["details"]["instruments"][0], "serial_number": serial}
    body = {**JL01_BODY, "enterprise": {"name": NAME, "uscc": uscc, "station": "321322"},
            "details": {"instruments": [row]}}
    submitted = api.post("/api/v1/requests", json=body, headers=bearer)
    assert submitted.status_code == 201 and submitted.json()["not_from_account"] is False
    code = submitted.json()["code"]
    through_the_station(api, code)
    jobs = f"/api/v1/metrology/jobs/{code}"
    eventually(lambda: api.get(jobs, headers=operator).status_code, lambda status: status == 200)
    for step, body, who in (("start", {}, operator),
                            ("results", verification_results(serial=serial, standard=standard["id"]), operator),
                            ("review", {"approved": True}, reviewer), ("issue", {}, operator)):
        answer = api.post(f"{jobs}/{step}", json=body, headers=who)
        assert answer.status_code == 200, answer.text
