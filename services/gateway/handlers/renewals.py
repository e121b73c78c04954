"""Recall → renewal: a due reminder becomes a new JL01 request in one call.

Only the enterprise's verified account reads its instrument file (and the roles that
may, ``access.may_read_instrument_file``) and renews (issue 26 §1): a credit code and a
phone prove nothing, since anyone may submit a request with someone else's credit code
and their own phone. The renewal is submitted for the enterprise as its account knows
it (name, and the contact it registered, if it did), at the station of the request that
produced the certificate (and with that request's contact otherwise). A renewal is kept
per certificate (``domain/renewal.py``), so a second call answers with the request the
first one made.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...common.domain import RuleViolated
from ...common.repository import AlreadyExists, NotFound, VersionConflict
from ..adapters.domain_services import DomainServiceCalls
from ..adapters.repository import AccountRepository, RenewalRepository, RequestRepository
from ..domain.access import ENTERPRISE, Principal, may_read_instrument_file, require
from ..domain.account import Account
from ..domain.model import ServiceRequest
from ..domain.renewal import Renewal
from ..exceptions import EnterpriseNotFound, InstrumentNotFound


@dataclass(frozen=True)
class Applicant:
    """Whom a renewal is submitted for: the enterprise (name, credit code), the station
    and the contact person."""

    enterprise: dict[str, str]
    station: str
    contact: dict[str, Any]


def applicant_for(account: Account, certified: ServiceRequest) -> Applicant:
    """The enterprise as its verified ``account`` names it, at the station of the request
    ``certified`` (the one that produced the certificate due for renewal), with the
    contact the account registered or else that request's."""
    registered = (account.registration or {}).get("contact")
    return Applicant({"name": account.name, "uscc": account.uscc or account.username}, certified.station,
                     dict(registered or certified.contact))


def renewal_form(instrument: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
    """The one form of a JL01 request for this instrument, as the enterprise would fill it."""
    row = {"name": instrument["name"], "model": instrument.get("model") or "-",
           "serial_number": instrument["serial_number"],
           "measuring_range": instrument.get("measuring_range") or "-",
           "accuracy_class": instrument.get("accuracy_class") or "-", "quantity": 1}
    return {
        "item": "JL01",
        "enterprise": {**applicant.enterprise, "station": applicant.station},
        "contact": applicant.contact,
        "details": {"instruments": [row]},
    }


def renew(renewals: RenewalRepository, requests: RequestRepository, instrument: dict[str, Any],
          applicant: Applicant, submit: Callable[[dict[str, Any]], ServiceRequest],
          now: datetime) -> tuple[ServiceRequest, bool]:
    """(request, created): the JL01 request for the instrument's due reminder.

    ``submit(form)`` is the gateway's normal intake and returns the stored request.
    """
    if not instrument.get("due"):
        raise RuleViolated("no_due_reminder")
    number = instrument["current"]["number"]
    claim = renewals.get_or_none(number)
    if claim is not None and claim.request_code:
        return requests.get(claim.request_code), False
    if claim is not None and not claim.abandoned(now.timestamp()):
        raise RuleViolated("renewal_in_progress")
    try:
        if claim is None:
            claim = Renewal(number, applicant.enterprise["uscc"], instrument["serial_number"], now.timestamp())
            renewals.add(claim)
        else:  # a claim abandoned by a crash
            claim.claimed_at = now.timestamp()
            renewals.save(claim)
    except (AlreadyExists, VersionConflict) as exc:
        raise RuleViolated("renewal_in_progress") from exc
    request = submit(renewal_form(instrument, applicant))
    claim.request_code = request.code
    renewals.save(claim)
    return request, True


def renewal_requests(renewals: RenewalRepository, uscc: str) -> dict[str, str | None]:
    """The request each of the enterprise's renewed certificates led to, by certificate."""
    return {renewal.certificate_number: renewal.request_code for renewal in renewals.of_enterprise(uscc)}


def instrument_file(services: DomainServiceCalls, accounts: AccountRepository, renewals: RenewalRepository,
                    principal: Principal, uscc: str) -> tuple[str, list[dict[str, Any]]]:
    """The enterprise's instrument file as metrology keeps it, each instrument with the
    renewal request its due reminder led to: (the enterprise's name, the instruments).
    Forbidden unless the principal may read it."""
    require(may_read_instrument_file(principal, uscc))
    instruments: list[dict[str, Any]] = services.call("metrology", "enterprise_instruments", uscc)
    renewed = renewal_requests(renewals, uscc)
    for instrument in instruments:
        current = instrument.get("current") or {}
        instrument["renewal_request"] = renewed.get(current.get("number") or "")
    account: Account | None = accounts.get_or_none(uscc)
    name = account.name if account is not None else next(
        (each.get("enterprise_name") or "" for each in instruments), "")
    return name, instruments


def renew_instrument(services: DomainServiceCalls, requests: RequestRepository, renewals: RenewalRepository,
                     accounts: AccountRepository, principal: Principal, serial_number: str,
                     submit: Callable[[dict[str, Any]], ServiceRequest],
                     now: datetime) -> tuple[ServiceRequest, bool, dict[str, Any]]:
    """The signed-in enterprise turns the due reminder of one of its instruments into a
    JL01 request: (the request, whether it is new, the instrument)."""
    require(principal.role == ENTERPRISE and principal.uscc is not None)
    uscc = principal.uscc or ""
    instrument: dict[str, Any] = services.call("metrology", "get_instrument", uscc, serial_number,
                                               not_found=InstrumentNotFound)
    if not instrument.get("due"):
        raise RuleViolated("no_due_reminder")
    certified = requests.get_or_none(str((instrument.get("current") or {}).get("request_code") or ""))
    if certified is None or certified.enterprise["uscc"] != uscc:
        raise EnterpriseNotFound(uscc)
    renewed, created = renew(renewals, requests, instrument, applicant_for(accounts.get(principal.username), certified),
                             submit, now)
    return renewed, created, instrument


# At most this many instruments renewed by one post (a page lists an enterprise's due ones).
MAX_BATCH = 50


@dataclass(frozen=True)
class RenewalOutcome:
    """What became of one instrument of a batch: its renewal request (new or the one its
    certificate led to before), or why it was not renewed (a message key)."""

    serial_number: str
    request: ServiceRequest | None = None
    created: bool = False
    refused: str | None = None


def renew_instruments(services: DomainServiceCalls, requests: RequestRepository, renewals: RenewalRepository,
                      accounts: AccountRepository, principal: Principal, serial_numbers: list[str],
                      submit: Callable[[dict[str, Any]], ServiceRequest], now: datetime) -> list[RenewalOutcome]:
    """The signed-in enterprise renews several due instruments at once: one JL01 request
    per instrument, each idempotent per certificate as :func:`renew_instrument` is. One
    refused (no due reminder, another renewal being submitted, not in the file) does not
    hold back the others."""
    require(principal.role == ENTERPRISE and principal.uscc is not None)
    outcomes = []
    for serial in list(dict.fromkeys(serial.strip() for serial in serial_numbers if serial.strip()))[:MAX_BATCH]:
        try:
            request, created, _ = renew_instrument(services, requests, renewals, accounts, principal, serial,
                                                   submit, now)
            outcomes.append(RenewalOutcome(serial, request, created))
        except RuleViolated as refused:
            outcomes.append(RenewalOutcome(serial, refused=refused.code))
        except NotFound:
            outcomes.append(RenewalOutcome(serial, refused="instrument_not_found"))
    return outcomes
