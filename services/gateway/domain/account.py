"""Accounts of the people who sign in (DESIGN §1), in plain Python.

An enterprise account (issue 26 §1) is who an enterprise is on the platform: its credit
code is public, so typing it proves nothing. An enterprise registers online
(:meth:`Account.register`: credit code, name, contact, phone, password, the station where
it will show its business licence) and stays ``pending`` until staff of that station
check the licence (营业执照) and verify it — or refuse it, saying why — or an admin does;
each decision is kept on the account (who, when, what was checked, the note). Only a
``verified`` account signs in; what is keyed by a credit code opens to it alone (and to
the roles that may read it, ``access.may_read_enterprise``). Accounts made by an
administrator (the command line, the dev platform's demo) are verified when made. A
refused registration may be made again, by whoever holds the licence.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from ...common.domain import DomainEvent, InvalidTransition, RuleViolated
from .access import ENTERPRISE, OPERATOR, ROLES, STAFF, Actor
from .catalogue import DOMAINS, Stations
from .uscc import InvalidCreditCode, normalize_credit_code

PENDING = "pending"
VERIFIED = "verified"
REFUSED = "refused"
ACCOUNT_STATES = (PENDING, VERIFIED, REFUSED)
VERIFY = "verify"
REFUSE = "refuse"
# What staff compare on the business licence before they verify: both must match.
LICENCE_CHECKS = ("licence_uscc", "licence_name")

# The addresses an account signed in from lately (issue 26 §6): failures from strangers
# never refuse the owner at one of them (domain/throttle.py).
MAX_KNOWN_ADDRESSES = 20
# Colleagues an enterprise names on its account, to be told about its requests (issue 29).
MAX_CONTACTS = 20


def address_mark(username: str, address: str) -> str:
    """What is kept of an address an account signed in from: enough to recognise it,
    not the address itself (salted with the username, so marks of two accounts differ)."""
    return hashlib.sha256(f"{username}\n{address}".encode()).hexdigest()[:32]


class InvalidAccount(ValueError):
    """``field`` names what is wrong (a message key is ``reason``)."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason

@dataclass
class Account:
    username: str
    role: str
    name: str
    password_hash: str
    station: str | None = None
    domain: str | None = None
    uscc: str | None = None
    active: bool = True
    token_version: int = 0
    created_at: str = ""
    known_addresses: list[str] = field(default_factory=list)  # address marks, the latest last
    state: str = VERIFIED  # an enterprise's registration: pending until its licence is checked
    # an online registration: {"station", "contact": {"name", "phone"}, "registered_at"}
    registration: dict[str, Any] | None = None
    # the audit of its verification: [{"at", "decision", "by", "checked", "note"}]
    verifications: list[dict[str, Any]] = field(default_factory=list)
    # an enterprise's colleagues: [{"name", "phone"}], the phone as its 11 digits (domain/phones.py)
    contacts: list[dict[str, str]] = field(default_factory=list)
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def create(cls, username: str, role: str, name: str, password_hash: str, now: datetime, stations: Stations,
               station: str | None = None, domain: str | None = None, uscc: str | None = None) -> Self:
        """A new account, bound as its role needs (staff to a station, operators to a
        domain, enterprises to their credit code, which is also their username)."""
        if role not in ROLES:
            raise InvalidAccount("role", "unknown_role")
        if role == STAFF and (station is None or stations.get(station) is None):
            raise InvalidAccount("station", "unknown_station")
        if role == OPERATOR and domain not in DOMAINS:
            raise InvalidAccount("domain", "unknown_domain")
        if role == ENTERPRISE:
            try:
                uscc = normalize_credit_code(uscc or username)
            except InvalidCreditCode as exc:
                raise InvalidAccount("uscc", f"uscc_{exc.reason}") from exc
            username = uscc
        if not username or len(username) > 64:
            raise InvalidAccount("username", "bad_username")
        return cls(
            username=username, role=role, name=name, password_hash=password_hash,
            station=station if role == STAFF else None,
            domain=domain if role == OPERATOR else None,
            uscc=uscc if role == ENTERPRISE else None,
            created_at=now.isoformat(),
        )

    @classmethod
    def register(cls, uscc: str, name: str, contact: dict[str, str], station: str, password_hash: str,
                 now: datetime, stations: Stations) -> Self:
        """An enterprise's own registration: pending until its station checks the licence."""
        account = cls.create(uscc, ENTERPRISE, name, password_hash, now, stations, uscc=uscc)
        if stations.get(station) is None:
            raise InvalidAccount("station", "unknown_station")
        account.state = PENDING
        account.registration = {"station": station, "contact": dict(contact), "registered_at": now.isoformat()}
        return account

    def register_again(self, name: str, contact: dict[str, str], station: str, password_hash: str, now: datetime,
                       stations: Stations) -> None:
        """A refused registration made again (by whoever holds the licence this time)."""
        if self.state != REFUSED:
            raise InvalidTransition(self.username, self.state, PENDING)
        again = Account.register(self.username, name, contact, station, password_hash, now, stations)
        self.name, self.password_hash = again.name, again.password_hash
        self.state, self.registration = PENDING, again.registration
        self.token_version += 1

    @property
    def verifying_station(self) -> str | None:
        """The station whose staff check this enterprise's licence (None: made by an administrator)."""
        return (self.registration or {}).get("station")

    def verify(self, actor: Actor, checked: list[str], note: str | None, now: datetime) -> None:
        """Staff saw the business licence: its credit code and name are this account's."""
        missing = [check for check in LICENCE_CHECKS if check not in checked]
        if missing:
            raise RuleViolated("licence_not_checked", {"checks": ", ".join(missing)})
        self._decide(VERIFY, VERIFIED, actor, [check for check in LICENCE_CHECKS if check in checked], note, now)

    def refuse(self, actor: Actor, note: str | None, now: datetime) -> None:
        """The licence does not match (or was not shown): the account stays closed."""
        if not (note or "").strip():
            raise RuleViolated("refusal_needs_note")
        self._decide(REFUSE, REFUSED, actor, [], note, now)

    def _decide(self, decision: str, state: str, actor: Actor, checked: list[str], note: str | None,
                now: datetime) -> None:
        if self.role != ENTERPRISE or self.state != PENDING:
            raise InvalidTransition(self.username, self.state, state)
        self.state = state
        self.verifications = [*self.verifications, {
            "at": now.isoformat(), "decision": decision, "by": dict(actor), "checked": checked,
            "note": (note or "").strip() or None, "licence": "business_licence"}]

    @property
    def may_sign_in(self) -> bool:
        return self.active and self.state == VERIFIED

    def change_password(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.token_version += 1  # refresh tokens issued before stop working

    def disable(self) -> None:
        self.active = False
        self.token_version += 1

    def add_contact(self, name: str, phone: str) -> None:
        """Name a colleague (an enterprise's account only); ``phone`` is normalised
        already. A number named twice, or one contact too many, is refused."""
        if self.role != ENTERPRISE:
            raise RuleViolated("contacts_are_enterprises")
        name = name.strip()
        if not name:
            raise InvalidAccount("name", "required")
        if any(contact["phone"] == phone for contact in self.contacts):
            raise RuleViolated("contact_exists", {"phone": phone})
        if len(self.contacts) >= MAX_CONTACTS:
            raise RuleViolated("too_many_contacts", {"max": MAX_CONTACTS})
        self.contacts = [*self.contacts, {"name": name, "phone": phone}]

    def remove_contact(self, phone: str) -> bool:
        """Forget a colleague's number; False if it was not there."""
        kept = [contact for contact in self.contacts if contact["phone"] != phone]
        if len(kept) == len(self.contacts):
            return False
        self.contacts = kept
        return True

    def knows_address(self, address: str) -> bool:
        """Whether the account signed in from this address lately."""
        return address_mark(self.username, address) in self.known_addresses

    def remember_address(self, address: str) -> bool:
        """Keep the address it signed in from among the latest ``MAX_KNOWN_ADDRESSES``;
        False if it was known already."""
        mark = address_mark(self.username, address)
        if mark in self.known_addresses:
            return False
        self.known_addresses = [*self.known_addresses, mark][-MAX_KNOWN_ADDRESSES:]
        return True

    def claims(self) -> dict[str, Any]:
        return {"username": self.username, "role": self.role, "name": self.name, "station": self.station,
                "domain": self.domain, "uscc": self.uscc, "token_version": self.token_version}
