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

from ...conftest import new_client_address
from ...support.accounts import new_staff

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
