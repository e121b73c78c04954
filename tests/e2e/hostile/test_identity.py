"""The hostile suite, issue 26 §1 and §6: who an enterprise is, and sessions.

Each test attacks the running stack as the hostile test of the platform did and asserts
the attack is defended."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from services.gateway.domain.throttle import (
    FAILED_LOGINS_PER_ACCOUNT,
    FAILED_LOGINS_PER_ACCOUNT_AND_CLIENT,
)

from ...conftest import form_token, new_client_address
from ...support.accounts import accounts_command, new_staff

pytestmark = pytest.mark.e2e

PARALLEL = 40


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
