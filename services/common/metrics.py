"""Prometheus metrics of one service process (``prometheus-client``'s default registry).

Every service counts what passes through it; the gateway serves its own at ``GET /metrics``
(gateway/api/monitoring.py). The domain services count too but serve nothing: each
process has its own counters, and a scrape reaches only the gateway.

* ``qi_http_requests_total{method,route,status}`` and ``qi_http_request_seconds{method,route}``:
  per route template (``/api/v1/requests/<string:code>``), so codes never become labels;
* ``qi_events_published_total{source,type}``: confirmed by the broker (outbox relay);
* ``qi_events_consumed_total{consumer,type,outcome}``: ``handled``, ``retried``,
  ``dead_lettered`` (consumer.py);
* ``qi_outbox_pending_events`` and ``qi_outbox_oldest_pending_seconds``: events written but
  not yet confirmed, and how long the oldest has waited (set when scraped).
"""

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

# "<counter>_created" series double the output and no dashboard here reads them.
disable_created_metrics()

HTTP_REQUESTS = Counter("qi_http_requests", "HTTP requests answered", ["method", "route", "status"])
HTTP_SECONDS = Histogram(
    "qi_http_request_seconds",
    "Time from the entrypoint firing to its answer",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
EVENTS_PUBLISHED = Counter("qi_events_published", "Events the broker confirmed", ["source", "type"])
EVENTS_CONSUMED = Counter(
    "qi_events_consumed",
    "Deliveries of events to consumers, by outcome",
    ["consumer", "type", "outcome"],
)
OUTBOX_PENDING = Gauge(
    "qi_outbox_pending_events", "Events stored but not yet confirmed by the broker"
)
OUTBOX_OLDEST_SECONDS = Gauge(
    "qi_outbox_oldest_pending_seconds", "Age of the oldest event not yet confirmed (0 when none)"
)


def observe_http(method, route, status, seconds):
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_SECONDS.labels(method, route).observe(seconds)


def event_published(envelope):
    EVENTS_PUBLISHED.labels(envelope["source"], envelope["type"]).inc()


def event_consumed(consumer, event_type, outcome):
    EVENTS_CONSUMED.labels(consumer, event_type, outcome).inc()


def set_outbox_backlog(pending, oldest_age_seconds):
    OUTBOX_PENDING.set(pending)
    OUTBOX_OLDEST_SECONDS.set(oldest_age_seconds)


def exposition():
    """(body, content type) of the text format Prometheus scrapes."""
    return generate_latest(), CONTENT_TYPE_LATEST
