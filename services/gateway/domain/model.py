"""A service request as the enterprise sees it (DESIGN §4), in plain Python.

``submitted → accepted | rejected``, ``accepted → dispatched → in_progress → completed``.
Every transition appends a timeline entry (who, when, what) and records a domain event;
the repository stores both in the same write.

The domain services report their progress as events; :meth:`ServiceRequest.apply_domain_event`
projects those onto the request. Events may arrive twice or out of order, so it
remembers which event ids it applied and never moves the status backwards.
"""

from dataclasses import dataclass, field

from ...common.domain import DomainEvent, InvalidTransition

SUBMITTED = "submitted"
ACCEPTED = "accepted"
REJECTED = "rejected"
DISPATCHED = "dispatched"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
CANCELLED = "cancelled"
AWAITING_ENTERPRISE = "awaiting_enterprise"  # 补正: the station waits for material (issue 6)

TRANSITIONS = {
    SUBMITTED: {ACCEPTED, REJECTED, CANCELLED},
    ACCEPTED: {DISPATCHED, CANCELLED},
    DISPATCHED: {IN_PROGRESS, COMPLETED},
    IN_PROGRESS: {COMPLETED},
}

# How far along the happy path a status is, so a late event never moves a request back.
PROGRESS = {SUBMITTED: 0, ACCEPTED: 1, DISPATCHED: 2, IN_PROGRESS: 3, COMPLETED: 4}

# Domain events the tracking view shows, and the status each one means (None: shown on
# the timeline, the status stays, e.g. a correction, a recall, or a certificate's life
# after the request completed). A completing event's data["result"] becomes the result.
PROJECTED_EVENTS = {
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
}

SYSTEM = {"role": "system", "name": "system"}


@dataclass
class ServiceRequest:
    code: str
    item: str
    domain: str
    station: str
    enterprise: dict
    contact: dict
    details: dict
    submitted_at: str
    status: str = SUBMITTED
    timeline: list = field(default_factory=list)
    result: dict | None = None  # e.g. {"certificate_number": "..."} once completed
    parent: str | None = None  # the code of the multi-item submission it belongs to
    accepted_at: str | None = None
    applied_events: list = field(default_factory=list)
    version: int = 0
    new_events: list = field(default_factory=list)

    # -- creation ---------------------------------------------------------------------
    @classmethod
    def submit(cls, code, item, station, enterprise, contact, details, now, parent=None):
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
        )
        actor = {"role": "enterprise", "name": enterprise["name"]}
        request._record("submitted", now, actor)
        request.new_events.append(
            DomainEvent(
                "request_submitted",
                {**request.summary(), "parent": parent, "submitted_at": request.submitted_at},
            )
        )
        return request

    # -- station's work ---------------------------------------------------------------
    def accept(self, actor, now):
        self._move_to(ACCEPTED, now, actor)
        self.accepted_at = now.isoformat()
        self.new_events.append(DomainEvent("request_accepted", self.summary()))

    def dispatch(self, actor, now):
        self._move_to(DISPATCHED, now, actor, details={"to": self.domain})
        work = {**self.summary(), "contact": self.contact, "details": self.details}
        self.new_events.append(DomainEvent("request_dispatched", work, route=self.domain))

    # -- projection of the domain services' events -------------------------------------
    def apply_domain_event(self, event_id, event_type, source, occurred_at, data):
        """Show a domain service's event on this request. False if it was already shown
        or is not one the tracking view follows."""
        if event_id in self.applied_events or event_type not in PROJECTED_EVENTS:
            return False
        self.applied_events.append(event_id)
        entry = {"at": occurred_at, "event": event_type, "status": None,
                 "actor": {"role": source, "name": data.get("operator") or source}, "reason": None,
                 "details": _public(data)}
        target = PROJECTED_EVENTS[event_type]
        if target is not None and PROGRESS[target] > PROGRESS.get(self.status, -1):
            self.status = entry["status"] = target
        self.timeline.append(entry)
        self.timeline.sort(key=lambda each: each["at"])
        if target == COMPLETED and isinstance(data.get("result"), dict):
            # only a completing event's "result" is the request's result; other events
            # use the word for their own outcome (a type test's pass/fail)
            self.result = data["result"]
        elif data.get("replaces") and self.result:
            self.result = _with_new_version(self.result, data["replaces"], _document_number(data))
        return True

    # -- views ------------------------------------------------------------------------
    def summary(self):
        return {
            "code": self.code,
            "item": self.item,
            "domain": self.domain,
            "station": self.station,
            "enterprise": self.enterprise,
        }

    def phone_matches(self, phone):
        return phone_matches(self.contact, phone)

    # -- internals --------------------------------------------------------------------
    def _move_to(self, status, now, actor, reason=None, details=None):
        if status not in TRANSITIONS.get(self.status, set()):
            raise InvalidTransition(self.code, self.status, status)
        self.status = status
        self._record(status, now, actor, reason=reason, details=details)

    def _record(self, event, now, actor, reason=None, details=None):
        self.timeline.append(
            {"at": now.isoformat(), "event": event, "status": self.status, "actor": actor,
             "reason": reason, "details": details or {}}
        )


def phone_matches(contact, phone):
    return bool(phone) and phone.strip() == contact.get("phone")


def rolled_up_status(statuses):
    """A multi-item submission is as far along as its slowest child that is still
    going; it is completed only when every child that was taken on is completed."""
    ended = {REJECTED, CANCELLED}
    active = [status for status in statuses if status not in ended]
    if not active:
        return REJECTED if REJECTED in statuses else CANCELLED
    return min(active, key=lambda status: PROGRESS.get(status, -1))


def _public(data):
    """What of a domain event's data the enterprise may see on its timeline."""
    shown = ("certificate_number", "job_number", "summary", "report_number", "replaces", "reason",
             "serial_number", "valid_until", "days_before", "days_left", "conformity", "comment",
             # certification and standards: what their timeline labels name
             "conducted_on", "visit", "due", "next_due", "until", "number", "replaced_by", "count",
             "checked", "flagged", "decision", "recommendation", "result", "ready_for_stage2", "scope",
             "sites", "cause", "certificate_status")
    return {key: data[key] for key in shown if data.get(key) is not None}


def _document_number(data):
    return data.get("certificate_number") or data.get("report_number")


def _with_new_version(result, replaced, replacement):
    """The result naming a corrected document's new version instead of the old one."""
    def swap(value):
        return replacement if value == replaced else value

    updated = {key: swap(value) for key, value in result.items() if key != "documents"}
    if "documents" in result:
        updated["documents"] = [{**document, "number": swap(document["number"])} for document in result["documents"]]
    return updated
