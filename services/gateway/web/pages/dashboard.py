"""The managers' dashboard (``/dashboard``): service levels city-wide, by station and item.

Server-rendered like the staff console and signed in the same way (the console's
cookies); managers and admins only. Every figure comes from the same use cases as
``GET /api/v1/metrics`` and ``GET /api/v1/sla/overdue``; the charts are SVG drawn here.
"""

from datetime import date, timedelta

from marshmallow import ValidationError

from ....common.clock import china_date
from ...domain.access import ADMIN, MANAGER
from ...handlers.calendar import calendar_warnings
from .. import charts
from ..api.service_levels import export_response, figures_for, overdue_for
from ..messages import localize, message
from ..schemas.service_levels import metrics_filters
from ..server import http
from ..templating import page_endpoint, page_language, render
from ..views import Reader, calendar_warning_views
from .session import console_session, signed_in

DASHBOARD_ROLES = (MANAGER, ADMIN)
FILTER_NAMES = ("from", "to", "station", "domain", "item")


class Dashboard:
    @http("GET", "/dashboard")
    @page_endpoint
    @signed_in(console_session, after="/dashboard", roles=DASHBOARD_ROLES)
    def dashboard_page(self, request, session):
        lang = page_language(request)
        reader = Reader.of(self.gateway, lang)
        context = {"session": session, "catalogue": reader.catalogue,
                   "stations": list(reader.stations.by_division.values()),
                   "errors": {}, "args": _filter_args(request), "figures": None, "period": None, "overdue": None,
                   "by_station": [], "by_item": [], "charts": {},
                   "calendar_warnings": calendar_warning_views(calendar_warnings(reader.calendar, reader.today),
                                                               lang)}
        try:
            filters = metrics_filters(_filter_args(request), self.gateway.catalogue, self.gateway.stations,
                                      china_date(self.gateway.now()))
        except ValidationError as exc:
            context["errors"] = localize(exc.messages, lang)
            return session.finish(render(request, "dashboard.html", status=422, **context))
        context.update(dashboard_figures(self.gateway, session.principal, filters, lang))
        return session.finish(render(request, "dashboard.html", **context))

    @http("GET", "/dashboard/export.csv")
    @page_endpoint
    def dashboard_export(self, request):
        """The dashboard's figures by station as CSV, for the signed-in manager."""
        return self._dashboard_export(request, "csv")

    @http("GET", "/dashboard/export.xlsx")
    @page_endpoint
    def dashboard_export_xlsx(self, request):
        """The same figures as an Excel workbook."""
        return self._dashboard_export(request, "xlsx")

    def _dashboard_export(self, request, fmt):
        session = console_session(self.gateway, request)
        if session.principal is None or session.principal.role not in DASHBOARD_ROLES:
            return render(request, "message.html", status=403, key="forbidden", params={})
        lang = page_language(request)
        try:
            filters = metrics_filters({**_filter_args(request), "group_by": request.args.get("group_by") or "station"},
                                      self.gateway.catalogue, self.gateway.stations, china_date(self.gateway.now()))
        except ValidationError:
            return render(request, "message.html", status=422, key="validation_failed", params={})
        return export_response(figures_for(self.gateway, session.principal, filters, lang), lang, fmt)



def dashboard_figures(gateway, principal, filters, lang):
    """What the dashboard shows: the period's figures by day, station and item, the
    overdue list, and their charts."""
    by_day = figures_for(gateway, principal, {**filters, "group_by": "day"}, lang)
    by_station = figures_for(gateway, principal, {**filters, "group_by": "station"}, lang)
    by_item = figures_for(gateway, principal, {**filters, "group_by": "item"}, lang)
    overdue = overdue_for(gateway, principal, {**filters, "limit": 50}, lang)
    totals = by_day["totals"]
    return {
        "figures": totals, "period": by_day, "overdue": overdue,
        "by_station": by_station["groups"], "by_item": by_item["groups"],
        "charts": {
            "trend": trend_chart(by_day, lang),
            "on_time": on_time_chart(by_station["groups"], lang),
            "funnel": funnel_chart(totals, lang),
            "turnaround": turnaround_chart(by_item["groups"], lang),
            "ratings": ratings_chart(totals, lang),
        },
    }


def _filter_args(request):
    return {name: request.args[name] for name in FILTER_NAMES if request.args.get(name)}


# -- the charts -----------------------------------------------------------------------------
def trend_chart(by_day, lang):
    first, last = date.fromisoformat(by_day["from"]), date.fromisoformat(by_day["to"])
    days = [(first + timedelta(days=offset)).isoformat() for offset in range((last - first).days + 1)]
    found = {group["key"]: group for group in by_day["groups"]}
    series = [(message(f"metric.{name}", lang), colour, [found.get(day, {}).get(name, 0) for day in days])
              for name, colour in (("submitted", charts.COLOURS["primary"]), ("completed", charts.COLOURS["good"]))]
    return charts.line_chart("chart-trend", message("page.dashboard.trend", lang), [day[5:] for day in days], series)


def on_time_chart(groups, lang):
    rows = [(group["label"], None if group["on_time_rate"] is None else round(group["on_time_rate"] * 100, 1),
             _percent(group["on_time_rate"]) + f" ({group['completed_on_time']}/{group['completed']})")
            for group in groups]
    return charts.bar_chart("chart-on-time", message("page.dashboard.on_time", lang), rows, maximum=100,
                            colour=charts.COLOURS["good"])


def funnel_chart(totals, lang):
    steps = [(message(f"metric.{name}", lang), totals[name]) for name in ("submitted", "accepted", "dispatched",
                                                                           "completed")]
    return charts.funnel_chart("chart-funnel", message("page.dashboard.funnel", lang), steps)


def turnaround_chart(groups, lang):
    rows = [(group["label"], group["turnaround_p50"], group["turnaround_p90"]) for group in groups
            if group["completed"]]
    names = (message("page.dashboard.p50", lang), message("page.dashboard.p90", lang))
    return charts.paired_bar_chart("chart-turnaround", message("page.dashboard.turnaround", lang), rows, names)


def ratings_chart(totals, lang):
    rows = [(message(f"rating.{level}", lang), count, str(count)) for level, count in
            sorted(totals["ratings"].items(), reverse=True)]
    return charts.bar_chart("chart-ratings", message("page.dashboard.ratings", lang), rows,
                            colour=charts.COLOURS["warn"])


def _percent(rate):
    return "—" if rate is None else f"{rate * 100:.1f}%"
