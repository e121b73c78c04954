"""Service levels (DESIGN §5) as use cases: keep the read model of service levels up to
date with the gateway's own events, flag requests at risk or breached, answer the
managers' and stations' questions from the read model (never from the requests).

Plain functions over the read model's repository and query (``adapters/
service_levels_store.py``), the requests and the working-day calendar; no nameko, no
HTTP. The rebuild from the event log is a maintenance job in ``adapters/``.
"""

import logging
from datetime import date, datetime, timedelta
from typing import Any

from ...common.clock import china_date, start_of_day_epoch
from ...common.repository import VersionConflict, retry_on_conflict
from ..adapters.event_log import EventLog
from ..adapters.repository import RequestRepository
from ..adapters.service_levels_store import ServiceLevelQuery, ServiceLevelRepository
from ..domain import service_levels as metrics
from ..domain import sla
from ..domain.access import ADMIN, MANAGER, STAFF, Forbidden, Principal
from ..domain.calendar import WorkingCalendar
from ..domain.catalogue import Catalogue
from ..exceptions import UnknownRequest
from .intake import clock_of

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
GROUPS = (*metrics.TIME_GRAINS, *metrics.DIMENSIONS)
OVERDUE_PAGE = 200


# -- who reads which figures ------------------------------------------------------------------
def scope(principal: Principal, station: str | None) -> str | None:
    """The station a principal may read figures of: any (None: city-wide) for managers
    and admins, their own for staff; nobody else reads figures."""
    if principal.role in (MANAGER, ADMIN):
        return station
    if principal.role == STAFF and station in (None, principal.station):
        return principal.station
    raise Forbidden()


def figures(query: ServiceLevelQuery, principal: Principal, filters: dict[str, Any], today: date) -> dict[str, Any]:
    """The figures a principal asked for (their scope applied)."""
    return report(query, {**filters, "station": scope(principal, filters.get("station"))}, today)


def overdue_requests(query: ServiceLevelQuery, requests: RequestRepository, calendar: WorkingCalendar,
                     principal: Principal, filters: dict[str, Any], today: date) -> dict[str, Any]:
    """The overdue list a principal asked for (their scope applied): {total, rows, requests
    by code} (the requests, for what the clocks do not keep: status, enterprise)."""
    filters = {**filters, "station": scope(principal, filters.get("station"))}
    rows, total = overdue(query, filters, today, calendar, limit=filters.get("limit") or OVERDUE_PAGE)
    return {"total": total, "rows": rows, "requests": requests.by_codes([row["code"] for row in rows])}


# -- the figures ------------------------------------------------------------------------------
def period(filters: dict[str, Any], today: date) -> tuple[date, date]:
    """The first and last day asked for; the last 30 days by default."""
    last = filters.get("to") or today
    first = filters.get("from") or last - timedelta(days=DEFAULT_DAYS - 1)
    return first, last


def where(filters: dict[str, Any]) -> dict[str, str]:
    """The station, domain and item filters."""
    return {name: filters[name] for name in metrics.DIMENSIONS if filters.get(name)}


def report(query: ServiceLevelQuery, filters: dict[str, Any], today: date) -> dict[str, Any]:
    """Figures for a period by one grouping (or none): flows from the day buckets, and
    the backlog and requests overdue now from the open clocks (present tense, so they
    are given for the totals and per station, domain or item, not per day)."""
    first, last = period(filters, today)
    group_by = filters.get("group_by")
    by_group = query.period_sums(where(filters), first, last, group_by)
    totals: dict[str, Any] = {}
    for sums in by_group.values():
        metrics.add_sums(totals, sums)
    by_dimension = group_by if group_by in metrics.DIMENSIONS else None
    present = query.open_counts(where(filters), by_dimension, start_of_day_epoch(today))
    present_totals = {"backlog": sum(counts["backlog"] for counts in present.values()),
                      "overdue_now": sum(counts["overdue_now"] for counts in present.values())}
    result: dict[str, Any] = {
        "from": first.isoformat(), "to": last.isoformat(), "as_of": today.isoformat(), "group_by": group_by,
        "filters": where(filters), "totals": {**metrics.figures(totals), **present_totals}, "groups": [],
    }
    if group_by:
        for key in sorted(set(by_group) | (set(present) if by_dimension else set()), key=str):
            group = {"key": _key_text(group_by, key), **metrics.figures(by_group.get(key, {}))}
            if by_dimension:
                group.update(present.get(key, {"backlog": 0, "overdue_now": 0}))
            result["groups"].append(group)
    return result


def _key_text(group_by: str, key: Any) -> str:
    if group_by == "day":
        return metrics.day_from_number(int(key)).isoformat()
    if group_by == "month":
        return f"{int(key) // 100:04d}-{int(key) % 100:02d}"
    return str(key)


def overdue(query: ServiceLevelQuery, filters: dict[str, Any], today: date, calendar: WorkingCalendar,
            limit: int = 500) -> tuple[list[dict[str, Any]], int]:
    """Open requests past their due day: (rows, how many in all). Each row: the request
    code, where it is, its item, due date (and whether a provisional year counts in it)
    and the working days it is late."""
    clocks, total = query.overdue(where(filters), start_of_day_epoch(today), limit)
    rows = []
    for clock in clocks:
        due = date.fromisoformat(clock["due_date"])
        rows.append({"code": clock["_id"], "station": clock["station"], "domain": clock["domain"],
                     "item": clock["item"], "due_date": clock["due_date"],
                     "due_date_provisional": sla.is_provisional(clock.get("accepted_at"), due, calendar),
                     "paused": bool(clock.get("paused")),
                     "working_days_late": calendar.working_days_between(due, today)})
    return rows, total


# -- keeping the read model -------------------------------------------------------------------
def project(repository: ServiceLevelRepository, envelope: dict[str, Any]) -> bool:
    """Keep the read model up to date with one of the gateway's events."""
    folded: bool = repository.fold(envelope)
    return folded


def project_all(repository: ServiceLevelRepository, envelopes: list[dict[str, Any]]) -> list[bool]:
    """The same for a batch of them (the relay's confirmed events): a few writes for the lot."""
    folded: list[bool] = repository.fold_all(envelopes)
    return folded


def keep_confirmed(event_log: EventLog, repository: ServiceLevelRepository, envelopes: list[dict[str, Any]],
                   store_failures: tuple[type[Exception], ...] = (VersionConflict,)) -> list[dict[str, Any]]:
    """The gateway's own events, once the broker has confirmed them, go into the event log
    and the read model a batch at a time, a few writes for the lot, instead of consumers
    taking each one back from the broker. Returns the events the read model could not
    fold (a bug: they are logged, and left in the event log for a rebuild once fixed,
    rather than holding up every event behind them).

    Both writes are idempotent on ``event_id``, and a failure of the store (one of
    ``store_failures``) raises: the relay then publishes the batch again."""
    event_log.record_all(envelopes)
    try:
        project_all(repository, envelopes)
        return []
    except store_failures:
        raise
    except Exception:  # noqa: BLE001 - find the events at fault, fold the others
        return [envelope for envelope in envelopes if not _project_alone(repository, envelope, store_failures)]


def _project_alone(repository: ServiceLevelRepository, envelope: dict[str, Any],
                   store_failures: tuple[type[Exception], ...]) -> bool:
    try:
        project(repository, envelope)
        return True
    except store_failures:
        raise
    except Exception:  # noqa: BLE001
        log.exception("the read model of service levels could not fold event %s (%s); "
                      "`python -m services.gateway.cli.service_levels rebuild` folds it once the cause is fixed",
                      envelope["event_id"], envelope["type"])
        return False


def roll_up_ended_months(repository: ServiceLevelRepository) -> None:
    """Once a month has ended, write its rollups: from then on queries read the month
    from one document per station × domain × item."""
    repository.roll_up_ended_months()


# -- the clock's alerts -------------------------------------------------------------------------
def check_alerts(query: ServiceLevelQuery, requests: RequestRepository, catalogue: Catalogue,
                 calendar: WorkingCalendar, now: datetime) -> list[str]:
    """Flag requests whose due day has begun (at risk) or passed (breached), once per due
    date; candidates come from the read model's clocks, the request decides."""
    today = china_date(now)
    candidates = [clock["_id"] for clock in query.clock_candidates(now.timestamp())
                  if metrics.alert_needed(clock, today)]
    return check_service_levels(requests, candidates, now, catalogue, calendar)


def check_service_levels(requests: RequestRepository, codes: list[str], now: datetime, catalogue: Catalogue,
                         calendar: WorkingCalendar) -> list[str]:
    """Flag each of these requests at risk or breached if its clock says so (once per
    due date); the codes are candidates, the request itself decides. Returns the codes
    flagged now."""
    flagged = []
    for code in codes:
        try:
            if retry_on_conflict(requests, code, lambda request: request.check_service_level(
                    clock_of(request, catalogue, calendar), now)):
                flagged.append(code)
        except UnknownRequest:
            log.warning("service-level candidate %s is not a request", code)
    return flagged
