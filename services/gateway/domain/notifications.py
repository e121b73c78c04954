"""Telling people (DESIGN §6 "people are told", issue 29 §2), in plain Python.

The notifier turns an event the services already published into *deliveries*: one per
event × recipient × channel, keyed by the three (:func:`delivery_key`), so an event
delivered twice by the broker plans the same keys and the store keeps each once. A
delivery is written before anything is sent; the sender then claims it, sends it with its
key as the provider's idempotency key (an SMS's out-id, an e-mail's Message-ID) and marks
it sent, or retries it later (:func:`retry_at`) and gives up as ``failed`` after
:data:`MAX_ATTEMPTS`.

Channels: ``sms`` to a mainland mobile (zh-CN, one segment of 70 characters where it
fits), ``email`` where an address was given (zh-CN then English), ``in_app`` (shown on
the enterprise's /me pages and in the staff console; it is delivered when written).

Rules kept here: no SMS between 21:00 and 08:00 Beijing time unless it is about a
deadline that falls today (:func:`not_before`); an enterprise may turn off any kind it
receives except 补正 and rejection (:data:`MANDATORY`).
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from ...common.clock import CHINA, china_date

SMS = "sms"
EMAIL = "email"
IN_APP = "in_app"
CHANNELS = (SMS, EMAIL, IN_APP)

# -- kinds ------------------------------------------------------------------------------------
# The enterprise's
ACCEPTED = "accepted"
MATERIAL_REQUESTED = "material_requested"  # 补正
REJECTED = "rejected"
TERMINATED = "terminated"
DISPATCHED = "dispatched"
COMPLETED = "completed"
RECALL_DUE = "recall_due"
STANDARD_SUPERSEDED = "standard_superseded"
ENTERPRISE_KINDS = (ACCEPTED, MATERIAL_REQUESTED, REJECTED, TERMINATED, DISPATCHED, COMPLETED, RECALL_DUE,
                    STANDARD_SUPERSEDED)
# The station's staff and the domain's operators
NEW_REQUEST = "new_request"
SLA_AT_RISK = "sla_at_risk"
SLA_BREACHED = "sla_breached"
SUPPLEMENTED = "supplemented"
STAFF_KINDS = (NEW_REQUEST, SLA_AT_RISK, SLA_BREACHED, SUPPLEMENTED)
KINDS = ENTERPRISE_KINDS + STAFF_KINDS
# What an enterprise cannot turn off: it must act on a 补正, and a rejection ends its request.
MANDATORY = frozenset({MATERIAL_REQUESTED, REJECTED})
OPTIONAL_KINDS = tuple(kind for kind in ENTERPRISE_KINDS if kind not in MANDATORY)

# The gateway's own events and the kind each one tells the enterprise of.
ENTERPRISE_EVENTS = {
    "request_accepted": ACCEPTED,
    "request_material_requested": MATERIAL_REQUESTED,
    "request_rejected": REJECTED,
    "request_terminated": TERMINATED,
    "request_dispatched": DISPATCHED,
    "request_completed": COMPLETED,
}
# ... and those that tell staff (at the station) or operators (of the domain).
STATION_EVENTS = {
    "request_submitted": NEW_REQUEST,
    "sla_at_risk": SLA_AT_RISK,
    "sla_breached": SLA_BREACHED,
    "request_supplemented": SUPPLEMENTED,
}
DOMAIN_EVENTS = {"request_dispatched": NEW_REQUEST}

# -- states of a delivery -----------------------------------------------------------------------
QUEUED = "queued"  # written, waiting for its time (not_before) or for the sender
SENDING = "sending"  # claimed by a sender; claimed again once its lease ran out (a crash)
SENT = "sent"
FAILED = "failed"  # gave up after MAX_ATTEMPTS
OPTED_OUT = "opted_out"  # the enterprise turned this kind off: kept, never sent
STATES = (QUEUED, SENDING, SENT, FAILED, OPTED_OUT)

MAX_ATTEMPTS = 5
FIRST_RETRY_SECONDS = 30.0
LONGEST_RETRY_SECONDS = 3600.0
# How long a claimed delivery is its sender's: longer than a provider call may take
# (SMTP and the SMS API time out well before), short enough that a crash delays little.
LEASE_SECONDS = 60.0

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
SMS_SEGMENT = 70  # characters of one SMS segment in Chinese (UCS-2)


def delivery_key(event_id: str, recipient: str, channel: str) -> str:
    """The one key of an event's delivery to a recipient on a channel; also the
    provider's idempotency key, so a send retried after a crash is delivered once."""
    return f"{event_id}:{recipient}:{channel}"


def provider_key(key: str) -> str:
    """The delivery key as a provider takes it (an SMS out-id, the left of a Message-ID):
    32 hex digits, the same for every try of one delivery."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


# -- who is told --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipient:
    """Someone to tell on one channel: ``who`` names them for good (``phone:…``,
    ``email:…``, ``enterprise:<uscc>``, ``station:<division>``, ``domain:<name>``),
    ``address`` is where the channel sends (the number, the address, the account)."""

    who: str
    channel: str
    address: str

    @classmethod
    def phone(cls, number: str) -> "Recipient":
        return cls(f"phone:{number}", SMS, number)

    @classmethod
    def email(cls, address: str) -> "Recipient":
        return cls(f"email:{address.lower()}", EMAIL, address)

    @classmethod
    def enterprise(cls, uscc: str) -> "Recipient":
        return cls(f"enterprise:{uscc}", IN_APP, uscc)

    @classmethod
    def station(cls, division: str) -> "Recipient":
        return cls(f"station:{division}", IN_APP, division)

    @classmethod
    def domain(cls, name: str) -> "Recipient":
        return cls(f"domain:{name}", IN_APP, name)


def enterprise_recipients(contact: dict[str, Any] | None, account_uscc: str | None,
                          phones: Iterable[str] = ()) -> list[Recipient]:
    """The request's contact (SMS to the mobile, e-mail if an address was given), the
    enterprise's account if it has one that signs in (in-app), and further ``phones``
    (the account's registered contact), each number once."""
    contact = contact or {}
    chosen: list[Recipient] = []
    numbers = [contact.get("phone"), *phones]
    for number in numbers:
        if isinstance(number, str) and number and Recipient.phone(number) not in chosen:
            chosen.append(Recipient.phone(number))
    if isinstance(contact.get("email"), str) and contact["email"]:
        chosen.append(Recipient.email(contact["email"]))
    if account_uscc:
        chosen.append(Recipient.enterprise(account_uscc))
    return chosen


# -- what is said -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Message:
    """A kind's words in both languages: the SMS is the zh-CN one, the e-mail carries
    both, an in-app notice is read in the reader's language."""

    subject_zh: str
    subject_en: str
    text_zh: str
    text_en: str


# {code} the request code, {link} where to read it; the rest from the event.
TEMPLATES: dict[str, tuple[str, str, str, str]] = {
    ACCEPTED: ("已受理", "Accepted",
               "您的办件{code}已受理，承诺{due}前办结。详情：{link}",
               "Your request {code} was accepted; it is due by {due}. Details: {link}"),
    MATERIAL_REQUESTED: ("请补正材料", "Material requested",
                         "办件{code}需补正：{note}。请登录补正：{link}",
                         "Request {code} needs more material: {note}. Answer here: {link}"),
    REJECTED: ("不予受理", "Rejected",
               "办件{code}不予受理：{reason}。详情：{link}",
               "Request {code} was rejected: {reason}. Details: {link}"),
    TERMINATED: ("已终止", "Terminated",
                 "办件{code}已终止：{reason}。详情：{link}",
                 "Request {code} was terminated: {reason}. Details: {link}"),
    DISPATCHED: ("已派发", "Dispatched",
                 "办件{code}已派发至{domain_zh}办理。详情：{link}",
                 "Request {code} was passed to {domain_en}. Details: {link}"),
    COMPLETED: ("已办结", "Completed",
                "办件{code}已办结{documents_zh}。下载：{link}",
                "Request {code} is completed{documents_en}. Download: {link}"),
    RECALL_DUE: ("检定到期提醒", "Verification due",
                 "您的{instrument}检定{days_zh}到期（{valid_until}），请申请复检：{link}",
                 "Your {instrument}'s verification expires {days_en} ({valid_until}); renew it: {link}"),
    STANDARD_SUPERSEDED: ("关注的标准已{ended_zh}", "A standard you follow was {status}",
                          "您关注的标准{number}已{ended_zh}{replaced_zh}。详情：{link}",
                          "The standard {number} you follow was {status}{replaced_en}. Details: {link}"),
    NEW_REQUEST: ("新办件", "New request",
                  "新办件{code}（{item}）待处理：{link}",
                  "New request {code} ({item}) to work on: {link}"),
    SLA_AT_RISK: ("今日到期", "Due today",
                  "办件{code}今日（{due}）到期：{link}",
                  "Request {code} is due today ({due}): {link}"),
    SLA_BREACHED: ("已超期", "Overdue",
                   "办件{code}已超过承诺时限（{due}）：{link}",
                   "Request {code} is past its due date ({due}): {link}"),
    SUPPLEMENTED: ("企业已补正", "Material supplied",
                   "办件{code}企业已补正，请审核：{link}",
                   "The enterprise answered the 补正 of {code}; please review: {link}"),
}
DOMAIN_NAMES = {"metrology": ("计量", "metrology"), "standards": ("标准", "standards"),
                "certification": ("认证", "certification"), "testing": ("检验检测", "testing")}
# Free text from staff is cut so a message stays short; the link has the whole of it.
NOTE_CHARACTERS = 20


def _cut(text: Any, limit: int = NOTE_CHARACTERS) -> str:
    words = " ".join(str(text or "").split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def render(kind: str, facts: dict[str, Any], link: str) -> Message:
    """The words of ``kind`` about ``facts`` (what the event said), with ``link``."""
    subject_zh, subject_en, text_zh, text_en = TEMPLATES[kind]
    domain_zh, domain_en = DOMAIN_NAMES.get(str(facts.get("domain")), (facts.get("domain"), facts.get("domain")))
    documents = [str(number) for number in facts.get("documents") or []]
    days = facts.get("days_left")
    values = {
        "code": facts.get("code", ""), "link": link, "due": facts.get("due") or "—",
        "note": _cut(facts.get("note")), "reason": _cut(facts.get("reason")),
        "domain_zh": domain_zh, "domain_en": domain_en, "item": facts.get("item", ""),
        "documents_zh": f"，文书{'、'.join(documents)}" if documents else "",
        "documents_en": f" (documents {', '.join(documents)})" if documents else "",
        "instrument": _cut(facts.get("instrument"), 12), "valid_until": facts.get("valid_until", ""),
        "days_zh": "今日" if days == 0 else f"{days}天后", "days_en": "today" if days == 0 else f"in {days} days",
        "number": facts.get("number", ""), "status": facts.get("status", ""),
        "ended_zh": "废止" if facts.get("status") == "withdrawn" else "被替代",
        "replaced_zh": f"，替代标准{facts['replaced_by']}" if facts.get("replaced_by") else "",
        "replaced_en": f" by {facts['replaced_by']}" if facts.get("replaced_by") else "",
    }
    return Message(subject_zh.format(**values), subject_en.format(**values), text_zh.format(**values),
                   text_en.format(**values))


def sms_text(message: Message) -> str:
    """What an SMS says: the zh-CN words (one segment where they fit; the provider adds
    the signature and splits a longer one)."""
    return message.text_zh


def email_body(message: Message) -> str:
    return f"{message.text_zh}\n\n{message.text_en}\n"


def email_subject(message: Message, code: str | None) -> str:
    about = f" {code}" if code else ""
    return f"{message.subject_zh}{about} / {message.subject_en}"


# -- when it is sent ----------------------------------------------------------------------------
def in_quiet_hours(moment: datetime) -> bool:
    local = moment.astimezone(CHINA).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def end_of_quiet_hours(moment: datetime) -> datetime:
    """08:00 Beijing time after ``moment`` (the same morning, or the next one)."""
    local = moment.astimezone(CHINA)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=CHINA)


def urgent(kind: str, facts: dict[str, Any], moment: datetime) -> bool:
    """About a deadline that falls on this (Beijing) day: sent even in quiet hours."""
    today = china_date(moment).isoformat()
    if kind == RECALL_DUE:
        return facts.get("days_left") == 0 or facts.get("valid_until") == today
    if kind in (SLA_AT_RISK, ACCEPTED):
        return facts.get("due") == today
    return False


def not_before(channel: str, kind: str, facts: dict[str, Any], moment: datetime) -> datetime:
    """The earliest a delivery may go out: an SMS waits out the quiet hours (21:00-08:00
    Beijing time) unless it is about a deadline today; other channels go at once."""
    if channel == SMS and in_quiet_hours(moment) and not urgent(kind, facts, moment):
        return end_of_quiet_hours(moment)
    return moment


def retry_at(attempts: int, moment: datetime, channel: str = EMAIL, kind: str = "",
             facts: dict[str, Any] | None = None, max_attempts: int = MAX_ATTEMPTS) -> datetime | None:
    """When a send that failed for the ``attempts``-th time is tried again: 30 s, 1 min,
    2 min … at most an hour later (and out of the quiet hours for an SMS); None once it
    has failed ``max_attempts`` times (the delivery is ``failed``)."""
    if attempts >= max_attempts:
        return None
    delay = min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), LONGEST_RETRY_SECONDS)
    return not_before(channel, kind, facts or {}, moment + timedelta(seconds=delay))


# -- the enterprise's choice --------------------------------------------------------------------
class MandatoryKind(ValueError):
    """A kind the enterprise may not turn off (补正, rejection)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def turned_off(off: Sequence[str]) -> frozenset[str]:
    """The kinds an enterprise's settings turn off; MandatoryKind for 补正 or rejection,
    ValueError for a kind there is none of."""
    for kind in off:
        if kind in MANDATORY:
            raise MandatoryKind(kind)
        if kind not in ENTERPRISE_KINDS:
            raise ValueError(kind)
    return frozenset(off)


def wanted(kind: str, off: Iterable[str]) -> bool:
    return kind in MANDATORY or kind not in set(off)


# -- the record ---------------------------------------------------------------------------------
def mask(channel: str, address: str) -> str:
    """An address as staff see it on the request: 139****5678, z***@example.com."""
    if channel == SMS and len(address) == 11:
        return f"{address[:3]}****{address[-4:]}"
    if channel == EMAIL and "@" in address:
        local, domain = address.split("@", 1)
        return f"{local[:1]}***@{domain}"
    return address


@dataclass
class Delivery:
    """One event's notice to one recipient on one channel: written before it is sent."""

    key: str
    event_id: str
    kind: str
    channel: str
    recipient: str  # Recipient.who
    address: str
    request_code: str | None
    subject: str
    text: str
    text_en: str
    created_at: datetime
    not_before: datetime
    status: str = QUEUED
    attempts: int = 0
    uscc: str | None = None
    station: str | None = None
    domain: str | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def masked(self) -> str:
        return mask(self.channel, self.address)


def plan(event_id: str, kind: str, facts: dict[str, Any], recipients: Sequence[Recipient], link: str,
         now: datetime, off: Iterable[str] = (), uscc: str | None = None, station: str | None = None,
         domain: str | None = None) -> list[Delivery]:
    """The deliveries of one event: one per recipient and channel, each with its words and
    the time it may go; a kind turned off is kept as ``opted_out`` (never sent); an in-app
    notice is delivered as it is written."""
    message = render(kind, facts, link)
    off = frozenset(off)
    deliveries = []
    for recipient in recipients:
        status = QUEUED if wanted(kind, off) else OPTED_OUT
        if recipient.channel == IN_APP and status == QUEUED:
            status = SENT
        if recipient.channel == SMS:
            subject, text = message.subject_zh, sms_text(message)
        elif recipient.channel == EMAIL:
            subject, text = email_subject(message, facts.get("code")), email_body(message)
        else:
            subject, text = message.subject_zh, message.text_zh
        deliveries.append(Delivery(
            key=delivery_key(event_id, recipient.who, recipient.channel), event_id=event_id, kind=kind,
            channel=recipient.channel, recipient=recipient.who, address=recipient.address,
            request_code=facts.get("code"), subject=subject, text=text, text_en=message.text_en,
            created_at=now, not_before=not_before(recipient.channel, kind, facts, now),
            status=status, uscc=uscc, station=station, domain=domain,
            sent_at=now if status == SENT else None))
    return deliveries
