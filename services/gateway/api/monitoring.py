"""``GET /metrics``: the gateway's Prometheus metrics (services/common/metrics.py).

HTTP requests by route and status with their latencies, every entrypoint's time, events
published and consumed by type, and, read when scraped, the outbox lag of the gateway's
own relay and the number of dead letters (common/metrics_endpoint.py, which serves the
same for each domain service on a port of its own).
"""

from werkzeug.wrappers import Response

from ...common import metrics
from ...common.metrics_endpoint import measure_at_scrape
from ..web import http


class PrometheusMetrics:
    @http("GET", "/metrics")
    def prometheus_metrics(self, request):
        measure_at_scrape(self.relay)
        body, content_type = metrics.exposition()
        return Response(body, status=200, content_type=content_type)
