"""A service request as the enterprise sees it (DESIGN §4), in plain Python.

``submitted → accepted | rejected``, ``accepted → dispatched → in_progress → completed → rated``;
``awaiting_enterprise`` (补正: the station asked for material; the clock pauses) from
``submitted`` or ``accepted`` and back again when the enterprise answers; ``cancelled``
by the enterprise before dispatch; ``rejected`` by the station also after accepting it
(不予受理 once the material was reviewed), before dispatch; ``terminated`` by the
station after dispatch, before any document is issued (the domain service is told and
stops its work); a domain service may decline a dispatched request, which returns it to
the station (``accepted``).

The service-level clock (``sla.py``) starts at acceptance and stops at completion, when
its reading is kept and announced (``request_completed``); while it runs, the timer asks
the request to flag itself at risk or breached, once per due date. After completion the
enterprise rates the service once (好差评, five levels); a rating of 1 or 2 opens a
rectification (整改) the station must answer, and the enterprise reads the answer.

Every transition appends a timeline entry — the audit trail: who (name and role), when,
from which status to which, and why — and records a domain event; the repository
stores both in the same write. Nothing edits or removes a timeline entry.

The domain services report their progress as events; :meth:`ServiceRequest.apply_domain_event`
projects those onto the request. Events may arrive twice or out of order, so it
remembers which event ids it applied and never moves the status backwards.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Self, TypedDict

from ...common.clock import china_date
from ...common.contracts import DispatchedWork, Enterprise, TerminatedWork
from ...common.domain import DomainEvent, InvalidTransition, RuleViolated
from . import sla
from .access import Actor
from .catalogue import Item
from .phones import InvalidPhone, normalize_mainland_mobile

SUBMITTED = "submitted"
ACCEPTED = "accepted"
REJECTED = "rejected"
DISPATCHED = "dispatched"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
RATED = "rated"  # 好差评: the enterprise rated the completed service
CANCELLED = "cancelled"
TERMINATED = "terminated"  # the station ended it after dispatch (终止)
AWAITING_ENTERPRISE = "awaiting_enterprise"  # 补正: the station waits for material
ALL_STATUSES = (SUBMITTED, AWAITING_ENTERPRISE, ACCEPTED, REJECTED, DISPATCHED, IN_PROGRESS, COMPLETED, RATED,
                CANCELLED, TERMINATED)

TRANSITIONS: dict[str, set[str]] = {
    SUBMITTED: {ACCEPTED, REJECTED, CANCELLED, AWAITING_ENTERPRISE},
    ACCEPTED: {DISPATCHED, REJECTED, CANCELLED, AWAITING_ENTERPRISE},
    AWAITING_ENTERPRISE: {SUBMITTED, ACCEPTED, CANCELLED},
    DISPATCHED: {IN_PROGRESS, COMPLETED, TERMINATED},
    IN_PROGRESS: {COMPLETED, TERMINATED},
    COMPLETED: {RATED},
}
# Ended without being completed: nothing a domain service says afterwards changes that.
ENDED_UNDONE = (REJECTED, CANCELLED, TERMINATED)

# Where the station holds a request (it may still be reassigned to another station, and
# the enterprise may still withdraw it).
AT_STATION = (SUBMITTED, ACCEPTED, AWAITING_ENTERPRISE)
CANCELLABLE = AT_STATION

# How far along the happy path a status is, so a late event never moves a request back.
PROGRESS: dict[str, int] = {SUBMITTED: 0, AWAITING_ENTERPRISE: 0, ACCEPTED: 1, DISPATCHED: 2, IN_PROGRESS: 3, COMPLETED: 4, RATED: 5}

# Where the service-level clock runs (not before acceptance, not while paused, not once done).
CLOCK_RUNNING = (ACCEPTED, DISPATCHED, IN_PROGRESS)
# Where it has a due date that a change of the working-day calendar can move: running,
# or paused for 补正 after acceptance.
CLOCK_OPEN = (*CLOCK_RUNNING, AWAITING_ENTERPRISE)
# The timeline entry of a due date the working-day calendar moved.
DUE_DATE_CHANGED = "due_date_changed"

# 好差评: five levels, 4 and 5 are good; 1 and 2 open a rectification the station answers.
RATING_LEVELS = (1, 2, 3, 4, 5)
RECTIFY_AT_OR_BELOW = 2

# Domain events the tracking view shows, and the status each one means (None: shown on
# the timeline, the status stays, e.g. a correction, a recall, or a certificate's life
# after the request completed). A completing event's data["result"] becomes the result.
PROJECTED_EVENTS: dict[str, str | None] = {
    "job_accepted": IN_PROGRESS,
    # the laboratory's steps (metrology and testing, ISO/IEC 17025)
    "samples_received": IN_PROGRESS,
    "job_started": IN_PROGRESS,
    "results_recorded": IN_PROGRESS,
    "results_reviewed": IN_PROGRESS,
    "results_returned": IN_PROGRESS,
    "certificate_issued": IN_PROGRESS,
    "failure_notice_issued": IN_PROGRESS,
    "report_issued": IN_PROGRESS,
    "job_completed": COMPLETED,
    # JL03 计量标准考核: the documents reviewed (or returned), the assessment, the decision
    "documents_reviewed": IN_PROGRESS,
    "documents_returned": IN_PROGRESS,
    "standard_assessed": IN_PROGRESS,
    "standard_certificate_issued": IN_PROGRESS,
    "assessment_refused": COMPLETED,
    # a consulting item answered in writing (JL04, JC03; BZ03, BZ04 below)

    "certificate_corrected": None,
    "report_amended": None,
    "report_withdrawn": None,
    "calibration_due": None,
    # certification (认证认可)
    "application_accepted": IN_PROGRESS,
    "application_not_accepted": COMPLETED,
    "stage1_audit_recorded": IN_PROGRESS,
    "stage2_audit_recorded": IN_PROGRESS,
    "type_test_recorded": IN_PROGRESS,
    "factory_inspection_recorded": IN_PROGRESS,
    "certification_refused": COMPLETED,
    "certificate_granted": COMPLETED,
    "verification_answered": COMPLETED,
    "surveillance_due": None,
    "surveillance_overdue": None,
    "surveillance_completed": None,
    "certificate_suspended": None,
    "certificate_restored": None,
    "certificate_withdrawn": None,  # a lab certificate's or a certification certificate's
    "certificate_scope_reduced": None,
    "certificate_expired": None,
    "certificate_renewed": None,
    # standards (标准)
    "lookup_answered": COMPLETED,
    "lookup_unmatched": IN_PROGRESS,
    "references_checked": IN_PROGRESS,
    "declaration_reviewed": COMPLETED,
    "question_answered": COMPLETED,
    # the standards watch: a standard the work cites was superseded or withdrawn
    "standard_flagged": None,
    # a domain service will not take the work: it goes back to the station
    "job_declined": None,
    # the station ended the request: the service stopped its work, or had finished it
    "job_cancelled": None,
    "job_not_cancelled": None,
}
# The events that issue a document (a certificate, a notice, a report): once one is out,
# the station can no longer end the request.
ISSUING_EVENTS = ("certificate_issued", "failure_notice_issued", "report_issued", "certificate_granted",
                  "standard_certificate_issued")

# One step of the timeline, the audit trail: when (ISO), what (a status or the name of
# the event), from which status to which (``status`` None: the step left it as it was),
# who, why, and what else the step says. ("from" is a keyword, hence the functional form.)
TimelineEntry = TypedDict("TimelineEntry", {
    "at": str, "event": str, "from": str | None, "status": str | None, "actor": Actor, "reason": str | None,
    "details": dict[str, Any],
})


@dataclass
class ServiceRequest:
    code: str
    item: str
    domain: str
    station: str
    enterprise: dict[str, Any]
    contact: dict[str, Any]
    details: dict[str, Any]
    submitted_at: str
    status: str = SUBMITTED
    timeline: list[TimelineEntry] = field(default_factory=list)
    result: dict[str, Any] | None = None  # e.g. {"certificate_number": "..."} once completed
    parent: str | None = None  # the code of the multi-item submission it belongs to
    accepted_at: str | None = None
    # 补正: what the station asked for, and the status to return to once answered
    material_request: dict[str, Any] | None = None
    resume_status: str | None = None
    # the clock's pauses while waiting for the enterprise: [{"from": iso, "to": iso | None}]
    pauses: list[sla.Pause] = field(default_factory=list)
    dispatches: int = 0  # counts dispatches: a declined request may be dispatched again
    # the stopped clock: when the work was completed and what the clock read then
    completed_at: str | None = None
    service_level: dict[str, Any] | None = None  # {committed_days, due_date, turnaround_days, on_time}
    # the clock's alerts, each with the due date it was raised for: {"sla_at_risk": iso, ...}
    sla_alerts: dict[str, str] = field(default_factory=dict)
    rating: dict[str, Any] | None = None  # {"level", "comment", "rated_at"}
    rectification: dict[str, Any] | None = None  # {"state": "open" | "answered", "opened_at", "answer", ...}
    applied_events: list[str] = field(default_factory=list)  # ids of the domain events shown
    documents_issued: list[str] = field(default_factory=list)  # numbers the domain service announced
    # Submitted for a credit code that has a verified enterprise account, but not by that
    # account (anonymously, or by someone else): the station is told (issue 26 §1).
    not_from_account: bool = False
    # the files it holds: application materials and 补正 answers (id, name, size, sha256,
    # content_type, purpose, attached_at; a material also its index and label)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    # the key its sender named the submission by (domain/idempotency.py): {"key", "fingerprint"}
    submission_key: dict[str, str] | None = None
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    # -- creation ---------------------------------------------------------------------
    @classmethod
    def submit(cls, code: str, item: Item, station: str, enterprise: dict[str, Any], contact: dict[str, Any],
               details: dict[str, Any], now: datetime, parent: str | None = None,
               not_from_account: bool = False, materials: Sequence[dict[str, Any]] = (),
               submission_key: dict[str, str] | None = None) -> Self:
        """``materials``: the application materials' files (their references, each with
        the ``material`` it is, an index into the item's list, or None for another)."""
        request = cls(
            code=code,
            item=item.code,
            domain=item.domain,
            station=station,
            enterprise=dict(enterprise),
            contact=dict(contact),
            details=details,
            submitted_at=now.isoformat(),
            parent=parent,
            not_from_account=not_from_account,
            attachments=[material_entry(item, reference, now) for reference in materials],
            submission_key=submission_key,
        )
        actor: Actor = {"role": "enterprise", "name": enterprise["name"]}
        request._record("submitted", now, actor)
        request.new_events.append(
            DomainEvent(
                "request_submitted",
                {**request.summary(), "parent": parent, "submitted_at": request.submitted_at},
            )
        )
        return request

    # -- station's work ---------------------------------------------------------------
    def accept(self, actor: Actor, now: datetime) -> None:
        self._move_to(ACCEPTED, now, actor)
        self.accepted_at = self.accepted_at or now.isoformat()
        self.new_events.append(DomainEvent("request_accepted", {**self.summary(), "accepted_at": self.accepted_at,
                                                                "submitted_at": self.submitted_at}))

    def reject(self, actor: Actor, now: datetime, reason: str | None) -> None:
        self._move_to(REJECTED, now, actor, reason=_required(reason))
        self.new_events.append(DomainEvent("request_rejected", {**self.summary(), "reason": reason}))

    def request_material(self, actor: Actor, now: datetime, note: str | None) -> None:
        """补正: tell the enterprise what is missing; the clock stops until it answers."""
        previous = self.status
        self._move_to(AWAITING_ENTERPRISE, now, actor, reason=_required(note))
        self.resume_status = previous
        self.material_request = {"note": note, "asked_at": now.isoformat(), "asked_by": actor["name"]}
        self.pauses.append({"from": now.isoformat(), "to": None})
        self.new_events.append(DomainEvent("request_material_requested", {**self.summary(), "note": note}))

    def dispatch(self, actor: Actor, now: datetime) -> None:
        self._move_to(DISPATCHED, now, actor, details={"to": self.domain})
        self.dispatches += 1
        work = DispatchedWork(code=self.code, item=self.item, domain=self.domain, station=self.station,
                              enterprise=Enterprise(self.enterprise["name"], self.enterprise["uscc"]),
                              contact=self.contact, details=self.details, dispatch=self.dispatches)
        self.new_events.append(DomainEvent(DispatchedWork.TYPE, work.as_data(), route=self.domain))

    def terminate(self, actor: Actor, now: datetime, reason: str | None) -> None:
        """The station ends a dispatched request (the enterprise no longer wants it, say)
        before any document is issued; its domain service is told and stops the work.
        The clock stops: a terminated request is never late."""
        if self.status not in (DISPATCHED, IN_PROGRESS):
            raise InvalidTransition(self.code, self.status, TERMINATED)
        if self.documents_issued:
            raise RuleViolated("document_issued", {"numbers": "、".join(self.documents_issued)})
        self._move_to(TERMINATED, now, actor, reason=_required(reason))
        ended = TerminatedWork(code=self.code, item=self.item, domain=self.domain, station=self.station,
                               reason=reason or "", terminated_at=now.isoformat(), dispatch=self.dispatches or 1)
        self.new_events.append(DomainEvent(TerminatedWork.TYPE, {**ended.as_data(), "enterprise": self.enterprise,
                                                                 "accepted_at": self.accepted_at},
                                           route=self.domain))

    def reassign(self, actor: Actor, now: datetime, station: str, reason: str | None) -> None:
        """Hand the request to another county's station (only while a station holds it)."""
        if self.status not in AT_STATION:
            raise InvalidTransition(self.code, self.status, "reassigned")
        if station == self.station:
            raise InvalidTransition(self.code, self.status, "reassigned")
        previous = self.station
        self.station = station
        self._record("reassigned", now, actor, reason=_required(reason),
                     details={"from_station": previous, "to_station": station}, from_status=self.status)
        self.new_events.append(
            DomainEvent("request_reassigned", {**self.summary(), "from_station": previous, "reason": reason})
        )

    # -- the enterprise's part ---------------------------------------------------------
    def supplement(self, actor: Actor, now: datetime, answer: str | None,
                   files: Sequence[dict[str, Any]] = ()) -> None:
        """The enterprise answers a 补正 request, in words or with files (the references
        of uploads) or both; the request goes back where it was."""
        if self.status != AWAITING_ENTERPRISE:
            raise InvalidTransition(self.code, self.status, "supplemented")
        answer = answer.strip() if isinstance(answer, str) and answer.strip() else None
        self._move_to(self.resume_status or SUBMITTED, now, actor, reason=answer if files else _required(answer),
                      event="supplemented", details={"files": len(files)} if files else None)
        self.attachments = [*self.attachments, *({**reference, "purpose": "supplement", "attached_at": now.isoformat()}
                                                 for reference in files)]
        self.material_request = {**(self.material_request or {}), "answer": answer, "answered_at": now.isoformat(),
                                 "files": [reference["id"] for reference in files]}
        self.resume_status = None
        if self.pauses and self.pauses[-1]["to"] is None:
            self.pauses[-1]["to"] = now.isoformat()
        self.new_events.append(DomainEvent("request_supplemented", {**self.summary(), "answer": answer,
                                                                    "files": len(files)}))

    def cancel(self, actor: Actor, now: datetime, reason: str | None = None) -> None:
        """Withdrawn by the enterprise, possible until the station dispatches it."""
        was_waiting = self.status == AWAITING_ENTERPRISE
        self._move_to(CANCELLED, now, actor, reason=reason)
        if was_waiting and self.pauses and self.pauses[-1]["to"] is None:
            self.pauses[-1]["to"] = now.isoformat()
        self.new_events.append(DomainEvent("request_cancelled", {**self.summary(), "reason": reason}))

    # -- projection of the domain services' events -------------------------------------
    def apply_domain_event(self, event_id: str, event_type: str, source: str, occurred_at: str, data: dict[str, Any],
                           clock: sla.Clock | None = None) -> bool:
        """Show a domain service's event on this request. False if it was already shown
        or is not one the tracking view follows. An event that completes the request
        stops the ``clock`` (an ``sla.Clock``) at the moment the service finished."""
        if event_id in self.applied_events or event_type not in PROJECTED_EVENTS:
            return False
        self.applied_events.append(event_id)
        if event_type == "job_declined":
            return self._declined(event_id, source, occurred_at, data)
        entry: TimelineEntry = {"at": occurred_at, "event": event_type, "from": self.status, "status": None,
                                "actor": _actor(source, data), "reason": None,
                                "details": _public(data)}
        if event_type in ISSUING_EVENTS and _document_number(data):
            self.documents_issued = [*self.documents_issued, _document_number(data)]
        if self.status in ENDED_UNDONE:
            # ended at the station: what the service says afterwards is told, and changes nothing
            self.timeline.append(entry)
            self.timeline.sort(key=lambda each: each["at"])
            return True
        target = PROJECTED_EVENTS[event_type]
        if target is not None and PROGRESS[target] > PROGRESS.get(self.status, -1):
            self.status = entry["status"] = target
            if target == COMPLETED:
                self._stop_clock(occurred_at, clock)
        self.timeline.append(entry)
        self.timeline.sort(key=lambda each: each["at"])
        if target == COMPLETED and isinstance(data.get("result"), dict):
            # only a completing event's "result" is the request's result; other events
            # use the word for their own outcome (a type test's pass/fail)
            self.result = data["result"]
        elif data.get("replaces") and self.result:
            self.result = _with_new_version(self.result, data["replaces"], _document_number(data))
        return True

    def _stop_clock(self, completed_at: str, clock: sla.Clock | None) -> None:
        self.completed_at = completed_at
        self.service_level = clock.reading(self, completed_at) if clock is not None else None
        self.new_events.append(DomainEvent("request_completed", {
            **self.summary(), "accepted_at": self.accepted_at, "completed_at": completed_at,
            **(self.service_level or {})}))

    # -- the service-level clock's alerts ------------------------------------------------
    def check_service_level(self, clock: sla.Clock, now: datetime) -> bool:
        """Flag the request at risk (due today) or breached (past its due day), once for
        each due date: a due date moved by a pause is flagged afresh. The clock runs only
        between acceptance and completion, and not while paused. True if flagged now."""
        if self.status not in CLOCK_RUNNING:
            return False
        due = clock.due(self)
        alert = sla.alert_for(due, china_date(now))
        if alert is None or due is None or self.sla_alerts.get(alert) == due.isoformat():
            return False
        self.sla_alerts = {**self.sla_alerts, alert: due.isoformat()}
        self._record(alert, now, {"role": "system", "name": "system"}, details={"due": due.isoformat()},
                     from_status=self.status)
        self.new_events.append(DomainEvent(alert, {**self.summary(), "due_date": due.isoformat(),
                                                   "flagged_at": now.isoformat()}))
        return True

    def move_due_date(self, due_from: date, due_to: date, year: int, actor: Actor, now: datetime) -> bool:
        """The working-day calendar under the running clock changed (``year``'s official
        schedule was loaded) and moved the due date: say so on the timeline and announce
        it, so the metrics' clock of the request moves too. False if it was said already
        (a load finished again after an interruption)."""
        if due_from == due_to or self.announced_due_date() == due_to.isoformat():
            return False
        details: dict[str, Any] = {"due_from": due_from.isoformat(), "due_to": due_to.isoformat(), "year": year}
        self._record(DUE_DATE_CHANGED, now, actor, details=details, from_status=self.status)
        self.new_events.append(DomainEvent("request_due_date_changed", {
            **self.summary(), **details, "due_date": due_to.isoformat(), "accepted_at": self.accepted_at}))
        return True

    def announced_due_date(self) -> str | None:
        """The due date the last calendar change moved this request to, if any."""
        return next((entry["details"]["due_to"] for entry in reversed(self.timeline)
                     if entry["event"] == DUE_DATE_CHANGED), None)

    # -- 好差评: the enterprise rates, the station answers a poor rating ------------------
    def rate(self, now: datetime, level: int, comment: str | None = None) -> None:
        """The enterprise rates the completed service, once."""
        if level not in RATING_LEVELS:
            raise InvalidRating(level)
        actor: Actor = {"role": "enterprise", "name": self.enterprise["name"]}
        self._move_to(RATED, now, actor, reason=comment or None, details={"level": level}, event="rated")
        self.rating = {"level": level, "comment": comment or None, "rated_at": now.isoformat()}
        rectify = level <= RECTIFY_AT_OR_BELOW
        if rectify:
            self.rectification = {"state": "open", "opened_at": now.isoformat(), "answer": None}
        self.new_events.append(DomainEvent("request_rated", {
            **self.summary(), "level": level, "comment": comment or None, "rated_at": now.isoformat(),
            "completed_at": self.completed_at, "rectification": int(rectify)}))

    def answer_rectification(self, actor: Actor, now: datetime, answer: str | None) -> None:
        """The station answers a poor rating: what it found and what it changed."""
        if not self.rectification or self.rectification.get("state") != "open":
            raise InvalidTransition(self.code, self.status, "rectification_answered")
        self.rectification = {**self.rectification, "state": "answered", "answer": _required(answer),
                              "answered_at": now.isoformat(), "answered_by": actor.get("name")}
        self._record("rectification_answered", now, actor, reason=answer, from_status=self.status)
        self.new_events.append(DomainEvent("rectification_answered", {
            **self.summary(), "answered_at": now.isoformat(), "completed_at": self.completed_at}))

    def _declined(self, event_id: str, source: str, occurred_at: str, data: dict[str, Any]) -> bool:
        """The domain service will not take the work: back to the station's queue."""
        entry: TimelineEntry = {"at": occurred_at, "event": "job_declined", "from": self.status, "status": None,
                                "actor": _actor(source, data),
                                "reason": data.get("reason"), "details": {}}
        if self.status in (DISPATCHED, IN_PROGRESS):
            self.status = entry["status"] = ACCEPTED
        self.timeline.append(entry)
        return True

    # -- views ------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "item": self.item,
            "domain": self.domain,
            "station": self.station,
            "enterprise": self.enterprise,
        }

    def phone_matches(self, phone: str | None) -> bool:
        return phone_matches(self.contact, phone)

    def file_ids(self) -> set[str]:
        """The files this request refers to: its own, and those of the answer it was
        completed with (a consulting answer's attachments)."""
        answered = (self.result or {}).get("attachments")
        answer_files = [each.get("id") for each in answered if isinstance(each, dict)] if isinstance(
            answered, list) else []
        return {each["id"] for each in self.attachments} | {each for each in answer_files if each}

    # -- internals --------------------------------------------------------------------
    def _move_to(self, status: str, now: datetime, actor: Actor, reason: str | None = None,
                 details: dict[str, Any] | None = None, event: str | None = None) -> None:
        if status not in TRANSITIONS.get(self.status, set()):
            raise InvalidTransition(self.code, self.status, status)
        previous, self.status = self.status, status
        self._record(event or status, now, actor, reason=reason, details=details, from_status=previous)

    def _record(self, event: str, now: datetime, actor: Actor, reason: str | None = None,
                details: dict[str, Any] | None = None, from_status: str | None = None) -> None:
        self.timeline.append(
            {"at": now.isoformat(), "event": event, "from": from_status, "status": self.status,
             "actor": actor, "reason": reason, "details": details or {}}
        )


class MissingReason(ValueError):
    """A rejection, a 补正 request, a reassignment or an answer needs words."""


class InvalidRating(ValueError):
    """A rating is one of the five levels 1-5."""


def _required(text: str | None) -> str:
    if not isinstance(text, str) or not text.strip():
        raise MissingReason()
    return text


def _actor(source: str, data: dict[str, Any]) -> Actor:
    """The domain service that acted and, when it says so, the person (audit trail)."""
    actor: Actor = {"role": source, "name": data.get("operator") or source}
    if data.get("operator_username"):
        actor["username"] = data["operator_username"]
    return actor


def material_entry(item: Item, reference: dict[str, Any], now: datetime) -> dict[str, Any]:
    """An application material's file as the request keeps it: which of the item's
    materials it is (its index and words, kept as they were on the day), or another."""
    index = reference.get("material")
    listed = isinstance(index, int) and 0 <= index < len(item.materials)
    return {key: value for key, value in reference.items() if key != "material"} | {
        "purpose": "material", "material": index if listed else None,
        "material_label": dict(item.materials[index]) if listed and isinstance(index, int) else None,
        "attached_at": now.isoformat()}


def phone_matches(contact: dict[str, Any], phone: str | None) -> bool:
    """The contact's phone, however it was typed now (``139 1234 5678``) or then."""
    if not phone:
        return False
    kept = contact.get("phone")
    return phone.strip() == kept or _as_mobile(phone) is not None and _as_mobile(phone) == _as_mobile(kept)


def _as_mobile(typed: Any) -> str | None:
    try:
        return normalize_mainland_mobile(typed)
    except InvalidPhone:
        return None


# A multi-item submission some of whose requests are done while others are still going.
PARTIALLY_COMPLETED = "partially_completed"
FINISHED = (COMPLETED, RATED)


def rolled_up_status(statuses: Sequence[str]) -> str:
    """A multi-item submission is as far along as its slowest child that is still
    going (部分办结 once some are done); it is completed only when every child that was
    taken on is completed. Children that ended undone (rejected, withdrawn, terminated)
    do not hold it back."""
    active = [status for status in statuses if status not in ENDED_UNDONE]
    if not active:
        return next((status for status in (REJECTED, TERMINATED) if status in statuses), CANCELLED)
    slowest = min(active, key=lambda status: PROGRESS.get(status, -1))
    if slowest not in FINISHED and any(status in FINISHED for status in active):
        return PARTIALLY_COMPLETED
    return slowest


def _public(data: dict[str, Any]) -> dict[str, Any]:
    """What of a domain event's data the enterprise may see on its timeline."""
    shown = ("certificate_number", "job_number", "summary", "report_number", "replaces", "reason",
             "serial_number", "valid_until", "days_before", "days_left", "conformity", "comment",
             # certification and standards: what their timeline labels name
             "conducted_on", "visit", "due", "next_due", "until", "number", "replaced_by", "count",
             "checked", "flagged", "decision", "recommendation", "result", "ready_for_stage2", "scope",
             "sites", "cause", "certificate_status",
             # JL03: what the applicant is to correct, when the standard was assessed
             "to_correct", "assessed_on", "conclusion")
    return {key: data[key] for key in shown if data.get(key) is not None}


def _document_number(data: dict[str, Any]) -> Any:
    return data.get("certificate_number") or data.get("report_number")


def _with_new_version(result: dict[str, Any], replaced: Any, replacement: Any) -> dict[str, Any]:
    """The result naming a corrected document's new version instead of the old one."""
    def swap(value: Any) -> Any:
        return replacement if value == replaced else value

    updated = {key: swap(value) for key, value in result.items() if key != "documents"}
    if "documents" in result:
        updated["documents"] = [{**document, "number": swap(document["number"])} for document in result["documents"]]
    return updated
