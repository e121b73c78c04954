"""Accounts (DESIGN §1, §6): signing in, sessions and their refresh tokens, making accounts.

Sign-in is throttled per account and address together, and for addresses the account
never signed in from also per account and per address (``handlers/throttling.py``); an
unknown username costs as much as a wrong password. A successful sign-in remembers its
address (a mark of it) on the account. The tokens themselves are the web
edge's (``web/auth.py``): these use cases answer with the account they open and the
session (a refresh token family, ``domain/session.py``) they start or carry on. Every
request with an access token is checked against its account (:func:`check_signed_in`),
so a disabled account's tokens stop working at once.
"""

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ...common.repository import AlreadyExists, retry_on_conflict
from ..adapters.passwords import Passwords
from ..adapters.repository import AccountRepository
from ..domain.access import ENTERPRISE, Principal
from ..domain.account import Account
from ..domain.catalogue import DOMAINS, Stations
from ..domain.session import ENDED, REUSE_DETECTED, ROTATE, SIGNED_OUT, SessionFamily
from .enterprise_accounts import EnterpriseIdentities
from .throttling import Throttle

DEMO_ENTERPRISE = "91321322MA1ABC123P"


class SessionExpired(Exception):
    """A token whose account is gone or disabled, whose sessions were ended, or whose
    refresh token family is over."""


class AccountNotVerified(Exception):
    """The right password for an enterprise account whose licence is not checked yet
    (``pending``) or did not match (``refused``): no session."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


class RefreshTokenReused(SessionExpired):
    """A refresh token used after its successor was issued: its whole family has ended."""


class SessionStore(Protocol):
    """Refresh token families (``adapters/sessions.py``)."""

    def start(self, family: SessionFamily) -> None: ...
    def get(self, family_id: str) -> SessionFamily | None: ...
    def rotate(self, family: SessionFamily, presented: str, rotated: SessionFamily) -> bool: ...
    def end(self, family_id: str, state: str) -> None: ...


@dataclass(frozen=True)
class OpenSession:
    """A signed-in account, its session (refresh token family) and that family's latest token."""

    account: Account
    family: str
    token: str


def _new_id() -> str:
    return secrets.token_urlsafe(18)


def find_account(accounts: AccountRepository, username: str) -> Account | None:
    username = username.strip()
    # enterprises sign in with their credit code, however they type its letters
    found: Account | None = accounts.get_or_none(username) or accounts.get_or_none(username.upper())
    return found


def sign_in(accounts: AccountRepository, throttle: Throttle, passwords: Passwords, username: str, password: str,
            client: str, roles: tuple[str, ...] | None = None) -> Account | None:
    """The account these credentials open (of one of ``roles``, if given), or None.
    Raises TooManyRequests while this attempt must wait after failures, and
    AccountNotVerified for the right password of an enterprise not verified (yet)."""
    account = find_account(accounts, username)
    known = account is not None and account.knows_address(client)
    attempt = throttle.login_attempt(account.username if account else username, client, known)
    if account is None:
        passwords.spend_time_on(password)
        return None
    if not (account.active and (roles is None or account.role in roles)
            and passwords.match(account.password_hash, password)):
        return None
    throttle.login_succeeded(attempt)
    if not known:
        retry_on_conflict(accounts, account.username, lambda mine: mine.remember_address(client))
    if not account.may_sign_in:
        raise AccountNotVerified(account.state)
    return account


def resume_session(accounts: AccountRepository, claims: dict[str, Any], roles: tuple[str, ...] | None = None) -> Account:
    """The account a valid refresh token's claims still open: it exists, is active, of
    one of ``roles`` if given, and its sessions were not ended since (``ver``)."""
    account = accounts.get_or_none(claims["sub"])
    if account is None or not account.may_sign_in or claims.get("ver") != account.token_version \
            or (roles is not None and account.role not in roles):
        raise SessionExpired(claims["sub"])
    found: Account = account
    return found


def open_session(sessions: SessionStore, account: Account, now: datetime, lifetime: float) -> OpenSession:
    """A new session for an account that just signed in: a family of refresh tokens."""
    family = SessionFamily.start(_new_id(), account.username, _new_id(), now.timestamp(), lifetime)
    sessions.start(family)
    return OpenSession(account, family.id, family.current)


def refresh_session(accounts: AccountRepository, sessions: SessionStore, claims: dict[str, Any], now: datetime,
                    lifetime: float, roles: tuple[str, ...] | None = None) -> OpenSession:
    """Carry a session on with its refresh token's ``claims``: the family's next token.
    SessionExpired if the account or the family is over; RefreshTokenReused (and the
    family ends) if the token is not the family's latest."""
    account = resume_session(accounts, claims, roles)
    family = sessions.get(str(claims.get("fam")))
    if family is None or family.username != account.username:
        raise SessionExpired(account.username)
    presented = str(claims.get("jti"))
    outcome = family.outcome(presented, now.timestamp())
    if outcome == ENDED:
        raise SessionExpired(account.username)
    if outcome == ROTATE:
        rotated = family.rotated(_new_id(), now.timestamp(), lifetime)
        if sessions.rotate(family, presented, rotated):
            return OpenSession(account, family.id, rotated.current)
    # an older token of the family, or the latest one used twice at once: someone holds a copy
    sessions.end(family.id, REUSE_DETECTED)
    raise RefreshTokenReused(account.username)


def sign_out(sessions: SessionStore, claims: dict[str, Any]) -> None:
    """End the session a refresh token belongs to: none of its tokens buys another pair."""
    sessions.end(str(claims.get("fam")), SIGNED_OUT)


def check_signed_in(accounts: AccountRepository, claims: dict[str, Any]) -> None:
    """Whether an access token's account may still act: it exists, is active, and its
    sessions were not ended since the token was issued (``ver``) and, for an enterprise, is
    verified. SessionExpired if not.
    Asked on every request that carries a token (one read by key), never by anonymous ones."""
    account = accounts.get_or_none(claims["sub"])
    if account is None or not account.may_sign_in or claims.get("ver") != account.token_version:
        raise SessionExpired(claims["sub"])


def who_am_i(principal: Principal) -> dict[str, Any]:
    return {"username": principal.username, "role": principal.role, "name": principal.name,
            "station": principal.station, "domain": principal.domain, "uscc": principal.uscc}


# -- making accounts (the command line) -------------------------------------------------------
def create_account(accounts: AccountRepository, passwords: Passwords, stations: Stations, username: str, role: str,
                   name: str, password: str, now: datetime, station: str | None = None, domain: str | None = None,
                   uscc: str | None = None, identities: EnterpriseIdentities | None = None) -> Account:
    """An account an administrator makes (verified: an enterprise's too)."""
    account = Account.create(username, role, name, passwords.hash(password), now, stations,
                             station=station, domain=domain, uscc=uscc)
    accounts.add(account)
    if identities is not None and account.role == ENTERPRISE:
        identities.changed()
    return account


def set_password(accounts: AccountRepository, passwords: Passwords, username: str, password: str) -> Account:
    account: Account = accounts.get(username)
    account.change_password(passwords.hash(password))
    accounts.save(account)
    return account


def disable(accounts: AccountRepository, username: str, identities: EnterpriseIdentities | None = None) -> Account:
    account: Account = accounts.get(username)
    account.disable()
    accounts.save(account)
    if identities is not None and account.role == ENTERPRISE:
        identities.changed()
    return account


def demo_accounts(stations: Stations) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """(username, role, name, binding) for the dev platform; passwords are demo-<username>."""
    yield "admin", "admin", "系统管理员", {}
    yield "manager", "manager", "市场监管局 质量发展处", {}
    for division, station in stations.by_division.items():
        yield f"staff-{division}", "staff", f"{station['name']['zh-CN']} 工作人员", {"station": division}
    for domain in DOMAINS:
        for number in (1, 2):  # two people: results are reviewed by someone else
            yield f"{domain}-{number}", "operator", f"{domain} 业务员{number}", {"domain": domain}
    yield DEMO_ENTERPRISE, "enterprise", "宿迁市测试精密机械有限公司", {"uscc": DEMO_ENTERPRISE}


def seed_demo(accounts: AccountRepository, passwords: Passwords, stations: Stations,
              now: datetime, identities: EnterpriseIdentities | None = None) -> list[tuple[str, str, str, str]]:
    """Create the demo accounts that do not exist yet; (username, role, binding, password) rows."""
    rows = []
    for username, role, name, binding in demo_accounts(stations):
        password = f"demo-{username}"
        try:
            create_account(accounts, passwords, stations, username, role, name, password, now, **binding,
                           identities=identities)
        except AlreadyExists:
            pass
        rows.append((username, role, binding.get("station") or binding.get("domain") or "", password))
    return rows
