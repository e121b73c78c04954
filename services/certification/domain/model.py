"""A certification (认证): one RZ01/RZ02 request, from application to the certificate's end.

ISO/IEC 17065 (products) and 17021-1 (management systems), in plain Python::

    applied ─review─> under_audit ─audits─> awaiting_decision ─decision─> certified
       └─> not_accepted                                         └─> refused

Audits are stage 1 then stage 2 for a management system, a type test and a factory
inspection (either order) for a product. Each step records who took it (the audits,
their auditors too), and the decision is taken by someone who did not review the
application nor record or take part in any of its audits (ISO/IEC 17021-1 §9.5.1.2,
ISO/IEC 17065 §7.5.1: 409 ``impartiality_conflict``). A granted certificate (:mod:`.certificate`)
then lives on inside the same document, so each step and its event is one write::

    valid ⇄ suspended (≤ 6 months, then restored or withdrawn) ─> withdrawn
    valid/suspended ─> expired (3 years after issue, unless recertified before)

Time-driven steps (surveillance due/overdue, expiry, the end of a suspension) happen in
:meth:`Certification.advance_clock`, which the service's timer and every operator step
call first, so nothing is decided on a stale state. Each announcement is made once.
"""

import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Self

from ...common.clock import add_months, china_date, parse_date
from ...common.contracts import DispatchedWork
from ...common.domain import DispatchedAggregate, DomainEvent, InvalidTransition, RuleViolated
from ...common.standard_number import canonical, find_numbers
from .certificate import (
    COMPLETED,
    CURRENT,
    DUE_NOTICE_DAYS,
    EXPIRED,
    KINDS,
    MAX_SUSPENSION_MONTHS,
    RECERTIFICATION_WINDOW_MONTHS,
    SUSPENDED,
    VALID,
    VALIDITY_YEARS,
    WITHDRAWN,
    Certificate,
    plan_visits,
    validity_end,
)

PRODUCT = "RZ01"
MANAGEMENT_SYSTEM = "RZ02"

APPLIED = "applied"
UNDER_AUDIT = "under_audit"
AWAITING_DECISION = "awaiting_decision"
NOT_ACCEPTED = "not_accepted"
REFUSED = "refused"
CERTIFIED = "certified"
OPEN = (APPLIED, UNDER_AUDIT, AWAITING_DECISION)

GRANT = "grant"
REFUSE = "refuse"
PASS = "pass"

# The audit steps of each scheme, in the order they must happen (a product's two
# steps may happen in either order).
AUDIT_STEPS = {
    MANAGEMENT_SYSTEM: ("stage1", "stage2"),
    PRODUCT: ("type_test", "factory_inspection"),
}


class AuditIncomplete(InvalidTransition):
    """An audit step is missing, out of order, or did not clear the way."""


class GrantNotSupported(InvalidTransition):
    """The audit results do not support granting a certificate."""


class RecertificationNotDue(InvalidTransition):
    """Recertification is audited in the last year before expiry, not earlier."""


class SurveillanceOutstanding(InvalidTransition):
    """A surveillance audit of this cycle has not been done yet."""


class NoSurveillancePlanned(InvalidTransition):
    """Every surveillance audit of this cycle is done; recertification comes next."""


class DateOutOfRange(ValueError):
    """A date the step names is not possible (in the future, before an earlier step…)."""

    def __init__(self, field_name: str, day: date) -> None:
        super().__init__(f"{field_name}: {day} is out of range")
        self.field = field_name


class ScopeNotReduced(ValueError):
    """A scope reduction must narrow the scope or drop sites, and keep at least one."""


@dataclass
class Certification(DispatchedAggregate):
    DECLINABLE_FROM = (APPLIED,)
    CANCELLABLE_FROM = OPEN  # not once decided
    applied_at: str
    standards: list[str]
    scope: str
    sites: list[str]
    status: str = APPLIED
    review: dict[str, Any] | None = None
    audits: dict[str, dict[str, Any]] = field(default_factory=dict)  # by step
    decision: dict[str, Any] | None = None
    certificate_number: str | None = None
    certificate_status: str | None = None  # kept beside the certificate for queries
    certificate: Certificate | None = None  # stored as a dict: __post_init__ reads it back
    standard_alerts: list[dict[str, Any]] = field(default_factory=list)
    next_check_at: float | None = None

    def __post_init__(self) -> None:
        stored: Any = self.certificate
        if isinstance(stored, dict):
            self.certificate = Certificate(**stored)

    # -- opening ----------------------------------------------------------------------
    @classmethod
    def open(cls, work: DispatchedWork, now: datetime) -> Self:
        """The application of a dispatched RZ01/RZ02 request (``work`` is that event's data)."""
        details = work.details
        if work.item == PRODUCT:
            standards = [
                str(number) for number in find_numbers(details.get("product_standard", ""))
            ]
            scope = f"{details.get('product_name', '')} {details.get('product_models', '')}".strip()
            sites = [details["factory_address"]] if details.get("factory_address") else []
        else:
            standards = [canonical(details.get("standard", ""))]
            scope = details.get("scope", "")
            sites = [site["address"] for site in details.get("sites", [])]
        certification = cls(
            **work.job_fields(),
            applied_at=now.isoformat(),
            standards=standards,
            scope=scope,
            sites=sites,
        )
        certification._announce(
            "job_accepted", item=certification.item, received_at=certification.applied_at
        )
        return certification

    # -- application review -------------------------------------------------------------
    def review_application(self, accepted: bool, comments: str | None, now: datetime, operator: str) -> None:
        self._require((APPLIED,), UNDER_AUDIT if accepted else NOT_ACCEPTED)
        self.review = {"accepted": accepted, "comments": comments, "at": now.isoformat(), "by": operator}
        if accepted:
            self.status = UNDER_AUDIT
            self._announce("application_accepted", comments=comments)
        else:
            self.status = NOT_ACCEPTED
            self._announce(
                "application_not_accepted",
                reason=comments,
                result={"decision": NOT_ACCEPTED, "reason": comments},
            )

    # -- audits ---------------------------------------------------------------------------
    def record_stage1(
        self, conducted_on: date, ready_for_stage2: bool, findings: str | None, now: datetime,
        operator: str, auditors: list[str] | None = None,
    ) -> None:
        self._require_scheme(MANAGEMENT_SYSTEM, "stage1")
        if self.status != UNDER_AUDIT or "stage2" in self.audits:
            raise InvalidTransition(self.request_code, self.status, "stage1")
        self._check_audit_date(conducted_on, now)
        self._record_audit("stage1", conducted_on, findings, now, operator, auditors, ready_for_stage2=ready_for_stage2)
        self._announce("stage1_audit_recorded", conducted_on=conducted_on.isoformat(), ready_for_stage2=ready_for_stage2)

    def record_stage2(
        self,
        conducted_on: date,
        recommendation: str,
        major: int,
        minor: int,
        findings: str | None,
        now: datetime,
        operator: str,
        auditors: list[str] | None = None,
    ) -> None:
        self._require_scheme(MANAGEMENT_SYSTEM, "stage2")
        self._require((UNDER_AUDIT, AWAITING_DECISION), "stage2")
        stage1 = self.audits.get("stage1")
        if not stage1 or not stage1["ready_for_stage2"]:
            raise AuditIncomplete(self.request_code, self.status, "stage2")
        self._check_audit_date(conducted_on, now, not_before=parse_date(stage1["conducted_on"]))
        self._record_audit("stage2", conducted_on, findings, now, operator, auditors, recommendation=recommendation,
                           major_nonconformities=major, minor_nonconformities=minor)
        self.status = AWAITING_DECISION
        self._announce("stage2_audit_recorded", conducted_on=conducted_on.isoformat(), recommendation=recommendation)

    def record_product_check(
        self,
        step: str,
        conducted_on: date,
        result: str,
        reference: str | None,
        findings: str | None,
        now: datetime,
        operator: str,
        auditors: list[str] | None = None,
    ) -> None:
        """``step`` is ``type_test`` or ``factory_inspection``; a failed one may be redone."""
        self._require_scheme(PRODUCT, step)
        self._require((UNDER_AUDIT, AWAITING_DECISION), step)
        self._check_audit_date(conducted_on, now)
        self._record_audit(step, conducted_on, findings, now, operator, auditors, result=result, reference=reference)
        if all(name in self.audits for name in AUDIT_STEPS[PRODUCT]):
            self.status = AWAITING_DECISION
        self._announce(f"{step}_recorded", conducted_on=conducted_on.isoformat(), result=result, reference=reference)

    def _record_audit(self, step: str, conducted_on: date, findings: str | None, now: datetime, operator: str,
                      auditors: list[str] | None, **outcome: Any) -> None:
        """Keep an audit step: when it was conducted, its outcome, its findings, who recorded
        it and who audited (the recorder alone unless named)."""
        self.audits[step] = {"conducted_on": conducted_on.isoformat(), **outcome, "findings": findings,
                             "recorded_at": now.isoformat(), "recorded_by": operator,
                             "auditors": list(auditors) if auditors else [operator]}

    # -- decision -----------------------------------------------------------------------
    def decide(
        self,
        decision: str,
        comments: str | None,
        now: datetime,
        next_number: Callable[[], str],
        issuer: str,
        operator: str,
    ) -> None:
        """Grant (drawing a number from ``next_number()`` only then) or refuse, by
        ``operator``, who took no part in reviewing or auditing the application.
        ``issuer`` is the certification body's name, printed on the certificate."""
        if self.status == UNDER_AUDIT:
            raise AuditIncomplete(self.request_code, self.status, decision)
        self._require((AWAITING_DECISION,), decision)
        role = self.part_taken_by(operator)
        if role is not None:
            raise RuleViolated("impartiality_conflict", {"operator": operator, "role": role})
        if decision == REFUSE:
            self.status = REFUSED
            self.decision = {"decision": REFUSE, "comments": comments, "at": now.isoformat(), "by": operator}
            self._announce(
                "certification_refused",
                reason=comments,
                result={"decision": REFUSED, "reason": comments},
            )
            return
        if not self.audits_support_grant():
            raise GrantNotSupported(self.request_code, self.status, GRANT)
        self.decision = {"decision": GRANT, "comments": comments, "at": now.isoformat(), "by": operator}
        self._grant(next_number(), china_date(now), issuer)

    def part_taken_by(self, person: str) -> str | None:
        """The part ``person`` took in this application before its decision (a message
        key), or None: whoever reviewed it, recorded an audit or was among its auditors."""
        if self.review and self.review.get("by") == person:
            return "role.application_reviewer"
        for audit in self.audits.values():
            if person == audit.get("recorded_by") or person in (audit.get("auditors") or ()):
                return "role.auditor"
        return None

    def audits_support_grant(self) -> bool:
        if self.item == MANAGEMENT_SYSTEM:
            stage2 = self.audits.get("stage2") or {}
            return stage2.get("recommendation") == GRANT and not stage2.get("major_nonconformities")
        return all(
            (self.audits.get(step) or {}).get("result") == PASS for step in AUDIT_STEPS[PRODUCT]
        )

    def _grant(self, number: str, today: date, issuer: str) -> None:
        valid_until = validity_end(today)
        kind, title = KINDS[self.item]
        self.status = CERTIFIED
        self.certificate_number = number
        certificate = Certificate(
            number=number,
            kind=kind,
            title=title,
            issuer=issuer,
            holder=self.enterprise["name"],
            uscc=self.enterprise.get("uscc", ""),
            standards=list(self.standards),
            scope=self.scope,
            sites=list(self.sites),
            issued_on=today.isoformat(),
            valid_until=valid_until.isoformat(),
            surveillance=plan_visits(1, today, valid_until),
        )
        self.certificate = certificate
        self._certificate_event(
            certificate,
            "certificate_granted",
            issued_on=today.isoformat(),
            valid_until=valid_until.isoformat(),
            standards=list(self.standards),
            surveillance_due=[visit["due"] for visit in certificate.surveillance],
            result={"certificate_number": number, "valid_until": valid_until.isoformat()},
        )

    # -- the certificate's life -----------------------------------------------------------
    def record_surveillance(self, conducted_on: date, findings: str | None, now: datetime) -> None:
        certificate = self._current_certificate(now, "surveillance_completed")
        visit = certificate.next_visit()
        if visit is None:
            raise NoSurveillancePlanned(self.certificate_number, certificate.status, "surveillance")
        done = [
            parse_date(v["conducted_on"]) for v in certificate.surveillance if v["conducted_on"]
        ]
        self._check_audit_date(
            conducted_on, now, not_before=max(done, default=parse_date(certificate.issued_on))
        )
        visit.update(status=COMPLETED, conducted_on=conducted_on.isoformat(), findings=findings)
        # The rest of the cycle is planned again from the audit that actually happened.
        kept = [
            v
            for v in certificate.surveillance
            if v["status"] == COMPLETED or v["cycle"] != certificate.cycle
        ]
        certificate.surveillance = kept + plan_visits(
            certificate.cycle,
            conducted_on,
            certificate.valid_until_date,
            first_visit=visit["visit"] + 1,
        )
        following = certificate.next_visit()
        self._certificate_event(
            certificate,
            "surveillance_completed",
            visit=visit["visit"],
            conducted_on=conducted_on.isoformat(),
            next_due=following["due"] if following else None,
        )

    def suspend(self, reason: str, until: date | None, now: datetime) -> None:
        certificate = self._current_certificate(now, SUSPENDED)
        if certificate.status != VALID:
            raise InvalidTransition(self.certificate_number, certificate.status, SUSPENDED)
        today = china_date(now)
        latest = add_months(today, MAX_SUSPENSION_MONTHS)
        until = until or latest
        if not today < until <= latest:
            raise DateOutOfRange("until", until)
        certificate.status = SUSPENDED
        certificate.suspension = {
            "reason": reason,
            "since": today.isoformat(),
            "until": until.isoformat(),
        }
        self._certificate_event(certificate, "certificate_suspended", reason=reason, until=until.isoformat())

    def restore(self, comments: str | None, now: datetime) -> None:
        certificate = self._current_certificate(now, VALID)
        if certificate.status != SUSPENDED:
            raise InvalidTransition(self.certificate_number, certificate.status, "restored")
        certificate.status = VALID
        certificate.suspension = None
        self._certificate_event(certificate, "certificate_restored", comments=comments)

    def withdraw(self, reason: str, now: datetime) -> None:
        certificate = self._current_certificate(now, WITHDRAWN)
        self._withdraw(certificate, reason, "decision", china_date(now))

    def reduce_scope(
        self, scope: str | None, sites: list[str] | None, reason: str, now: datetime
    ) -> None:
        certificate = self._current_certificate(now, "scope_reduced")
        new_scope = scope if scope is not None else certificate.scope
        new_sites = sites if sites is not None else list(certificate.sites)
        narrower = new_scope != certificate.scope or len(new_sites) < len(certificate.sites)
        if not narrower or not new_sites or not set(new_sites) <= set(certificate.sites):
            raise ScopeNotReduced(self.certificate_number)
        certificate.scope, certificate.sites = new_scope, new_sites
        certificate.edition += 1
        self._certificate_event(
            certificate,
            "certificate_scope_reduced",
            scope=new_scope,
            sites=new_sites,
            reason=reason,
        )

    def recertify(self, conducted_on: date, comments: str | None, now: datetime) -> None:
        """The recertification decision: a new three-year cycle from the current expiry."""
        certificate = self._current_certificate(now, "recertified")
        if certificate.status != VALID:
            raise InvalidTransition(self.certificate_number, certificate.status, "recertified")
        today = china_date(now)
        if today < add_months(certificate.valid_until_date, -RECERTIFICATION_WINDOW_MONTHS):
            raise RecertificationNotDue(self.certificate_number, certificate.status, "recertified")
        if certificate.planned_visits():
            raise SurveillanceOutstanding(
                self.certificate_number, certificate.status, "recertified"
            )
        self._check_audit_date(conducted_on, now)
        valid_until = add_months(certificate.valid_until_date, 12 * VALIDITY_YEARS)
        certificate.cycle += 1
        certificate.valid_until = valid_until.isoformat()
        certificate.surveillance += plan_visits(certificate.cycle, today, valid_until)
        certificate.edition += 1
        self._certificate_event(
            certificate,
            "certificate_renewed",
            cycle=certificate.cycle,
            conducted_on=conducted_on.isoformat(),
            valid_until=certificate.valid_until,
            comments=comments,
        )

    # -- the clock ------------------------------------------------------------------------
    def advance_clock(self, now: datetime) -> None:
        """Record what time alone has decided: expiry, a suspension that ran out,
        surveillance audits coming due or overdue. Each is announced once."""
        certificate = self.certificate
        if certificate is None or certificate.status not in CURRENT:
            return
        today = china_date(now)
        if certificate.status_on(today) == EXPIRED:
            certificate.status = EXPIRED
            certificate.suspension = None
            self._certificate_event(certificate, "certificate_expired", valid_until=certificate.valid_until)
            return
        if certificate.status_on(today) == WITHDRAWN:
            self._withdraw(certificate, None, "suspension_lapsed", today)
            return
        for visit in certificate.planned_visits():
            self._announce_visit(visit, today)
        self._certificate_changed(certificate)

    def _announce_visit(self, visit: dict[str, Any], today: date) -> None:
        due = parse_date(visit["due"])
        if today > due and visit["overdue_announced_on"] is None:
            # Past the due date the "due" notice is moot: only the overdue one goes out.
            visit["due_announced_on"] = visit["due_announced_on"] or today.isoformat()
            visit["overdue_announced_on"] = today.isoformat()
            notice = "surveillance_overdue"
        elif (due - today).days <= DUE_NOTICE_DAYS and visit["due_announced_on"] is None:
            visit["due_announced_on"] = today.isoformat()
            notice = "surveillance_due"
        else:
            return
        self._announce(notice, certificate_number=self.certificate_number, visit=visit["visit"], due=visit["due"])

    # -- standards watch ----------------------------------------------------------------
    def flag_standard(
        self, number: str, status: str, replaced_by: str | None, now: datetime
    ) -> bool:
        """Note that a standard this work cites was superseded or withdrawn; False if it
        does not cite it, is no longer open or current, or was flagged already."""
        in_play = self.status in OPEN or (
            self.certificate is not None and self.certificate.status in CURRENT
        )
        if number not in self.standards or not in_play:
            return False
        if any(alert["number"] == number for alert in self.standard_alerts):
            return False
        self.standard_alerts.append(
            {
                "number": number,
                "status": status,
                "replaced_by": replaced_by,
                "flagged_at": now.isoformat(),
            }
        )
        self._announce(
            "standard_flagged",
            number=number,
            status=status,
            replaced_by=replaced_by,
            certificate_number=self.certificate_number,
        )
        return True

    # -- views ----------------------------------------------------------------------------
    def holder_matches(self, holder: str) -> bool:
        """Whether ``holder`` is the name on the certificate (however it is spaced or cased)."""
        certificate = self.certificate
        return certificate is not None and _comparable(holder) == _comparable(certificate.holder)

    def as_dict(self) -> dict[str, Any]:
        internal = ("new_events", "next_check_at")
        return {name: value for name, value in asdict(self).items() if name not in internal}

    # -- internals ------------------------------------------------------------------------
    def _current_certificate(self, now: datetime, wanted: str) -> Certificate:
        """The certificate, brought up to date, if it still stands; else 409."""
        if self.certificate is None:
            raise InvalidTransition(self.request_code, self.status, wanted)
        self.advance_clock(now)
        if self.certificate.status not in CURRENT:
            raise InvalidTransition(self.certificate_number, self.certificate.status, wanted)
        return self.certificate

    def _withdraw(
        self, certificate: Certificate, reason: str | None, cause: str, today: date
    ) -> None:
        certificate.status = WITHDRAWN
        certificate.suspension = None
        certificate.withdrawal = {"reason": reason, "cause": cause, "on": today.isoformat()}
        self._certificate_event(certificate, "certificate_withdrawn", reason=reason, cause=cause)

    def _certificate_event(self, certificate: Certificate, event_type: str, **data: Any) -> None:
        """A change to the certificate: its state kept beside it for queries, and the event
        announcing it, which names it."""
        self._certificate_changed(certificate)
        self._announce(event_type, certificate_number=self.certificate_number, **data)

    def _certificate_changed(self, certificate: Certificate) -> None:
        self.certificate_status = certificate.status
        self.next_check_at = certificate.next_check_epoch()

    def _check_audit_date(self, day: date, now: datetime, not_before: date | None = None) -> None:
        earliest = not_before or china_date(datetime.fromisoformat(self.applied_at))
        if day > china_date(now) or day < earliest:
            raise DateOutOfRange("conducted_on", day)

    def _require(self, allowed: tuple[str, ...], wanted: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(self.request_code, self.status, wanted)

    def _require_scheme(self, item: str, step: str) -> None:
        if self.item != item:
            raise InvalidTransition(self.request_code, self.status, step)

    def _announce(self, event_type: str, **data: Any) -> None:
        self.new_events.append(DomainEvent(event_type, data))


def _comparable(name: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split()).casefold()
