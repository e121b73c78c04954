"""``metrics = MetricsEndpoint()``: a domain service's Prometheus metrics on a port of its own.

The gateway serves its metrics at ``GET /metrics`` on its HTTP port; a domain service has
no HTTP port, so this dependency serves the same text format (metrics.py) on
``METRICS_HOST:METRICS_PORT`` with a small eventlet WSGI server of its own, in a green
thread of the container. ``METRICS_PORT=0`` (the default) serves nothing.

Every process is a scrape target of its own, so processes on one host need distinct
ports: the dev launcher gives each its own (devstack.py); in a container or a pod each
process has its own address, and the manifests use 9100 everywhere (deploy/README.md,
"Metrics"). A port already taken stops the service at start, saying so, rather than
leaving it running unmeasured.

What is read from elsewhere is read when Prometheus asks (:func:`measure_at_scrape`): the
outbox lag of the service's relay, from its store, and the depth of the dead-letter queue,
from the broker.
"""

import logging

import eventlet
from eventlet import wsgi
from nameko.extensions import DependencyProvider
from prometheus_client import make_wsgi_app
from pymongo.errors import PyMongoError

from . import metrics
from .config import setting
from .consumer import BROKER_FAILURES
from .dead_letters import count_dead_letters
from .outbox import OutboxRelay

log = logging.getLogger(__name__)

PATH = "/metrics"


class MetricsPortTaken(RuntimeError):
    """METRICS_PORT is in use by another process on this host."""


def measure_at_scrape(relay):
    """Set the gauges that are read, not counted: the relay's outbox lag and the number
    of dead letters. What does not answer keeps its last value; the counters are still
    worth the scrape."""
    if relay is not None:
        try:
            metrics.set_outbox_backlog(*relay.backlog())
        except PyMongoError:
            log.warning("outbox lag not measured: the store does not answer")
    try:
        metrics.set_dead_letters(count_dead_letters(setting("AMQP_URI")))
    except BROKER_FAILURES as exc:
        log.warning("dead letters not counted: the broker does not answer (%s)", exc)


class MetricsEndpoint(DependencyProvider):
    def setup(self):
        self.port = int(setting("METRICS_PORT"))
        self.host = setting("METRICS_HOST")
        self.socket = self.server = None
        if not self.port:
            return
        try:
            # Bound here, before the service takes any work, so a clash stops the start.
            self.socket = eventlet.listen((self.host, self.port))
        except OSError as exc:
            raise MetricsPortTaken(
                f"METRICS_PORT {self.port} on {self.host}: {exc.strerror}; each process on one host "
                "needs a port of its own (or METRICS_PORT=0 for none)") from exc
        self.relay = next((each for each in self.container.dependencies if isinstance(each, OutboxRelay)), None)
        self.exposition = make_wsgi_app()

    def start(self):
        if self.socket is not None:
            self.server = self.container.spawn_managed_thread(self._serve, identifier="metrics_endpoint")
            log.info("Prometheus metrics on http://%s:%d%s", self.host, self.port, PATH)

    def stop(self):
        if self.server is not None:
            self.server.kill()
            self.server = None
        if self.socket is not None:
            self.socket.close()
            self.socket = None

    kill = stop

    def _serve(self):
        # No access log: a scrape every few seconds would drown the service's own lines.
        wsgi.server(self.socket, self._answer, log_output=False)

    def _answer(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [f"the metrics are at {PATH}\n".encode()]
        measure_at_scrape(self.relay)
        return self.exposition(environ, start_response)
