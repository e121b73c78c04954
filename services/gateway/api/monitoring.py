"""``GET /metrics``: the gateway's Prometheus metrics (services/common/metrics.py).

HTTP requests by route and status with their latencies, events published and consumed
by type, and the outbox lag of the gateway's own relay, read from the store when scraped.
"""

import logging

import pymongo
from werkzeug.wrappers import Response

from ...common import metrics
from ..web import http

log = logging.getLogger(__name__)


class PrometheusMetrics:
    @http("GET", "/metrics")
    def prometheus_metrics(self, request):
        try:
            metrics.set_outbox_backlog(*self.relay.backlog())
        except pymongo.errors.PyMongoError:
            # The counters are still worth a scrape when the store is down; the lag
            # keeps its last value.
            log.warning("outbox lag not measured: the store does not answer")
        body, content_type = metrics.exposition()
        return Response(body, status=200, content_type=content_type)
