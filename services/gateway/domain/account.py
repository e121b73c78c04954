"""Accounts of the people who sign in (DESIGN §1), in plain Python."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from ...common.domain import DomainEvent
from .access import ENTERPRISE, OPERATOR, ROLES, STAFF
from .catalogue import DOMAINS, Stations
from .uscc import InvalidCreditCode, normalize_credit_code

# The addresses an account signed in from lately (issue 26 §6): failures from strangers
# never refuse the owner at one of them (domain/throttle.py).
MAX_KNOWN_ADDRESSES = 20


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

    def change_password(self, password_hash: str) -> None:
        self.password_hash = password_hash
        self.token_version += 1  # refresh tokens issued before stop working

    def disable(self) -> None:
        self.active = False
        self.token_version += 1

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
