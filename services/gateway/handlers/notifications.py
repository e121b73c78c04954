"""The notifier's use cases (issue 29 §2): events in, deliveries out.

It runs in the gateway, which holds the requests, the accounts and their contacts: the
relay hands its confirmed batches of the gateway's own events to
:func:`record_in_chunks` (as it hands them to the event log), and two event
consumers call :func:`record_recall` and :func:`record_standard_ended`; these only
*write* the deliveries an event calls for (one per event × recipient × channel, written
once whatever is handed on or delivered again); its timer calls :func:`send_due`, which
claims each due delivery and sends it. A sender that dies between the provider's
acceptance and marking it sent leaves the delivery claimed; its lease ends, it is sent
again with the same key (the provider's idempotency key) and marked sent.

Ports: ``deliveries`` (adapters/notifications.MongoDeliveries), ``settings``
(MongoNotificationSettings), ``accounts`` and ``requests`` (repositories), ``channels``
({"sms": …, "email": …}, adapters/channels.py).
"""

import itertools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from ...common.contracts import StandardEnded
from ..adapters.channels import SendFailed
from ..domain import notifications as notify
from ..domain import sla
from ..domain.access import ENTERPRISE, Principal, require
from ..domain.calendar import WorkingCalendar
from ..domain.catalogue import Catalogue
from ..domain.model import ServiceRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Links:
    """Where a message's link leads, under the platform's public address."""

    base: str

    def enterprise_request(self, code: str, has_account: bool) -> str:
        return f"{self.base}/me/requests/{code}" if has_account else f"{self.base}/track?code={quote(code)}"

    def staff_request(self, code: str) -> str:
        return f"{self.base}/staff/requests/{code}"

    def operator_job(self, code: str) -> str:
        return f"{self.base}/staff/jobs/{code}"

    def instruments(self) -> str:
        return f"{self.base}/me/instruments"

    def notices(self) -> str:
        return f"{self.base}/me/notices"


def _account_of(accounts: Any, uscc: str | None) -> Any:
    """The enterprise's account if it has one that signs in (whose /me shows in-app notices)."""
    if not uscc:
        return None
    account = accounts.get_or_none(uscc)
    if account is None or account.role != ENTERPRISE or not account.may_sign_in:
        return None
    return account


def _registered_phone(account: Any) -> list[str]:
    contact = (account.registration or {}).get("contact") or {} if account is not None else {}
    phone = contact.get("phone")
    return [phone] if isinstance(phone, str) and phone else []


def _request_facts(request: ServiceRequest, catalogue: Catalogue, calendar: WorkingCalendar) -> dict[str, Any]:
    due = sla.Clock(catalogue.committed_days(request.item), calendar).due(request) if request.accepted_at else None
    documents = list(request.documents_issued) or [
        value for key, value in (request.result or {}).items() if key.endswith("_number") and isinstance(value, str)]
    return {"code": request.code, "item": request.item, "domain": request.domain,
            "due": due.isoformat() if due else None, "documents": documents}


def _code_told_of(envelope: dict[str, Any]) -> str | None:
    """The request a gateway event tells someone of, or None for an event that tells nobody."""
    event_type = envelope["type"]
    if not (event_type in notify.ENTERPRISE_EVENTS or event_type in notify.STATION_EVENTS
            or event_type in notify.DOMAIN_EVENTS):
        return None
    code = envelope.get("request_code") or (envelope.get("data") or {}).get("code")
    return code if isinstance(code, str) and code else None


class _Enterprises:
    """The enterprises' accounts and notification settings, each read once per batch."""

    def __init__(self, accounts: Any, settings: Any) -> None:
        self.accounts, self.settings = accounts, settings
        self._account: dict[str, Any] = {}
        self._off: dict[str, list[str]] = {}

    def account(self, uscc: str | None) -> Any:
        if not uscc:
            return None
        if uscc not in self._account:
            self._account[uscc] = _account_of(self.accounts, uscc)
        return self._account[uscc]

    def off(self, uscc: str | None) -> list[str]:
        if not uscc:
            return []
        if uscc not in self._off:
            self._off[uscc] = list(self.settings.off(uscc))
        return self._off[uscc]


def _planned_for(envelope: dict[str, Any], request: ServiceRequest, enterprises: _Enterprises, catalogue: Catalogue,
                 calendar: WorkingCalendar, links: Links, now: datetime) -> list[notify.Delivery]:
    """The deliveries one gateway event calls for, about its request."""
    event_type, data, event_id, code = envelope["type"], envelope.get("data") or {}, envelope["event_id"], request.code
    facts = {**_request_facts(request, catalogue, calendar), "note": data.get("note"),
             "reason": data.get("reason")}
    if event_type in ("sla_at_risk", "sla_breached"):
        facts["due"] = data.get("due_date") or facts["due"]
    planned: list[notify.Delivery] = []
    if event_type in notify.ENTERPRISE_EVENTS:
        uscc = request.enterprise.get("uscc")
        account = enterprises.account(uscc)
        recipients = notify.enterprise_recipients(request.contact, account.username if account else None)
        planned += notify.plan(event_id, notify.ENTERPRISE_EVENTS[event_type], facts, recipients,
                               links.enterprise_request(code, account is not None), now,
                               off=enterprises.off(uscc), uscc=uscc, station=request.station)
    if event_type in notify.STATION_EVENTS:
        planned += notify.plan(event_id, notify.STATION_EVENTS[event_type], facts,
                               [notify.Recipient.station(request.station)], links.staff_request(code), now,
                               station=request.station)
    if event_type in notify.DOMAIN_EVENTS:
        planned += notify.plan(event_id, notify.DOMAIN_EVENTS[event_type], facts,
                               [notify.Recipient.domain(request.domain)], links.operator_job(code), now,
                               domain=request.domain)
    return planned


def record_for_gateway_events(deliveries: Any, settings: Any, accounts: Any, requests: Any, catalogue: Catalogue,
                              calendar: WorkingCalendar, links: Links, envelopes: list[dict[str, Any]],
                              now: datetime, store_failures: tuple[type[Exception], ...]
                              ) -> tuple[int, list[dict[str, Any]]]:
    """The deliveries a batch of the gateway's own events calls for (the relay's confirmed
    batch, ``bootstrap.hand_on_confirmed``): the enterprise's (its request's contact by SMS
    and e-mail, its account in-app), the station's staff's and the domain's operators'
    (in-app). The batch's requests are read in one query and its deliveries written in one
    command, not a read and a write per event (nx-27017 runs one command at a time).

    Returns how many deliveries were new (0 for events seen before) and the events none
    could be planned for: a bug, logged, rather than holding up every event behind it. A
    failure of the store (one of ``store_failures``) raises: the relay then hands the
    batch on again, and what was written already is not written twice."""
    told_of = [(envelope, code) for envelope in envelopes if (code := _code_told_of(envelope))]
    if not told_of:
        return 0, []
    found = requests.by_codes(sorted({code for _, code in told_of}))
    enterprises = _Enterprises(accounts, settings)
    planned: list[notify.Delivery] = []
    failed: list[dict[str, Any]] = []
    for envelope, code in told_of:
        request = found.get(code)
        if request is None:
            continue  # a multi-item submission's parent, say: its children are told of
        try:
            planned += _planned_for(envelope, request, enterprises, catalogue, calendar, links, now)
        except store_failures:
            raise
        except Exception:  # noqa: BLE001 - the others are still told
            log.exception("no notices could be planned for event %s (%s) of request %s",
                          envelope["event_id"], envelope["type"], code)
            failed.append(envelope)
    return (int(deliveries.record(planned)) if planned else 0), failed


# Events whose notices are planned between two reads of the store: the relay runs in the
# gateway's process, and planning a whole batch (some 175 events at 350 submissions a
# second) is work without I/O that held up every request meanwhile.
PLANNED_AT_ONCE = 50


@dataclass(frozen=True)
class Told:
    """What a run of the gateway's events came to: how many events, how many deliveries
    were new, and the events none could be planned for."""

    events: int
    new: int
    not_planned: list[dict[str, Any]]


def record_in_chunks(deliveries: Any, settings: Any, accounts: Any, requests: Any, catalogue: Catalogue,
                     calendar: WorkingCalendar, links: Links, envelopes: Iterable[dict[str, Any]], now: datetime,
                     store_failures: tuple[type[Exception], ...]) -> Told:
    """:func:`record_for_gateway_events`, ``PLANNED_AT_ONCE`` events at a time: the
    relay's confirmed batch, or the event log read again (``cli/notifications.py``)."""
    events, new = 0, 0
    not_planned: list[dict[str, Any]] = []
    remaining = iter(envelopes)
    while chunk := list(itertools.islice(remaining, PLANNED_AT_ONCE)):
        written, failed = record_for_gateway_events(deliveries, settings, accounts, requests, catalogue, calendar,
                                                    links, chunk, now, store_failures)
        events, new, not_planned = events + len(chunk), new + written, not_planned + failed
    return Told(events, new, not_planned)


def record_recall(deliveries: Any, settings: Any, accounts: Any, requests: Any, links: Links,
                  envelope: dict[str, Any], now: datetime) -> int:
    """metrology.calibration_due (30, 7 and 0 days before a verification ends): the
    enterprise's account in-app and its registered mobile, and the contact of the request
    that verified the instrument, by SMS and e-mail."""
    data = envelope.get("data") or {}
    uscc = data.get("uscc")
    if not uscc:
        return 0
    account = _account_of(accounts, uscc)
    request = requests.get_or_none(envelope["request_code"]) if envelope.get("request_code") else None
    recipients = notify.enterprise_recipients(request.contact if request else None,
                                              account.username if account else None, _registered_phone(account))
    facts = {"code": envelope.get("request_code"), "instrument": data.get("instrument_name"),
             "valid_until": data.get("valid_until"), "days_left": data.get("days_left")}
    planned = notify.plan(envelope["event_id"], notify.RECALL_DUE, facts, recipients, links.instruments(), now,
                          off=settings.off(uscc), uscc=uscc)
    return int(deliveries.record(planned))


def record_standard_ended(deliveries: Any, settings: Any, accounts: Any, links: Links, event_id: str,
                          ended: StandardEnded, now: datetime) -> int:
    """standards.standard_superseded: each following enterprise's account in-app and its
    registered mobile."""
    new = 0
    facts = {"number": ended.number, "status": ended.status, "replaced_by": ended.replaced_by}
    for follower in ended.followers:
        account = _account_of(accounts, follower.uscc)
        if account is None:
            continue  # no account to read a notice on, no number it gave us
        recipients = notify.enterprise_recipients(None, account.username, _registered_phone(account))
        new += deliveries.record(notify.plan(event_id, notify.STANDARD_SUPERSEDED,
                                             {**facts, "code": follower.request_code}, recipients, links.notices(),
                                             now, off=settings.off(follower.uscc), uscc=follower.uscc))
    return new


# -- sending ------------------------------------------------------------------------------------
def send_due(deliveries: Any, settings: Any, channels: dict[str, Any], clock: Callable[[], datetime],
             max_attempts: int, batch: int = 50) -> dict[str, int]:
    """Send up to ``batch`` deliveries whose time has come, one claim at a time; a failed
    send is tried again later (back-off) and ``failed`` after ``max_attempts``. A kind the
    enterprise turned off since the delivery was written (while it waited for 08:00 or for
    a retry) is not sent: ``opted_out``. Counts of what happened, by outcome."""
    outcome = {"sent": 0, "retry": 0, "failed": 0, "opted_out": 0}
    for _ in range(batch):
        delivery = deliveries.claim_due(clock(), notify.LEASE_SECONDS)
        if delivery is None:
            break
        if delivery.uscc and not notify.wanted(delivery.kind, settings.off(delivery.uscc)):
            deliveries.mark_opted_out(delivery.key, delivery.attempts, clock())
            outcome["opted_out"] += 1
            continue
        outcome[_send_one(deliveries, channels, delivery, clock, max_attempts)] += 1
    return outcome


def _send_one(deliveries: Any, channels: dict[str, Any], delivery: notify.Delivery,
              clock: Callable[[], datetime], max_attempts: int) -> str:
    channel = channels.get(delivery.channel)
    try:
        if channel is None:
            raise SendFailed(f"no channel {delivery.channel}", permanent=True)
        channel.send(delivery.address, delivery.subject, delivery.text, delivery.key)
    except SendFailed as exc:
        now = clock()
        again = None if exc.permanent else notify.retry_at(delivery.attempts, now, delivery.channel,
                                                            max_attempts=max_attempts)
        if again is None:
            log.warning("notification %s failed for good: %s", delivery.key, exc)
            deliveries.mark_failed(delivery.key, delivery.attempts, str(exc), now)
            return "failed"
        log.info("notification %s failed (attempt %d), again at %s: %s", delivery.key, delivery.attempts,
                 again.isoformat(), exc)
        deliveries.mark_retry(delivery.key, delivery.attempts, str(exc), again)
        return "retry"
    deliveries.mark_sent(delivery.key, delivery.attempts, clock())
    return "sent"


# -- reading ------------------------------------------------------------------------------------
def of_request(deliveries: Any, code: str) -> list[dict[str, Any]]:
    """A request's deliveries as staff see them: channel, masked recipient, kind,
    status, attempts, times, the last error."""
    return [delivery_row(delivery) for delivery in deliveries.of_request(code)]


def delivery_row(delivery: notify.Delivery) -> dict[str, Any]:
    # An in-app recipient is a station, an enterprise's account or a domain's operators
    # ("station:321322"): the page names which, beside the code.
    in_app_to = delivery.recipient.split(":", 1)[0] if delivery.channel == notify.IN_APP else None
    return {"channel": delivery.channel, "recipient": delivery.masked, "in_app_to": in_app_to, "kind": delivery.kind,
            "status": delivery.status, "attempts": delivery.attempts,
            "created_at": delivery.created_at.isoformat(), "not_before": delivery.not_before.isoformat(),
            "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
            "error": delivery.last_error}


def inbox(deliveries: Any, who: str, limit: int = 100) -> list[notify.Delivery]:
    """The in-app notices of one recipient (an enterprise, a station, a domain), newest first."""
    return [delivery for delivery in deliveries.to_recipient(who, limit) if delivery.channel == notify.IN_APP
            and delivery.status == notify.SENT]


def station_inbox(deliveries: Any, principal: Principal, station: str | None, limit: int = 10) -> list[
        notify.Delivery]:
    """The in-app notices of a station (new requests, due today, overdue, 补正 answers),
    for its staff, managers and admins; none for a station the principal may not read."""
    if not station or not (principal.station == station or principal.role in ("manager", "admin")):
        return []
    return inbox(deliveries, notify.Recipient.station(station).who, limit)


def domain_inbox(deliveries: Any, principal: Principal, domain: str, limit: int = 10) -> list[notify.Delivery]:
    """The in-app notices of a domain's operators (requests dispatched to it); managers
    and admins read any domain's."""
    if not (principal.domain == domain or principal.role in ("manager", "admin")):
        return []
    return inbox(deliveries, notify.Recipient.domain(domain).who, limit)


def enterprise_inbox(deliveries: Any, principal: Principal, limit: int = 100) -> list[notify.Delivery]:
    require(principal.role == ENTERPRISE and principal.uscc is not None)
    return inbox(deliveries, notify.Recipient.enterprise(str(principal.uscc)).who, limit)


# -- the enterprise's settings ------------------------------------------------------------------
def settings_of(settings: Any, principal: Principal) -> dict[str, Any]:
    """Each kind the enterprise receives, whether it is on, and whether it may be turned off."""
    require(principal.role == ENTERPRISE and principal.uscc is not None)
    off = set(settings.off(str(principal.uscc)))
    return {"kinds": [{"kind": kind, "on": kind not in off, "mandatory": kind in notify.MANDATORY}
                      for kind in notify.ENTERPRISE_KINDS]}


def change_settings(settings: Any, principal: Principal, off: list[str], now: datetime) -> dict[str, Any]:
    """Turn ``off`` these kinds and every other back on; MandatoryKind for 补正 or rejection."""
    require(principal.role == ENTERPRISE and principal.uscc is not None)
    settings.set_off(str(principal.uscc), sorted(notify.turned_off(off)), now)
    return settings_of(settings, principal)
