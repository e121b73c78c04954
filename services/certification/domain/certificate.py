"""A certificate's own state and its surveillance schedule (ISO/IEC 17021-1 §9.6).

Plain data and pure functions; the :class:`~.model.Certification` aggregate changes
them and records the events.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ...common.clock import add_months, day_after, parse_date, start_of_day_epoch

VALID = "valid"
SUSPENDED = "suspended"
WITHDRAWN = "withdrawn"
EXPIRED = "expired"
CURRENT = (VALID, SUSPENDED)  # the certificate still stands

VALIDITY_YEARS = 3
MAX_SUSPENSION_MONTHS = 6
# A surveillance audit is announced as due this many days before its due date.
DUE_NOTICE_DAYS = 30
# Recertification is audited in the last year of the cycle, before expiry.
RECERTIFICATION_WINDOW_MONTHS = 12

PLANNED = "planned"
COMPLETED = "completed"


# What the certificate says it is, by scheme (the title printed on it).
KINDS = {
    "RZ01": ("product_certificate", "产品认证证书"),
    "RZ02": ("management_system_certificate", "管理体系认证证书"),
}


@dataclass
class Certificate:
    number: str
    kind: str
    title: str
    issuer: str
    holder: str
    uscc: str
    standards: list[str]
    scope: str
    sites: list[str]
    issued_on: str
    valid_until: str
    status: str = VALID
    cycle: int = 1
    surveillance: list[dict[str, Any]] = field(default_factory=list)  # planned and done visits
    suspension: dict[str, Any] | None = None  # {"reason", "since", "until"}
    withdrawal: dict[str, Any] | None = None  # {"reason", "cause", "on"}
    # The printed certificate's edition: a reduced scope or a renewal issues it anew.
    edition: int = 1

    # -- dates ------------------------------------------------------------------------
    @property
    def valid_until_date(self) -> date:
        return parse_date(self.valid_until)

    @property
    def suspended_until(self) -> date | None:
        """The last day of the suspension, while there is one."""
        return parse_date(self.suspension["until"]) if self.suspension else None

    def status_on(self, today: date) -> str:
        """What the certificate is on ``today``, even if no clock tick has recorded it yet."""
        if self.status in CURRENT and today > self.valid_until_date:
            return EXPIRED
        suspended_until = self.suspended_until
        if self.status == SUSPENDED and suspended_until and today > suspended_until:
            return WITHDRAWN
        return self.status

    def planned_visits(self) -> list[dict[str, Any]]:
        return [visit for visit in self.surveillance if visit["status"] == PLANNED]

    def next_visit(self) -> dict[str, Any] | None:
        planned = self.planned_visits()
        return planned[0] if planned else None

    def next_check_epoch(self) -> float | None:
        """When the clock next has something to say about this certificate (None: never)."""
        if self.status not in CURRENT:
            return None
        moments = [day_after(self.valid_until_date)]
        suspended_until = self.suspended_until
        if self.status == SUSPENDED and suspended_until:
            moments.append(day_after(suspended_until))
        for visit in self.planned_visits():
            due = parse_date(visit["due"])
            if visit["due_announced_on"] is None:
                moments.append(due - timedelta(days=DUE_NOTICE_DAYS))
            elif visit["overdue_announced_on"] is None:
                moments.append(day_after(due))
        return start_of_day_epoch(min(moments))

    def public_view(self, today: date) -> dict[str, Any]:
        """What anyone holding the number may see: identity, scope, status and validity
        (the same shape as the laboratories' certificates and reports)."""
        status = self.status_on(today)
        return {
            "number": self.number,
            "genuine": True,
            "status": status,
            "kind": self.kind,
            "title": self.title,
            "issuer": self.issuer,
            "issued_on": self.issued_on,
            "customer": self.holder,
            "standards": list(self.standards),
            "scope": self.scope,
            "valid_until": self.valid_until,
            "expired": status == EXPIRED,
            "suspended_until": (self.suspension or {}).get("until") if status == SUSPENDED else None,
            "withdrawn_on": (self.withdrawal or {}).get("on") if status == WITHDRAWN else None,
            "edition": self.edition,
        }


def validity_end(issued_on: date) -> date:
    """A certificate issued on a day is valid for three years, through the day before."""
    return add_months(issued_on, 12 * VALIDITY_YEARS) - timedelta(days=1)


def plan_visits(
    cycle: int, last_audit: date, valid_until: date, first_visit: int = 1
) -> list[dict[str, Any]]:
    """Surveillance audits until the cycle ends, each due by the earlier of 12 months
    after the previous audit and the end of the next calendar year, so the first is
    within 12 months of the decision and every calendar year has one. The year the
    certificate expires has the recertification audit instead, which must come first."""
    visits: list[dict[str, Any]] = []
    last = last_audit
    while True:
        due = min(add_months(last, 12), date(last.year + 1, 12, 31))
        if due.year >= valid_until.year:
            return visits
        visits.append(
            {
                "cycle": cycle,
                "visit": first_visit + len(visits),
                "due": due.isoformat(),
                "status": PLANNED,
                "conducted_on": None,
                "findings": None,
                "due_announced_on": None,
                "overdue_announced_on": None,
            }
        )
        last = due
