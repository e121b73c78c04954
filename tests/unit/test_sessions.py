"""Sessions (issue 26 §6): refresh tokens rotate on use, reusing a spent one ends the whole
family, signing out ends it; on in-memory fakes."""

from datetime import timedelta

import pytest

from services.gateway.adapters.repository import AccountRepository
from services.gateway.domain.account import Account
from services.gateway.domain.session import (
    ENDED,
    REUSE_DETECTED,
    REUSED,
    ROTATE,
    SIGNED_OUT,
    SessionFamily,
)
from services.gateway.handlers.accounts import (
    RefreshTokenReused,
    SessionExpired,
    open_session,
    refresh_session,
    sign_out,
)
from tests.fakes.sessions import InMemorySessions
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import NOW

DAY = 86400.0


class TestFamily:
    def test_only_the_latest_token_rotates_and_rotation_moves_the_end_on(self):
        family = SessionFamily.start("f", "wang", "t1", 1000.0, DAY)
        assert family.outcome("t1", 1001.0) == ROTATE
        rotated = family.rotated("t2", 2000.0, DAY)
        assert (rotated.current, rotated.expires_at, rotated.rotations) == ("t2", 2000.0 + DAY, 1)
        assert rotated.outcome("t1", 2001.0) == REUSED
        assert rotated.outcome("t2", 2001.0) == ROTATE

    def test_an_ended_or_expired_family_takes_no_token(self):
        family = SessionFamily.start("f", "wang", "t1", 1000.0, DAY)
        assert family.outcome("t1", 1000.0 + DAY) == ENDED
        from dataclasses import replace
        assert replace(family, state=SIGNED_OUT).outcome("t1", 1001.0) == ENDED


@pytest.fixture
def accounts():
    repository = AccountRepository(InMemoryDocumentStore())
    repository.add(Account("wang", "staff", "王芳", "hash", station="321322"))
    return repository


@pytest.fixture
def sessions():
    return InMemorySessions()


def claims(opened, account=None):
    """The claims of the refresh token issued for ``opened`` (as web/auth.py writes them)."""
    account = account or opened.account
    return {"sub": account.username, "ver": account.token_version, "fam": opened.family, "jti": opened.token}


class TestRefresh:
    def test_a_refresh_token_buys_one_new_pair_of_the_same_session(self, accounts, sessions):
        opened = open_session(sessions, accounts.get("wang"), NOW, DAY)
        renewed = refresh_session(accounts, sessions, claims(opened), NOW + timedelta(minutes=20), DAY)
        assert renewed.family == opened.family and renewed.token != opened.token
        again = refresh_session(accounts, sessions, claims(renewed), NOW + timedelta(minutes=40), DAY)
        assert again.family == opened.family and again.token not in (opened.token, renewed.token)

    def test_reusing_a_spent_token_ends_the_whole_family(self, accounts, sessions):
        opened = open_session(sessions, accounts.get("wang"), NOW, DAY)
        renewed = refresh_session(accounts, sessions, claims(opened), NOW, DAY)  # the user
        with pytest.raises(RefreshTokenReused):
            refresh_session(accounts, sessions, claims(opened), NOW, DAY)  # whoever copied the old one
        assert sessions.get(opened.family).state == REUSE_DETECTED
        with pytest.raises(SessionExpired):  # the user's latest token is refused too: sign in again
            refresh_session(accounts, sessions, claims(renewed), NOW, DAY)

    def test_the_same_token_used_twice_at_once_ends_the_family(self, accounts, sessions):
        opened = open_session(sessions, accounts.get("wang"), NOW, DAY)
        losing = SlowSessions(sessions)  # another refresh with the same token rotates between its read and write
        with pytest.raises(RefreshTokenReused):
            refresh_session(accounts, losing, claims(opened), NOW, DAY)
        assert sessions.get(opened.family).state == REUSE_DETECTED

    def test_signing_out_ends_the_family(self, accounts, sessions):
        opened = open_session(sessions, accounts.get("wang"), NOW, DAY)
        sign_out(sessions, claims(opened))
        with pytest.raises(SessionExpired):
            refresh_session(accounts, sessions, claims(opened), NOW, DAY)
        assert sessions.get(opened.family).state == SIGNED_OUT

    def test_sessions_of_another_account_or_of_a_disabled_one_are_refused(self, accounts, sessions):
        accounts.add(Account("li", "staff", "李", "hash", station="321322"))
        opened = open_session(sessions, accounts.get("wang"), NOW, DAY)
        with pytest.raises(SessionExpired):  # a family id copied into a token of another account
            refresh_session(accounts, sessions, {**claims(opened), "sub": "li"}, NOW, DAY)
        account = accounts.get("wang")
        account.disable()
        accounts.save(account)
        with pytest.raises(SessionExpired):
            refresh_session(accounts, sessions, claims(opened), NOW, DAY)

    def test_a_family_unused_for_its_lifetime_is_over(self, accounts, sessions):
        opened = open_session(sessions, accounts.get("wang"), NOW, DAY)
        with pytest.raises(SessionExpired):
            refresh_session(accounts, sessions, claims(opened), NOW + timedelta(seconds=DAY), DAY)


class SlowSessions:
    """A store in which another refresh with the same token rotates the family after this
    one read it and before it writes."""

    def __init__(self, sessions):
        self.sessions = sessions

    def get(self, family_id):
        found = self.sessions.get(family_id)
        self.sessions.rotate(found, found.current, found.rotated("someone-else", found.started_at, DAY))
        return found

    def __getattr__(self, name):
        return getattr(self.sessions, name)
