"""Prometheus metrics of one service process (``prometheus-client``'s default registry).

Every service counts what passes through it. The gateway serves its own at ``GET /metrics``
on its HTTP port (gateway/web/api/monitoring.py); each domain service process serves its own
on ``METRICS_PORT`` (metrics_endpoint.py). Each process has its own counters, so every
process is a scrape target of its own.

* ``qi_http_requests_total{method,route,status}`` and ``qi_http_request_seconds{method,route}``:
  per route template (``/api/v1/requests/<string:code>``), so codes never become labels;
* ``qi_events_published_total{source,type}``: confirmed by the broker (outbox relay);
* ``qi_events_consumed_total{consumer,type,outcome}``: ``handled``, ``retried``,
  ``dead_lettered`` (consumer.py);
* ``qi_worker_seconds{entrypoint,kind}``: how long each entrypoint's workers take, by
  kind (``rpc``, ``event``, ``timer``, ``http``), refusals and failures included;
* ``qi_rpc_calls_total{method,outcome}``: RPC calls handled, ``answered``, ``refused`` (a
  refusal the method declares, common/refusals.py) or ``failed`` (a fault);
* ``qi_outbox_pending_events`` and ``qi_outbox_oldest_pending_seconds``: events written but
  not yet confirmed, and how long the oldest has waited (set when scraped);
* ``qi_dead_letters``: messages waiting in the dead-letter queue ``qi.dead-letters``, all
  services' (set when scraped): the consumers' give-ups, including those the broker
  moved after too many deliveries, which no service counts itself.
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
WORKER_SECONDS = Histogram(
    "qi_worker_seconds",
    "Time an entrypoint's worker took, from its start to its result",
    ["entrypoint", "kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
RPC_CALLS = Counter("qi_rpc_calls", "RPC calls handled, by outcome", ["method", "outcome"])
OUTBOX_PENDING = Gauge(
    "qi_outbox_pending_events", "Events stored but not yet confirmed by the broker"
)
OUTBOX_OLDEST_SECONDS = Gauge(
    "qi_outbox_oldest_pending_seconds", "Age of the oldest event not yet confirmed (0 when none)"
)

DEAD_LETTERS = Gauge("qi_dead_letters", "Messages waiting in the dead-letter queue (all services')")


def observe_http(method, route, status, seconds):
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_SECONDS.labels(method, route).observe(seconds)


def event_published(envelope):
    EVENTS_PUBLISHED.labels(envelope["source"], envelope["type"]).inc()


def event_consumed(consumer: str, event_type: str, outcome: str) -> None:
    EVENTS_CONSUMED.labels(consumer, event_type, outcome).inc()


def observe_worker(entrypoint, kind, seconds):
    WORKER_SECONDS.labels(entrypoint, kind).observe(seconds)


def rpc_handled(method, outcome):
    RPC_CALLS.labels(method, outcome).inc()


def set_dead_letters(waiting):
    DEAD_LETTERS.set(waiting)


def set_outbox_backlog(pending, oldest_age_seconds):
    OUTBOX_PENDING.set(pending)
    OUTBOX_OLDEST_SECONDS.set(oldest_age_seconds)


def exposition():
    """(body, content type) of the text format Prometheus scrapes."""
    return generate_latest(), CONTENT_TYPE_LATEST
