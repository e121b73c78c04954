"""``GET /metrics``: the gateway's Prometheus metrics (services/common/metrics.py).

HTTP requests by route and status with their latencies, every entrypoint's time, events
published and consumed by type, and, read when scraped, the outbox lag of the gateway's
own relay, the number of dead letters (common/metrics_endpoint.py, which serves the
same for each domain service on a port of its own) and whether next year's official
holiday schedule is loaded.
"""

import logging

from prometheus_client import Gauge
from werkzeug.wrappers import Response

from ....common import metrics
from ....common.clock import china_date
from ....common.metrics_endpoint import measure_at_scrape
from ...adapters.probes import STORE_DOWN
from ...handlers.calendar import calendar_state
from ..server import http

log = logging.getLogger(__name__)

# The working-day calendar: alert on qi_calendar_next_year_missing == 1 (from 1 November,
# next year's official holiday schedule is not loaded; due dates reaching into it are
# provisional until an admin loads it).
NEXT_YEAR_OFFICIAL = Gauge("qi_calendar_next_year_official",
                           "1 when next year's official holiday schedule is loaded, 0 while its days are provisional")
NEXT_YEAR_MISSING = Gauge("qi_calendar_next_year_missing",
                          "1 from 1 November while next year's official holiday schedule is not loaded")


class PrometheusMetrics:
    @http("GET", "/metrics")
    def prometheus_metrics(self, request):
        measure_at_scrape(self.relay)
        try:
            state = calendar_state(self.gateway.calendar.current(), china_date(self.gateway.now()))
            next_year = max(state["years"])
            NEXT_YEAR_OFFICIAL.set(int(state["years"][next_year] == "official"))
            NEXT_YEAR_MISSING.set(int(bool(state["warnings"])))
        except STORE_DOWN:
            log.warning("calendar not measured: the store does not answer")
        body, content_type = metrics.exposition()
        return Response(body, status=200, content_type=content_type)
