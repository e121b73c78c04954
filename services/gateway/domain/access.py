"""Who may see and do what (DESIGN §6, least access). Pure rules, no I/O.

Roles:

* ``enterprise`` — a verified enterprise account (``account.py``), signed in with its
  credit code; sees its own requests and what is keyed by its credit code.
* ``staff`` — works one county station's queue (``station``).
* ``operator`` — works one domain service's jobs (``domain``).
* ``manager`` — 市场监管局 / 质量发展委员会: reads everything city-wide, changes nothing.
* ``admin`` — manages accounts and reference data; may act anywhere.

Anonymous users may still submit the form, track a request with its code and contact
phone (that request and its own documents, nothing of the enterprise beyond it), and
verify a certificate number.
"""

from dataclasses import dataclass
from typing import NotRequired, TypedDict

ENTERPRISE = "enterprise"
STAFF = "staff"
OPERATOR = "operator"
MANAGER = "manager"
ADMIN = "admin"
ROLES = (ENTERPRISE, STAFF, OPERATOR, MANAGER, ADMIN)


class Actor(TypedDict):
    """Who took a step, as a timeline entry (the audit trail) names them: a person (their
    role, name and, when signed in, username, station or domain) or a service or the
    system (``role`` and ``name`` only)."""

    role: str
    name: str
    username: NotRequired[str]
    station: NotRequired[str]
    domain: NotRequired[str]


class Forbidden(Exception):
    """Signed in, but this is not yours to see or do (HTTP 403)."""


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    name: str
    station: str | None = None  # staff
    domain: str | None = None  # operators
    uscc: str | None = None  # enterprises

    def actor(self) -> Actor:
        """How the principal appears in a timeline (the audit trail)."""
        actor: Actor = {"role": self.role, "name": self.name, "username": self.username}
        if self.station:
            actor["station"] = self.station
        if self.domain:
            actor["domain"] = self.domain
        return actor


def may_operate(principal: Principal, domain: str, read_only: bool = False) -> bool:
    """Work (or, read-only, look at) a domain service's jobs and documents."""
    return (
        principal.role == ADMIN
        or (principal.role == OPERATOR and principal.domain == domain)
        or (principal.role == MANAGER and read_only)
    )


def may_work_station(principal: Principal, station: str, read_only: bool = False) -> bool:
    """Act on (or, read-only, look at) the requests held by a station."""
    return (
        principal.role == ADMIN
        or (principal.role == STAFF and principal.station == station)
        or (principal.role == MANAGER and read_only)
    )


def may_see_request(principal: Principal, station: str, domain: str | None, uscc: str) -> bool:
    """See one request: its enterprise, its station's staff, its domain's operators,
    managers and admins."""
    return (
        principal.role in (ADMIN, MANAGER)
        or (principal.role == STAFF and principal.station == station)
        or (principal.role == OPERATOR and principal.domain == domain)
        or (principal.role == ENTERPRISE and principal.uscc == uscc)
    )


def may_read_enterprise(principal: Principal, uscc: str) -> bool:
    """Read what is keyed by a credit code (its notices, its requests, its renewals): the
    enterprise's own verified account, managers and admins."""
    return principal.role in (ADMIN, MANAGER) or (principal.role == ENTERPRISE and principal.uscc == uscc)


def may_read_instrument_file(principal: Principal, uscc: str) -> bool:
    """Read an enterprise's instrument file: whoever may read the enterprise, and
    metrology's operators, who keep the file."""
    return may_read_enterprise(principal, uscc) or (principal.role == OPERATOR and principal.domain == "metrology")


def may_administer(principal: Principal) -> bool:
    return principal.role == ADMIN


def require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden()
