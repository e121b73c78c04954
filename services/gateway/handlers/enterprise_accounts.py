"""Enterprise accounts (DESIGN §1, issue 26 §1): an enterprise registers online, its
station checks the business licence and verifies or refuses it.

Who an enterprise is comes from a port, :class:`EnterpriseIdentities`: today the verified
accounts kept here (``AccountRepository``); the province's unified 法人 login (an OIDC
provider) can later be another adapter of the same port, naming the credit code of
whoever signed in there, without any use case changing.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ...common.repository import AlreadyExists, VersionConflict
from ..adapters.passwords import Passwords
from ..adapters.repository import AccountRepository
from ..domain.access import ADMIN, ENTERPRISE, MANAGER, STAFF, Principal, may_work_station, require
from ..domain.account import PENDING, REFUSE, REFUSED, VERIFY, Account
from ..domain.catalogue import Stations
from ..exceptions import EnterpriseAccountNotFound, StaleAccount


class EnterpriseIdentities(Protocol):
    """Who an enterprise is: whether a credit code has an account whose holder was
    proven to be that enterprise (the licence checked, or a trusted login), and being
    told when that changed here (``adapters/identities.py`` keeps the answer per process)."""

    def has_verified_account(self, uscc: str) -> bool: ...
    def changed(self) -> None: ...


class AccountExists(Exception):
    """A registration for a credit code that has an account already (pending or verified)."""


@dataclass(frozen=True)
class Registration:
    """The registration form, validated (``web/schemas/accounts.RegistrationSchema``)."""

    uscc: str
    name: str
    contact_name: str
    phone: str
    station: str
    password: str


def register(accounts: AccountRepository, passwords: Passwords, stations: Stations, form: Registration,
             now: datetime) -> Account:
    """A pending enterprise account; a refused one is registered again. AccountExists if
    the credit code has a pending or verified account."""
    contact = {"name": form.contact_name, "phone": form.phone}
    existing: Account | None = accounts.get_or_none(form.uscc)
    if existing is None:
        account = Account.register(form.uscc, form.name, contact, form.station, passwords.hash(form.password), now,
                                   stations)
        try:
            accounts.add(account)
        except AlreadyExists as exc:
            raise AccountExists(form.uscc) from exc
        return account
    if existing.state != REFUSED:
        raise AccountExists(form.uscc)
    existing.register_again(form.name, contact, form.station, passwords.hash(form.password), now, stations)
    try:
        accounts.save(existing)
    except VersionConflict as exc:
        raise AccountExists(form.uscc) from exc
    return existing


def enterprise_accounts(accounts: AccountRepository, principal: Principal, station: str | None,
                        state: str = PENDING) -> list[Account]:
    """The enterprise accounts registered at a station in a state (pending: 待核验企业账户),
    for its staff (their own station), managers and admins (any, or all with no station)."""
    if principal.role == STAFF:
        station = station or principal.station
    if station is None:
        require(principal.role in (ADMIN, MANAGER))  # every station's
    else:
        require(may_work_station(principal, station, read_only=True))
    found: list[Account] = accounts.enterprise_accounts(state, station)
    return found


def account_to_verify(accounts: AccountRepository, principal: Principal, uscc: str) -> Account:
    """One enterprise account with its registration and the audit of its verification."""
    account: Account | None = accounts.get_or_none(uscc)
    if account is None or account.role != ENTERPRISE:
        raise EnterpriseAccountNotFound(uscc)
    require(may_work_station(principal, account.verifying_station or "", read_only=True))
    return account


def decide(accounts: AccountRepository, principal: Principal, uscc: str, decision: str, checked: list[str],
           note: str | None, now: datetime, identities: EnterpriseIdentities | None = None) -> Account:
    """Staff of the account's station (or an admin) verify it against the business
    licence, naming what they checked, or refuse it with a note."""
    account = account_to_verify(accounts, principal, uscc)
    require(may_work_station(principal, account.verifying_station or ""))
    if decision == VERIFY:
        account.verify(principal.actor(), checked, note, now)
    elif decision == REFUSE:
        account.refuse(principal.actor(), note, now)
    else:
        raise ValueError(f"unknown decision {decision!r}")
    try:
        accounts.save(account)
    except VersionConflict as exc:
        raise StaleAccount(uscc) from exc
    if identities is not None:
        identities.changed()
    return account

