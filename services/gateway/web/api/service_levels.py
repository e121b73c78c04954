"""Service levels for managers and stations (DESIGN §5): the metrics and their CSV export,
the overdue list, and the timer that flags requests at risk or breached.

Managers and admins see every station; station staff see their own station only.
Figures come from the read model (``service_levels.py``), never from the requests.
"""

import csv
import io
from datetime import UTC, datetime

from werkzeug.wrappers import Response

from ....common.clock import china_date
from ....common.timer import timer
from ...adapters.service_levels_store import MetricsQuery
from ...bootstrap import reference_data
from ...domain import service_levels as metrics
from ...domain import sla
from ...domain.access import ADMIN, MANAGER, STAFF, Forbidden
from ...domain.model import CLOCK_RUNNING
from ...domain.request_code import parse_code
from ...handlers import intake as handlers
from ...handlers import service_levels
from ..apidoc import documented
from ..auth import require_principal
from ..errors import json_endpoint, request_language
from ..messages import message
from ..schemas.service_levels import METRICS_DOC, OVERDUE_DOC, OverdueFiltersSchema, metrics_filters
from ..server import http
from ..views import item_summary, station_summary, status_summary

METRIC_FILTERS = [
    ("from", "first day, YYYY-MM-DD (China time; default: 29 days before `to`)", False),
    ("to", "last day, inclusive (default: today)", False),
    ("station", "division code; staff: their own (default)", False),
    ("domain", "metrology, standards, certification or testing", False),
    ("item", "catalogue code, e.g. JL02", False),
    ("group_by", "one of day, month, station, domain, item (default: totals only)", False),
]
# The columns of the CSV export, in order (the figures' names; labels in messages.py).
CSV_COLUMNS = (
    "submitted", "accepted", "rejected", "cancelled", "dispatched", "completed", "completed_on_time",
    "on_time_rate", "turnaround_p50", "turnaround_p90", "acceptance_wait_hours", "rated", "rated_share",
    "satisfaction_rate", "rectifications_opened", "rectifications_answered", "rectification_rate",
    "sla_at_risk", "sla_breached", "backlog", "overdue_now",
)


def metrics_scope(principal, station):
    """The station a principal may read figures of: any (None: city-wide) for managers
    and admins, their own for staff; nobody else reads figures."""
    if principal.role in (MANAGER, ADMIN):
        return station
    if principal.role == STAFF and station in (None, principal.station):
        return principal.station
    raise Forbidden()


class ServiceLevelsApi:
    @http("GET", "/api/v1/metrics")
    @documented("Service-level figures by period, station, domain and item", tags=["service levels"],
                auth="bearer", query=METRIC_FILTERS, responses={200: METRICS_DOC}, errors=[401, 403, 422],
                description="Managers and admins: city-wide or any station; staff: their own station. "
                "Flows count what happened in the period (by China date); a rating counts on the day the "
                "request was completed. `backlog` and `overdue_now` are as of today.")
    @json_endpoint
    def service_metrics(self, request):
        principal = require_principal(request)
        return self.metrics_for(principal, metrics_filters(request.args), request_language(request))

    @http("GET", "/api/v1/metrics/export")
    @documented("The same figures as CSV (UTF-8 with BOM, for spreadsheets)", tags=["service levels"],
                auth="bearer", query=METRIC_FILTERS, responses={200: None}, errors=[401, 403, 422])
    @json_endpoint
    def service_metrics_csv(self, request):
        principal = require_principal(request)
        filters = metrics_filters(request.args)
        lang = request_language(request)
        report = self.metrics_for(principal, filters, lang)
        name = f"metrics-{report['from']}-{report['to']}.csv"
        return Response(metrics_csv(report, lang), status=200, mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @http("GET", "/api/v1/sla/overdue")
    @documented("Requests past their committed date, now", tags=["service levels"], auth="bearer",
                query=[("station", "division code; staff: their own (default); managers: all by default", False),
                       ("domain", "domain service", False), ("item", "catalogue code", False),
                       ("limit", "at most this many rows, 1-500 (default 200)", False)],
                responses={200: OVERDUE_DOC}, errors=[401, 403, 422],
                description="Open requests whose due day has passed, the longest overdue first, with the "
                "working days they are late. A request waiting for the enterprise (补正) is overdue only "
                "if it already was when the pause began.")
    @json_endpoint
    def overdue_requests(self, request):
        principal = require_principal(request)
        filters = OverdueFiltersSchema().load({key: value for key, value in request.args.items() if value != ""})
        return self.overdue_for(principal, filters, request_language(request))

    @timer("SLA_CHECK_SECONDS")
    def check_service_levels(self):
        """Flag requests whose due day has begun (at risk) or passed (breached), once
        per due date; candidates come from the read model, the request decides."""
        now = datetime.now(UTC)
        today = china_date(now)
        candidates = [clock["_id"] for clock in MetricsQuery(self.db).clock_candidates(now.timestamp())
                      if metrics.alert_needed(clock, today)]
        if candidates:
            handlers.check_service_levels(self.requests, candidates, now, calendar=self.current_calendar())

    @timer("SLA_CHECK_SECONDS")
    def roll_up_ended_months(self):
        """Once a month has ended, write its rollups of the metrics read model: from then
        on queries read the month from one document per station × domain × item."""
        self.metrics_repository.roll_up_ended_months()

    # shared with the operators' job views and the dashboard
    def with_due_date(self, code, job):
        """A domain service's job with the request's committed date, from the gateway's
        clock: the gateway alone keeps it (pauses move it), so it is added here on every
        read rather than copied into the job, where it could go stale."""
        found = self.requests.get_or_none(str(parse_code(code)))
        if found is None or not isinstance(job, dict):
            return job
        catalogue, _ = reference_data()
        today = china_date(datetime.now(UTC))
        calendar = self.current_calendar()
        due = handlers.clock_of(found, catalogue, calendar).due(found, today)
        running = found.status in CLOCK_RUNNING
        return {**job, "due_date": due.isoformat() if due else None,
                "due_date_provisional": sla.is_provisional(found.accepted_at, due, calendar),
                "overdue": bool(running and sla.is_overdue(due, today))}

    def metrics_for(self, principal, filters, lang):
        filters = {**filters, "station": metrics_scope(principal, filters.get("station"))}
        report = service_levels.report(MetricsQuery(self.db), filters, china_date(datetime.now(UTC)))
        for group in report["groups"]:
            group["label"] = group_label(report["group_by"], group["key"], lang)
        return report

    def overdue_for(self, principal, filters, lang):
        filters = {**filters, "station": metrics_scope(principal, filters.get("station"))}
        today = china_date(datetime.now(UTC))
        rows, total = service_levels.overdue(MetricsQuery(self.db), filters, today, self.current_calendar(),
                                             limit=filters.get("limit") or 200)
        found = {request.code: request for request in self.requests.find({"_id": {"$in": [r["code"] for r in rows]}})}
        catalogue, stations = reference_data()
        shown = []
        for row in rows:
            request = found.get(row["code"])
            shown.append({
                **row,
                "station": station_summary(stations.get(row["station"]), lang),
                "item": item_summary(catalogue.item(row["item"]), lang),
                **(status_summary(request.status, lang) if request else {"status": None, "status_label": ""}),
                "enterprise": {"name": request.enterprise["name"] if request else ""},
            })
        return {"as_of": today.isoformat(), "total": total, "requests": shown}


def group_label(group_by, key, lang):
    """What a group is called in the reader's language."""
    catalogue, stations = reference_data()
    if group_by == "station" and stations.get(key):
        return stations.get(key)["name"][lang]
    if group_by == "item" and catalogue.item(key):
        return f"{key} {catalogue.item(key).name[lang]}"
    if group_by == "domain":
        return message(f"domain.{key}", lang)
    return str(key)


def metrics_csv(report, lang):
    """The figures as CSV: a row per group and a total row, headed in the reader's language."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([message("metric.group", lang), *(message(f"metric.{name}", lang) for name in CSV_COLUMNS)])
    for group in report["groups"]:
        writer.writerow([group["label"], *(_cell(group.get(name)) for name in CSV_COLUMNS)])
    writer.writerow([message("metric.total", lang), *(_cell(report["totals"].get(name)) for name in CSV_COLUMNS)])
    return "\ufeff" + out.getvalue()


def _cell(value):
    return "" if value is None else value
