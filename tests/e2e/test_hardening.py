"""Hardening at the edge (issue 8): security headers on every answer, CSRF tokens on the
public forms, rate limits on tracking and verification, back-off on sign-in, and body
limits on the pages. Each refusal is a clear 4xx in both languages and stores nothing."""

import re

import httpx
import pytest

from services.gateway.domain.request_code import new_code
from services.gateway.domain.throttle import (
    FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT,
    FAILED_LOOKUP_COST,
    FAILED_LOOKUPS_PER_SUBJECT,
    LOOKUPS_PER_CLIENT,
    VERIFICATIONS_PER_CLIENT,
)
from services.gateway.domain.uscc import check_character

from ..conftest import form_token, new_client_address, signed_in
from ..support.data import JL02_BODY

pytestmark = pytest.mark.e2e

PHONE = JL02_BODY["contact"]["phone"]
# Enough misses to spend a client's whole lookup budget.
MISSES_TO_EXHAUST = -(-LOOKUPS_PER_CLIENT.limit // (1 + FAILED_LOOKUP_COST))


def client(stack, address=None):
    return httpx.Client(base_url=stack.gateway_url, timeout=10,
                        headers={"X-Forwarded-For": address or new_client_address()})


def unknown_codes(count, day="20200102"):
    """Well-formed codes nobody was given (2020, before the platform)."""
    from datetime import date

    return [str(new_code("321322", date(int(day[:4]), int(day[4:6]), int(day[6:])), number + 1))
            for number in range(count)]


def submitted(api):
    answer = api.post("/api/v1/requests", json=JL02_BODY)
    assert answer.status_code == 201, answer.text
    return answer.json()["code"]


# -- security headers -------------------------------------------------------------------------
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/"), ("GET", "/track"), ("GET", "/verify"), ("GET", "/staff/login"), ("GET", "/api/docs"),
    ("GET", "/api/v1/catalogue"), ("GET", "/api/v1/requests/hello?phone=1"), ("GET", "/health"),
    ("GET", "/static/intake.js"), ("GET", "/metrics"),
    ("GET", "/no/such/page"),  # werkzeug's own 404
    ("DELETE", "/api/v1/catalogue"),  # werkzeug's own 405
])
def test_every_answer_carries_the_security_headers(api, method, path):
    answer = api.request(method, path)
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, (path, name)
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy


def test_answers_with_personal_data_are_not_kept_by_caches_while_static_files_are(api):
    code = submitted(api)
    assert api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).headers["cache-control"] == "no-store"
    assert "max-age" in api.get("/static/style.css").headers["cache-control"]


@pytest.mark.parametrize("path", ["/", "/apply?items=JL02&items=JC01", "/track", "/verify", "/staff/login",
                                  "/api/docs"])
def test_no_page_runs_inline_script_so_the_policy_can_forbid_it(api, path):
    html = api.get(path).text
    for attributes in re.findall(r"<script([^>]*)>", html):
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes, attributes
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"
    assert "style=" not in html


def test_the_form_pages_hand_their_messages_to_the_script_as_json(api):
    html = api.get("/apply", params={"items": "JL02", "lang": "en"}).text
    data = re.search(r'<script type="application/json" id="qi-page-data">(.*?)</script>', html, re.S).group(1)
    assert '"mobile_phone": "Enter an 11-digit mainland China mobile number."' in data
    assert "<" not in data  # escaped: the data cannot close its own script element


def test_hsts_is_sent_only_over_https_as_the_trusted_proxy_reports_it(api):
    assert "strict-transport-security" not in api.get("/").headers
    over_https = api.get("/", headers={"X-Forwarded-Proto": "https"})
    assert over_https.headers["strict-transport-security"].startswith("max-age=31536000")


# -- CSRF on the public forms -------------------------------------------------------------
def test_a_tracking_lookup_posted_from_elsewhere_is_refused(api):
    code = submitted(api)
    answer = api.post("/track", data={"code": code, "phone": PHONE, "lang": "en"})
    assert answer.status_code == 403
    assert "was not sent from our page" in answer.text and 'id="timeline"' not in answer.text


def test_a_token_is_good_only_with_the_cookie_it_was_made_for(api, stack):
    code = submitted(api)
    stolen = form_token(api, "/track")
    with client(stack) as other_browser:
        other_browser.get("/track")  # has a cookie of its own
        answer = other_browser.post("/track", data={"code": code, "phone": PHONE, "form_token": stolen})
    assert answer.status_code == 403


def test_with_the_token_of_its_own_page_the_same_lookup_works(api):
    code = submitted(api)
    answer = api.post("/track", data={"code": code, "phone": PHONE, "form_token": form_token(api, "/track")})
    assert answer.status_code == 200 and 'id="timeline"' in answer.text


def test_an_application_posted_from_elsewhere_stores_nothing_and_keeps_what_was_typed(api, gateway_db):
    before = gateway_db.requests.count_documents({})
    answer = api.post("/apply?items=JL02", data={"enterprise.name": "宿迁市测试精密机械有限公司", "lang": "en"})
    assert answer.status_code == 403
    assert "was not sent from our page" in answer.text and 'value="宿迁市测试精密机械有限公司"' in answer.text
    assert gateway_db.requests.count_documents({}) == before


def test_withdrawing_from_the_tracking_page_needs_its_token(api):
    code = submitted(api)
    refused = api.post("/track/cancel", data={"code": code, "phone": PHONE, "reason": "x"})
    assert refused.status_code == 403
    assert api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json()["status"] == "submitted"
    token = form_token(api, "/track")
    done = api.post("/track/cancel", data={"code": code, "phone": PHONE, "reason": "不办了", "form_token": token})
    assert done.status_code == 200
    assert api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).json()["status"] == "cancelled"


def test_the_staff_sign_in_form_needs_its_token(api):
    answer = api.post("/staff/login", data={"username": "staff-321322", "password": "demo-staff-321322"})
    assert answer.status_code == 403 and "qi_access" not in answer.headers.get("set-cookie", "")


def test_a_page_form_over_one_mebibyte_is_413(api):
    answer = api.post("/track", data={"code": "x" * (1024 * 1024 + 1), "phone": PHONE})
    assert answer.status_code == 413 and "上限" in answer.text


# -- rate limits on tracking ----------------------------------------------------------------
def test_a_client_guessing_codes_is_told_to_wait_in_both_languages(api):
    for code in unknown_codes(MISSES_TO_EXHAUST):
        assert api.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).status_code == 404
    refused = api.get(f"/api/v1/requests/{unknown_codes(1, '20200103')[0]}", params={"phone": PHONE})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= LOOKUPS_PER_CLIENT.window
    assert refused.json()["error"] == "too_many_requests" and "秒后再试" in refused.json()["message"]
    english = api.get(f"/api/v1/requests/{unknown_codes(1, '20200103')[0]}", params={"phone": PHONE, "lang": "en"})
    assert "try again in" in english.json()["message"]


def test_a_client_cannot_escape_its_limit_by_writing_x_forwarded_for_itself(stack):
    address = new_client_address()
    with client(stack, address) as guesser:
        for code in unknown_codes(MISSES_TO_EXHAUST, "20200104"):
            guesser.get(f"/api/v1/requests/{code}", params={"phone": PHONE})
        # only the entry the (one) trusted proxy appended counts, not what the client wrote before it
        forged = guesser.get(f"/api/v1/requests/{unknown_codes(1, '20200105')[0]}", params={"phone": PHONE},
                             headers={"X-Forwarded-For": f"203.0.113.77, {address}"})
    assert forged.status_code == 429


def test_guessing_the_phone_of_a_known_code_locks_that_code_for_the_guesser_only(api, stack):
    """Issue 26 §6: wrong phones lock anonymous lookups per client, not the code for everyone."""
    code = submitted(api)
    with client(stack) as guesser:
        for number in range(FAILED_LOOKUPS_PER_SUBJECT.limit):
            assert guesser.get(f"/api/v1/requests/{code}", params={"phone": f"1380000{number:04d}"}).status_code == 404
        locked = guesser.get(f"/api/v1/requests/{code}", params={"phone": PHONE})
        assert locked.status_code == 429 and locked.headers["retry-after"]
        other = guesser.get(f"/api/v1/requests/{submitted(guesser)}", params={"phone": PHONE})
        assert other.status_code == 200  # other codes are not affected
    with client(stack) as owner:
        assert owner.get(f"/api/v1/requests/{code}", params={"phone": PHONE}).status_code == 200
    enterprise = api.get(f"/api/v1/requests/{code}", headers=signed_in("91321322MA1ABC123P"))
    assert enterprise.status_code == 200  # signed in, the enterprise sees its request


def test_the_tracking_page_says_when_to_come_back(stack):
    with client(stack) as browser:
        token = form_token(browser, "/track")
        for code in unknown_codes(MISSES_TO_EXHAUST, "20200106"):
            browser.post("/track", data={"code": code, "phone": PHONE, "form_token": token})
        refused = browser.post("/track", data={"code": unknown_codes(1, "20200107")[0], "phone": PHONE,
                                               "form_token": token, "lang": "en"})
    assert refused.status_code == 429 and refused.headers["retry-after"]
    assert "Too many attempts; please try again in" in refused.text


def test_an_instrument_file_is_not_opened_with_a_phone_at_all(stack):
    """Issue 26 §1: it needs a sign-in (tests/e2e/hostile/test_identity.py tries the attack)."""
    first17 = "91321302MA1XXX991"
    uscc = first17 + check_character(first17)
    with client(stack) as guesser:
        assert guesser.get("/api/v1/instruments", params={"uscc": uscc, "phone": PHONE}).status_code == 401


# -- rate limits on verification ---------------------------------------------------------------
def test_a_client_trying_document_numbers_is_told_to_wait(stack):
    guesses = -(-VERIFICATIONS_PER_CLIENT.limit // (1 + FAILED_LOOKUP_COST))
    with client(stack) as guesser:
        for number in range(guesses):
            assert guesser.get(f"/api/v1/verify/SQJL-2020-{number:06d}").status_code == 404
        refused = guesser.get("/api/v1/verify/SQJL-2020-999999")
        page = guesser.get("/verify", params={"number": "SQJL-2020-999998"})
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_requests"
    assert page.status_code == 429 and "秒后再试" in page.text


# -- sign-in back-off -----------------------------------------------------------------------------
def test_after_five_wrong_passwords_from_an_address_even_the_right_one_waits_there_but_not_elsewhere(stack):
    address = new_client_address()
    with client(stack, address) as attacker:
        for _ in range(FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold):
            wrong = attacker.post("/api/v1/auth/login", json={"username": "staff-321371", "password": "guess"})
            assert wrong.status_code == 401
        waiting = attacker.post("/api/v1/auth/login", params={"lang": "en"},
                                json={"username": "staff-321371", "password": "demo-staff-321371"})
        assert waiting.status_code == 429
        assert waiting.json()["error"] == "too_many_failed_logins"
        assert "Too many failed sign-ins" in waiting.json()["message"]
        # counted from the last failure: a second may have passed on a busy machine
        assert 0 < int(waiting.headers["retry-after"]) <= FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.base
        others = attacker.post("/api/v1/auth/login", json={"username": "staff-321302", "password": "demo-staff-321302"})
        assert others.status_code == 200  # other accounts sign in from there as usual
    with client(stack) as owner:  # issue 26 §6: five failures elsewhere do not lock the owner out
        answer = owner.post("/api/v1/auth/login", json={"username": "staff-321371", "password": "demo-staff-321371"})
        assert answer.status_code == 200


def test_the_console_sign_in_backs_off_the_same_way(stack):
    with client(stack) as attacker:
        token = form_token(attacker, "/staff/login")
        for _ in range(FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold):
            wrong = attacker.post("/staff/login", data={"username": "staff-321324", "password": "guess",
                                                        "form_token": token})
            assert wrong.status_code == 401
        waiting = attacker.post("/staff/login", data={"username": "staff-321324", "password": "demo-staff-321324",
                                                      "form_token": token})
    assert waiting.status_code == 429 and "登录失败次数过多" in waiting.text and waiting.headers["retry-after"]


@pytest.mark.parametrize(("proto", "secure"), [("https", True), ("http", False)])
def test_the_console_cookies_are_secure_over_https_and_always_http_only_and_same_site(stack, proto, secure):
    """Behind the trusted proxy, X-Forwarded-Proto says how the browser reached us (issue 26 §6)."""
    with client(stack) as browser:
        signed = browser.post("/staff/login", headers={"X-Forwarded-Proto": proto}, data={
            "username": "staff-321311", "password": "demo-staff-321311",
            "form_token": form_token(browser, "/staff/login")})
    assert signed.status_code == 303
    cookies = signed.headers.get_list("set-cookie")
    for name in ("qi_access", "qi_refresh"):
        (cookie,) = [each for each in cookies if each.startswith(f"{name}=")]
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite"} <= attributes and "SameSite=Strict" in cookie, cookie
        assert ("secure" in attributes) == secure, cookie


def test_signing_out_of_the_console_needs_the_token_of_its_page(stack):
    with client(stack) as browser:
        signed = browser.post("/staff/login", data={"username": "staff-321323", "password": "demo-staff-321323",
                                                    "form_token": form_token(browser, "/staff/login")})
        assert signed.status_code == 303
        assert browser.post("/staff/logout").status_code == 403
        assert browser.get("/staff").status_code == 200  # still signed in
        out = browser.post("/staff/logout", data={"form_token": form_token(browser, "/staff")})
        assert out.status_code == 303 and browser.get("/staff").status_code == 303


def test_an_api_path_or_method_nobody_serves_is_answered_in_the_apis_own_error_body(api):
    unknown = api.get("/api/v1/no-such-thing", params={"lang": "en"})
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "not_found", "message": "There is nothing at this address.", "fields": {}}
    wrong_method = api.delete("/api/v1/catalogue")
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "method_not_allowed"
    assert "GET" in wrong_method.headers["allow"]
    assert api.get("/no-such-page").headers["content-type"].startswith("text/html")  # pages stay pages
