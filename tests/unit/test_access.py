"""Least access (DESIGN §6): the rules, and the sign-in tokens that carry them."""

import time

import jwt
import pytest

from services.gateway.adapters.passwords import PASSWORDS
from services.gateway.adapters.repository import AccountRepository
from services.gateway.domain.access import Principal, may_operate, may_see_request, may_work_station
from services.gateway.domain.account import Account
from services.gateway.web import auth
from tests.fakes.store import InMemoryDocumentStore

ENTERPRISE = Principal("91321322MA1ABC123P", "enterprise", "宿迁市测试", uscc="91321322MA1ABC123P")
STAFF = Principal("staff-321322", "staff", "王芳", station="321322")
OPERATOR = Principal("metrology-1", "operator", "李工", domain="metrology")
MANAGER = Principal("manager", "manager", "市场监管局")
ADMIN = Principal("admin", "admin", "管理员")


def test_staff_work_their_own_station_only():
    assert may_work_station(STAFF, "321322") and not may_work_station(STAFF, "321302")


def test_operators_work_their_own_domain_only():
    assert may_operate(OPERATOR, "metrology") and not may_operate(OPERATOR, "testing")


def test_managers_read_everything_and_change_nothing():
    assert may_operate(MANAGER, "testing", read_only=True) and not may_operate(MANAGER, "testing")
    assert may_work_station(MANAGER, "321302", read_only=True) and not may_work_station(MANAGER, "321302")


def test_an_enterprise_sees_its_own_requests_only():
    assert may_see_request(ENTERPRISE, "321322", "metrology", "91321322MA1ABC123P")
    assert not may_see_request(ENTERPRISE, "321322", "metrology", "91350100M000100Y43")


def test_admins_may_do_anything():
    assert may_operate(ADMIN, "certification") and may_work_station(ADMIN, "321371")


ACCOUNT = {"username": "staff-321322", "role": "staff", "name": "王芳", "station": "321322", "token_version": 0}


def test_an_access_token_carries_the_principal():
    tokens = auth.issue_tokens(ACCOUNT)
    assert auth.principal_from_token(tokens["access_token"]) == Principal(
        "staff-321322", "staff", "王芳", station="321322")


def test_expired_tampered_and_wrong_kind_tokens_are_refused():
    expired = auth.issue_tokens(ACCOUNT, now=time.time() - 3600)["access_token"]
    tokens = auth.issue_tokens(ACCOUNT)
    header, payload, signature = tokens["access_token"].split(".")
    forged_claims = jwt.utils.base64url_encode(b'{"sub":"admin","role":"admin","typ":"access"}').decode()
    for token in (expired, f"{header}.{forged_claims}.{signature}", tokens["refresh_token"], "garbage"):
        with pytest.raises(auth.Unauthenticated):
            auth.principal_from_token(token)


def test_a_token_signed_with_another_key_is_refused():
    foreign = jwt.encode({"sub": "admin", "role": "admin", "typ": "access", "iss": auth.ISSUER,
                          "iat": int(time.time()), "exp": int(time.time()) + 60, "name": "x"}, "another-key-that-is-long-enough-for-hs256", "HS256")
    with pytest.raises(auth.Unauthenticated):
        auth.principal_from_token(foreign)


class CountingAccounts(AccountRepository):
    def __init__(self, store):
        super().__init__(store)
        self.asked = []

    def get_or_none(self, key):
        self.asked.append(key)
        return super().get_or_none(key)


def accounts_of(*usernames):
    accounts = CountingAccounts(InMemoryDocumentStore())
    for username in usernames:
        accounts.add(Account(username, "staff", "王芳", "hash", station="321322"))
    return accounts


def request_with(token, accounts):
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    request = Request(EnvironBuilder(headers={"Authorization": f"Bearer {token}"}).get_environ())
    if accounts is not None:
        request.environ[auth.ACCOUNTS_KEY] = accounts
    return request


def test_a_request_asked_twice_who_signed_in_checks_its_token_and_account_once():
    accounts = accounts_of("staff-321322", "someone-else")
    token = auth.issue_tokens(ACCOUNT)["access_token"]
    request = request_with(token, accounts)

    first = auth.principal_of(request)
    assert first.username == "staff-321322" and auth.principal_of(request) == first
    assert accounts.asked == ["staff-321322"]

    other = auth.issue_tokens({**ACCOUNT, "username": "someone-else"})["access_token"]
    request.environ["HTTP_AUTHORIZATION"] = f"Bearer {other}"  # another token: checked anew
    assert auth.principal_of(request).username == "someone-else"
    assert accounts.asked == ["staff-321322", "someone-else"]


def test_a_refused_token_is_checked_once_per_request_too():
    accounts = accounts_of("someone-else")  # the token's account is gone
    request = request_with(auth.issue_tokens(ACCOUNT)["access_token"], accounts)
    for _ in range(2):
        with pytest.raises(auth.Unauthenticated):
            auth.principal_of(request)
    assert accounts.asked == ["staff-321322"]


def test_a_token_is_refused_once_its_account_is_disabled_or_its_sessions_ended():
    """Issue 26 §6: at once, not when the token runs out."""
    accounts = accounts_of("staff-321322")
    token = auth.issue_tokens(ACCOUNT)["access_token"]
    assert auth.principal_of(request_with(token, accounts)).username == "staff-321322"
    account = accounts.get("staff-321322")
    account.change_password("another hash")  # ends every session
    accounts.save(account)
    with pytest.raises(auth.Unauthenticated):
        auth.principal_of(request_with(token, accounts))
    renewed = auth.issue_tokens(account.claims())["access_token"]
    assert auth.principal_of(request_with(renewed, accounts)).username == "staff-321322"
    account.disable()
    accounts.save(account)
    with pytest.raises(auth.Unauthenticated):
        auth.principal_of(request_with(renewed, accounts))


def test_a_token_that_cannot_be_checked_against_its_account_is_refused():
    token = auth.issue_tokens(ACCOUNT)["access_token"]
    with pytest.raises(auth.Unauthenticated):
        auth.principal_of(request_with(token, None))
    with pytest.raises(auth.Unauthenticated):  # an account that is gone
        auth.principal_of(request_with(token, accounts_of("someone-else")))


def test_passwords_are_stored_as_argon2_hashes():
    hashed = PASSWORDS.hash("correct horse")
    assert hashed.startswith("$argon2") and "correct horse" not in hashed
    assert PASSWORDS.match(hashed, "correct horse") and not PASSWORDS.match(hashed, "wrong")


def test_csrf_tokens_belong_to_one_session():
    assert auth.csrf_matches("session-a", auth.csrf_token("session-a"))
    assert not auth.csrf_matches("session-b", auth.csrf_token("session-a"))
