"""Recall → renewal: a due reminder becomes a new JL01 request in one call.

The enterprise proves who it is with its credit code and a contact phone of one of its
requests (the same rule as tracking). A renewal is kept per certificate
(``domain/renewal.py``), so a second call answers with the request the first one made.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ...common.domain import RuleViolated
from ...common.repository import AlreadyExists, VersionConflict
from ..adapters.domain_services import DomainServiceCalls
from ..adapters.repository import RenewalRepository, RequestRepository
from ..domain.model import ServiceRequest
from ..domain.renewal import Renewal
from ..exceptions import EnterpriseNotFound


def enterprise_request(requests: RequestRepository, uscc: str, phone: str | None) -> ServiceRequest:
    """The enterprise's latest request with this contact phone: who may see its instruments."""
    found = requests.latest_with_contact(uscc, (phone or "").strip()) if phone else None
    if found is None:
        raise EnterpriseNotFound(uscc)
    return found


def renewal_form(instrument: dict[str, Any], known_request: ServiceRequest) -> dict[str, Any]:
    """The one form of a JL01 request for this instrument, as the enterprise would fill it."""
    row = {"name": instrument["name"], "model": instrument.get("model") or "-",
           "serial_number": instrument["serial_number"],
           "measuring_range": instrument.get("measuring_range") or "-",
           "accuracy_class": instrument.get("accuracy_class") or "-", "quantity": 1}
    return {
        "item": "JL01",
        "enterprise": {**known_request.enterprise, "station": known_request.station},
        "contact": known_request.contact,
        "details": {"instruments": [row]},
    }


def renew(renewals: RenewalRepository, requests: RequestRepository, instrument: dict[str, Any],
          known_request: ServiceRequest, submit: Callable[[dict[str, Any]], ServiceRequest],
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
            claim = Renewal(number, known_request.enterprise["uscc"], instrument["serial_number"], now.timestamp())
            renewals.add(claim)
        else:  # a claim abandoned by a crash
            claim.claimed_at = now.timestamp()
            renewals.save(claim)
    except (AlreadyExists, VersionConflict) as exc:
        raise RuleViolated("renewal_in_progress") from exc
    request = submit(renewal_form(instrument, known_request))
    claim.request_code = request.code
    renewals.save(claim)
    return request, True


def renewal_requests(renewals: RenewalRepository, uscc: str) -> dict[str, str | None]:
    """The request each of the enterprise's renewed certificates led to, by certificate."""
    return {renewal.certificate_number: renewal.request_code for renewal in renewals.of_enterprise(uscc)}


def instrument_file(services: DomainServiceCalls, requests: RequestRepository, renewals: RenewalRepository,
                    uscc: str, phone: str | None) -> tuple[ServiceRequest, list[dict[str, Any]]]:
    """The enterprise's instrument file as metrology keeps it, each instrument with the
    renewal request its due reminder led to, for whoever gives a contact phone of one of
    its requests: (that request, the instruments)."""
    known = enterprise_request(requests, uscc, phone)
    instruments: list[dict[str, Any]] = services.call("metrology", "enterprise_instruments", uscc)
    renewed = renewal_requests(renewals, uscc)
    for instrument in instruments:
        current = instrument.get("current") or {}
        instrument["renewal_request"] = renewed.get(current.get("number") or "")
    return known, instruments


def renew_instrument(services: DomainServiceCalls, requests: RequestRepository, renewals: RenewalRepository,
                     uscc: str, phone: str | None, serial_number: str,
                     submit: Callable[[dict[str, Any]], ServiceRequest],
                     now: datetime) -> tuple[ServiceRequest, bool, dict[str, Any]]:
    """Turn the due reminder of one of the enterprise's instruments into a JL01 request:
    (the request, whether it is new, the instrument)."""
    known = enterprise_request(requests, uscc, phone)
    instrument: dict[str, Any] = services.call("metrology", "get_instrument", uscc, serial_number)
    renewed, created = renew(renewals, requests, instrument, known, submit, now)
    return renewed, created, instrument
