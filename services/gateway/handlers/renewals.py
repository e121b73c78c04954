"""Recall → renewal: a due reminder becomes a new JL01 request in one call.

The enterprise proves who it is with its credit code and a contact phone of one of its
requests (the same rule as tracking). A renewal is kept per certificate (the 30-, 7- and
0-day reminders of one certificate lead to one request), so a second call answers with
the request the first one made. The claim is written before the request is submitted,
so two quick clicks cannot make two requests; a claim left by a crash is taken over
after ``CLAIM_SECONDS``.
"""

from dataclasses import dataclass, field

from ...common.domain import RuleViolated
from ...common.repository import AggregateRepository, AlreadyExists, VersionConflict

CLAIM_SECONDS = 60


class EnterpriseNotFound(Exception):
    """No request of this credit code has this contact phone (told apart from nothing)."""


@dataclass
class Renewal:
    certificate_number: str
    uscc: str
    serial_number: str
    claimed_at: float
    request_code: str | None = None
    version: int = 0
    new_events: list = field(default_factory=list)


class RenewalRepository(AggregateRepository):
    aggregate = Renewal
    key = "certificate_number"
    source = "gateway"

    def request_code_of(self, renewal):
        return renewal.request_code

    def of_enterprise(self, uscc):
        return self.find({"uscc": uscc})


def enterprise_request(requests, uscc, phone):
    """The enterprise's latest request with this contact phone: who may see its instruments."""
    found = requests.find({"enterprise.uscc": uscc, "contact.phone": (phone or "").strip()},
                          sort=[("submitted_at", -1)], limit=1)
    if not found or not phone:
        raise EnterpriseNotFound(uscc)
    return found[0]


def renewal_form(instrument, known_request):
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


def renew(renewals, requests, instrument, known_request, submit, now):
    """(request, created): the JL01 request for the instrument's due reminder.

    ``submit(form)`` is the gateway's normal intake and returns the stored request.
    """
    if not instrument.get("due"):
        raise RuleViolated("no_due_reminder")
    number = instrument["current"]["number"]
    claim = renewals.get_or_none(number)
    if claim is not None and claim.request_code:
        return requests.get_or_none(claim.request_code), False
    if claim is not None and now.timestamp() - claim.claimed_at < CLAIM_SECONDS:
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
