"""Service levels for managers and stations (DESIGN §5): the metrics and their CSV export,
the overdue list, and the timer that flags requests at risk or breached.

Managers and admins see every station; station staff see their own station only.
Figures come from the read model (``service_levels.py``), never from the requests.
"""

import csv
import io

from werkzeug.wrappers import Response

from ....common.clock import china_date
from ...handlers import service_levels
from ..apidoc import Binary, documented
from ..auth import require_principal
from ..errors import json_endpoint, request_language
from ..messages import message
from ..schemas.service_levels import METRICS_DOC, OVERDUE_DOC, OverdueFiltersSchema, metrics_filters
from ..server import http
from ..views import Reader, figures_view, overdue_view

METRIC_FILTERS = [
    ("from", "first day, YYYY-MM-DD (China time; default: 29 days before `to`)", False),
    ("to", "last day, inclusive (default: today)", False),
    ("station", "division code; staff: their own (default)", False),
    ("domain", "metrology, standards, certification or testing", False),
    ("item", "catalogue code, e.g. JL02", False),
    ("group_by", "one of day, month, station, domain, item (default: totals only)", False),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The columns of the CSV export, in order (the figures' names; labels in messages.py).
CSV_COLUMNS = (
    "submitted", "accepted", "rejected", "cancelled", "terminated", "dispatched", "completed", "completed_on_time",
    "on_time_rate", "turnaround_p50", "turnaround_p90", "acceptance_wait_hours", "rated", "rated_share",
    "satisfaction_rate", "rectifications_opened", "rectifications_answered", "rectification_rate",
    "sla_at_risk", "sla_breached", "backlog", "overdue_now",
)


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
        filters = metrics_filters(request.args, self.gateway.catalogue, self.gateway.stations,
                                      china_date(self.gateway.now()))
        return figures_for(self.gateway, principal, filters, request_language(request))

    @http("GET", "/api/v1/metrics/export")
    @documented("The same figures as CSV (UTF-8 with BOM, for spreadsheets)", tags=["service levels"],
                auth="bearer", query=METRIC_FILTERS, responses={200: None}, errors=[401, 403, 422])
    @json_endpoint
    def service_metrics_csv(self, request):
        return self._export(request, "csv")

    @http("GET", "/api/v1/metrics/export.xlsx")
    @documented("The same figures as an Excel workbook (.xlsx)", tags=["service levels"], auth="bearer",
                query=METRIC_FILTERS, responses={200: Binary(XLSX)}, errors=[401, 403, 422],
                description="The rows and figures of the CSV export, numbers as numbers, headed in the reader's "
                "language.")
    @json_endpoint
    def service_metrics_xlsx(self, request):
        return self._export(request, "xlsx")

    def _export(self, request, fmt):
        principal = require_principal(request)
        filters = metrics_filters(request.args, self.gateway.catalogue, self.gateway.stations,
                                      china_date(self.gateway.now()))
        lang = request_language(request)
        return export_response(figures_for(self.gateway, principal, filters, lang), lang, fmt)

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
        filters = OverdueFiltersSchema(catalogue=self.gateway.catalogue, stations=self.gateway.stations).load(
            {key: value for key, value in request.args.items() if value != ""})
        return overdue_for(self.gateway, principal, filters, request_language(request))


def export_response(report, lang, fmt):
    """The figures as a file to download: CSV or an .xlsx workbook (the API and the dashboard)."""
    content, mimetype = (metrics_csv(report, lang), "text/csv") if fmt == "csv" else (metrics_xlsx(report, lang), XLSX)
    name = f"metrics-{report['from']}-{report['to']}.{fmt}"
    return Response(content, status=200, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def figures_for(gateway, principal, filters, lang):
    """The figures a principal asked for, labelled in their language (the API, its CSV and
    the dashboard)."""
    reader = Reader.of(gateway, lang)
    return figures_view(service_levels.figures(gateway.service_level_query, principal, filters, reader.today),
                        reader)


def overdue_for(gateway, principal, filters, lang):
    """The overdue list a principal asked for, in their language (the API and the dashboard)."""
    reader = Reader.of(gateway, lang)
    overdue = service_levels.overdue_requests(gateway.service_level_query, gateway.requests, reader.calendar,
                                              principal, filters, reader.today)
    return overdue_view(overdue, reader)


def metrics_rows(report, lang):
    """The export's rows: a heading, a row per group and a total row (the CSV and the workbook)."""
    yield [message("metric.group", lang), *(message(f"metric.{name}", lang) for name in CSV_COLUMNS)]
    for group in report["groups"]:
        yield [group["label"], *(_cell(group.get(name)) for name in CSV_COLUMNS)]
    yield [message("metric.total", lang), *(_cell(report["totals"].get(name)) for name in CSV_COLUMNS)]


def metrics_csv(report, lang):
    """The figures as CSV: a row per group and a total row, headed in the reader's language."""
    out = io.StringIO()
    csv.writer(out).writerows(metrics_rows(report, lang))
    return "\ufeff" + out.getvalue()


def metrics_xlsx(report, lang):
    """The same rows as an .xlsx workbook (openpyxl): numbers stay numbers, the heading is
    bold and frozen, the period is in the sheet's title."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{report['from']} {report['to']}"[:31]
    for row in metrics_rows(report, lang):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value):
    return "" if value is None else value
