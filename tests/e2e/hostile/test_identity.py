"""The hostile suite, issue 26 §1 and §6: who an enterprise is, and sessions.

Each test attacks the running stack as the hostile test of the platform did and asserts
the attack is defended."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from services.gateway.domain.throttle import (
    FAILED_LOGINS_PER_ACCOUNT,
    FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT,
    FAILED_LOOKUPS_PER_SUBJECT,
)

from ...conftest import form_token, new_client_address, signed_in, staff_of
from ...support.accounts import accounts_command, new_enterprise, new_staff, new_uscc
from ...support.data import JL02_BODY, jl02_body

pytestmark = pytest.mark.e2e

PARALLEL = 40
DEMO_USCC = "91321322MA1ABC123P"  # the dev platform's verified enterprise


def client(stack, address=None):
    return httpx.Client(base_url=stack.gateway_url, timeout=60,
                        headers={"X-Forwarded-For": address or new_client_address()})


def login(stack, username, password, address=None):
    with client(stack, address) as caller:
        return caller.post("/api/v1/auth/login", json={"username": username, "password": password})


def in_parallel(calls):
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


# -- parallel logins ---------------------------------------------------------------------------------
@pytest.mark.hostile("parallel logins")
def test_forty_parallel_wrong_passwords_from_one_address_check_at_most_the_allowed_number(stack):
    username, _ = new_staff(stack)
    address = new_client_address()
    answers = in_parallel([lambda: login(stack, username, "wrong-guess", address)] * PARALLEL)
    statuses = [answer.status_code for answer in answers]
    assert set(statuses) <= {401, 429}
    assert statuses.count(401) <= FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold, statuses


@pytest.mark.hostile("parallel logins")
def test_forty_parallel_wrong_passwords_from_forty_addresses_check_at_most_the_accounts_bound(stack):
    username, _ = new_staff(stack)
    answers = in_parallel([lambda: login(stack, username, "wrong-guess")] * PARALLEL)
    statuses = [answer.status_code for answer in answers]
    assert set(statuses) <= {401, 429}
    assert statuses.count(401) <= FAILED_LOGINS_PER_ACCOUNT.threshold, statuses


# -- lock-out of the owner ---------------------------------------------------------------------------
@pytest.mark.hostile("lock-out of the owner")
def test_wrong_passwords_from_everywhere_never_lock_the_owner_out_of_an_address_it_signed_in_from(stack):
    username, password = new_staff(stack)
    office = new_client_address()
    assert login(stack, username, password, office).status_code == 200
    for _ in range(FAILED_LOGINS_PER_ACCOUNT.threshold + 5):  # spread over addresses: every bound of the account
        assert login(stack, username, "wrong-guess").status_code in (401, 429)
    assert login(stack, username, "wrong-guess").status_code == 429  # a stranger waits
    assert login(stack, username, password, office).status_code == 200  # the owner, where it works, does not


@pytest.mark.hostile("lock-out of the owner")
def test_one_persons_typos_behind_an_office_address_do_not_lock_out_the_colleagues_there(stack):
    office = new_client_address()  # a county station's office behind one NAT address
    colleague, colleague_password = new_staff(stack)
    assert login(stack, colleague, colleague_password, office).status_code == 200
    for number in range(25):  # someone there mistypes, and tries every username they can think of
        assert login(stack, f"nobody-{number}-{office}", "typo", office).status_code in (401, 429)
    typist, _ = new_staff(stack)
    for _ in range(FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT.threshold):
        login(stack, typist, "typo", office)
    assert login(stack, colleague, colleague_password, office).status_code == 200


# -- disabled account ----------------------------------------------------------------------------------
@pytest.mark.hostile("disabled account")
def test_a_disabled_accounts_tokens_stop_working_at_once(stack):
    username, password = new_staff(stack)
    with client(stack) as caller:
        tokens = caller.post("/api/v1/auth/login", json={"username": username, "password": password}).json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert caller.get("/api/v1/auth/me", headers=bearer).status_code == 200
        assert caller.get("/api/v1/station/requests", headers=bearer).status_code == 200
        accounts_command(stack, "disable", "--username", username)
        assert caller.get("/api/v1/auth/me", headers=bearer).status_code == 401
        assert caller.get("/api/v1/station/requests", headers=bearer).status_code == 401
        refreshed = caller.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert refreshed.status_code == 401
        assert caller.post("/api/v1/auth/login", json={"username": username, "password": password}).status_code == 401


@pytest.mark.hostile("disabled account")
def test_a_disabled_account_signed_in_to_the_console_is_shown_the_sign_in_page(stack):
    username, password = new_staff(stack)
    with client(stack) as browser:
        token = form_token(browser, "/staff/login")
        assert browser.post("/staff/login", data={"username": username, "password": password,
                                                  "form_token": token}).status_code == 303
        assert browser.get("/staff").status_code == 200
        accounts_command(stack, "disable", "--username", username)
        assert browser.get("/staff").status_code == 303  # to the sign-in page


@pytest.mark.hostile("disabled account")
def test_a_new_password_ends_the_sessions_opened_with_the_old_one(stack):
    username, password = new_staff(stack)
    with client(stack) as caller:
        tokens = caller.post("/api/v1/auth/login", json={"username": username, "password": password}).json()
        accounts_command(stack, "set-password", "--username", username, password="a-new-long-password")
        assert caller.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
                          ).status_code == 401


# -- refresh token reuse --------------------------------------------------------------------------------
def signed_in_tokens(caller, username, password):
    answer = caller.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()


def refreshed(caller, refresh_token):
    return caller.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})


@pytest.mark.hostile("refresh token reuse")
def test_a_spent_refresh_token_replayed_ends_the_whole_session(stack):
    username, password = new_staff(stack)
    with client(stack) as user, client(stack) as thief:
        first = signed_in_tokens(user, username, password)
        second = refreshed(user, first["refresh_token"])
        assert second.status_code == 200
        assert second.json()["refresh_token"] != first["refresh_token"]
        replayed = refreshed(thief, first["refresh_token"])  # a copy of the spent token
        assert replayed.status_code == 401
        # the whole family is over: the user's own latest token no longer buys a pair
        assert refreshed(user, second.json()["refresh_token"]).status_code == 401
        # other sessions of the same account are not touched
        other = signed_in_tokens(user, username, password)
        assert refreshed(user, other["refresh_token"]).status_code == 200


@pytest.mark.hostile("refresh token reuse")
def test_one_refresh_token_sent_twice_at_once_buys_at_most_one_pair(stack):
    username, password = new_staff(stack)
    with client(stack) as caller:
        tokens = signed_in_tokens(caller, username, password)
        answers = in_parallel([lambda: refreshed(caller, tokens["refresh_token"])] * 10)
    assert [answer.status_code for answer in answers].count(200) <= 1


@pytest.mark.hostile("refresh token reuse")
def test_a_signed_out_sessions_refresh_token_buys_nothing(stack):
    username, password = new_staff(stack)
    with client(stack) as caller:
        tokens = signed_in_tokens(caller, username, password)
        out = caller.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
        assert out.status_code == 204
        assert refreshed(caller, tokens["refresh_token"]).status_code == 401


@pytest.mark.hostile("refresh token reuse")
def test_signing_out_of_the_console_ends_its_session(stack):
    username, password = new_staff(stack)
    with client(stack) as browser:
        assert browser.post("/staff/login", data={"username": username, "password": password,
                                                  "form_token": form_token(browser, "/staff/login")}).status_code == 303
        stolen = browser.cookies.get("qi_refresh")
        assert browser.post("/staff/logout", data={"form_token": form_token(browser, "/staff")}).status_code == 303
    with client(stack) as thief:
        assert refreshed(thief, stolen).status_code == 401


# -- spoofed credit code ------------------------------------------------------------------------------
ATTACKER_PHONE = "13700000001"


def spoofed_request(caller, uscc, name="宿迁市测试精密机械有限公司"):
    """A request anyone may submit: someone else's (public) credit code, one's own phone."""
    body = jl02_body(enterprise={"name": name, "uscc": uscc, "station": "321322"},
                     contact={"name": "冒名者", "phone": ATTACKER_PHONE})
    answer = caller.post("/api/v1/requests", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["code"]


@pytest.mark.hostile("spoofed credit code")
def test_a_request_under_someone_elses_credit_code_opens_nothing_of_that_enterprise(stack, gateway_db):
    with client(stack) as attacker:
        code = spoofed_request(attacker, DEMO_USCC)
        # what the enterprise is told about a standard it follows, from one of its own requests
        gateway_db.notices.insert_one({
            "_id": f"evt-{uuid.uuid4().hex}:{DEMO_USCC}", "uscc": DEMO_USCC, "kind": "standard_withdrawn",
            "at": "2026-11-01T00:00:00+00:00", "number": "GB/T 99999-2016", "title_zh": "企业关注的标准",
            "title_en": "a standard the enterprise follows", "replaced_by": None,
            "request_code": "321322-20261101-00001-5"})
        # the request itself: the attacker made it, and may track it
        tracked = attacker.get(f"/api/v1/requests/{code}", params={"phone": ATTACKER_PHONE})
        assert tracked.status_code == 200
        assert tracked.json()["notices"] == []  # none of the enterprise's notices
        # the enterprise's instrument file: not with a phone, only signed in as the enterprise
        file = attacker.get("/api/v1/instruments", params={"uscc": DEMO_USCC, "phone": ATTACKER_PHONE})
        assert file.status_code == 401
        renewal = attacker.post("/api/v1/instruments/renewals",
                                json={"uscc": DEMO_USCC, "phone": ATTACKER_PHONE, "serial_number": "SN-0001"})
        assert renewal.status_code == 401


@pytest.mark.hostile("spoofed credit code")
def test_a_request_under_a_verified_enterprises_credit_code_is_marked_for_the_station_and_the_enterprise(stack,
                                                                                                     api):
    with client(stack) as attacker:
        spoofed = spoofed_request(attacker, DEMO_USCC)
    own = api.post("/api/v1/requests", json=JL02_BODY, headers=signed_in(DEMO_USCC))
    assert own.status_code == 201
    seen = api.get(f"/api/v1/station/requests/{spoofed}", headers=staff_of("321322")).json()
    assert seen["not_from_account"] is True and seen["not_from_account_label"] == "非企业账户提交"
    english = api.get(f"/api/v1/station/requests/{spoofed}", headers=staff_of("321322"), params={"lang": "en"})
    assert english.json()["not_from_account_label"] == "not from the enterprise's account"
    queue = api.get("/api/v1/station/requests", headers=staff_of("321322"), params={"limit": 500}).json()
    flags = {row["code"]: row["not_from_account"] for row in queue["requests"]}
    assert flags[spoofed] is True and flags[own.json()["code"]] is False
    mine = api.get("/api/v1/requests", headers=signed_in(DEMO_USCC)).json()["requests"]
    listed = {row["code"]: row["not_from_account"] for row in mine}
    assert listed[spoofed] is True and listed[own.json()["code"]] is False


@pytest.mark.hostile("spoofed credit code")
def test_an_enterprises_instrument_file_is_for_its_verified_account_and_the_right_roles_only(stack, api):
    other, password = new_enterprise(stack)
    with client(stack) as caller:
        assert caller.get("/api/v1/instruments", params={"uscc": DEMO_USCC}).status_code == 401
        tokens = signed_in_tokens(caller, other, password)
        other_bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert caller.get("/api/v1/instruments", params={"uscc": DEMO_USCC}, headers=other_bearer).status_code == 403
        assert caller.get("/api/v1/instruments", headers=other_bearer).json()["uscc"] == other
    assert api.get("/api/v1/instruments", headers=signed_in(DEMO_USCC)).status_code == 200
    assert api.get("/api/v1/instruments", params={"uscc": DEMO_USCC}, headers=signed_in("metrology-1")).status_code == 200
    assert api.get("/api/v1/instruments", params={"uscc": DEMO_USCC}, headers=staff_of("321322")).status_code == 403


@pytest.mark.hostile("spoofed credit code")
def test_registering_someone_elses_credit_code_opens_nothing_until_the_station_checks_the_licence(stack, api):
    uscc = new_uscc()
    registration = {"uscc": uscc, "name": "冒名的企业", "contact_name": "冒名者", "phone": ATTACKER_PHONE,
                    "station": "321322", "password": "attacker-password-1"}
    answer = api.post("/api/v1/enterprise/registrations", json=registration)
    assert answer.status_code == 201 and answer.json()["state"] == "pending"
    assert api.post("/api/v1/enterprise/registrations", json=registration).status_code == 409
    with client(stack) as attacker:
        pending = attacker.post("/api/v1/auth/login", json={"username": uscc, "password": "attacker-password-1"})
        assert pending.status_code == 403 and pending.json()["error"] == "account_not_verified"
    refused = api.post(f"/api/v1/station/enterprise-accounts/{uscc}/verification", headers=staff_of("321322"),
                       json={"decision": "refuse", "note": "营业执照上的名称与申请不符"})
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    with client(stack) as attacker:
        still = attacker.post("/api/v1/auth/login", json={"username": uscc, "password": "attacker-password-1"})
        assert still.status_code == 403


@pytest.mark.hostile("lock-out of the owner")
def test_wrong_phones_on_a_code_lock_out_only_whoever_gave_them(stack, api):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    office = new_client_address()
    with client(stack, office) as guesser:  # even from the enterprise's own office address
        for number in range(FAILED_LOOKUPS_PER_SUBJECT.limit + 2):
            guesser.get(f"/api/v1/requests/{code}", params={"phone": f"1380000{number:04d}"})
        assert guesser.get(f"/api/v1/requests/{code}", params={"phone": JL02_BODY["contact"]["phone"]}
                           ).status_code == 429
        # the enterprise signed in at that address is counted as itself: never locked by them
        assert guesser.get(f"/api/v1/requests/{code}", headers=signed_in(DEMO_USCC)).status_code == 200
    with client(stack) as owner:  # anonymous lookups are locked per client, not for everyone
        assert owner.get(f"/api/v1/requests/{code}", params={"phone": JL02_BODY["contact"]["phone"]}
                         ).status_code == 200
