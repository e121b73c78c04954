"""The dependency every service declares: ``telemetry = Telemetry()``.

It sets up tracing once per process (tracing.py), binds each worker's service and request
code for the log lines (logs.py, where refusals become one line), and counts the service's HTTP requests (metrics.py).
"""

import re
import time
from contextvars import ContextVar

from nameko.extensions import DependencyProvider
from nameko.web.handlers import HttpRequestHandler

from . import logs, metrics, tracing

# The shape of a request code (DDDDDD-YYYYMMDD-NNNNN-C); the gateway owns its meaning.
REQUEST_CODE = re.compile(r"^[0-9]{6}-[0-9]{8}-[0-9]{5}-[0-9X]$")

_http_started = ContextVar("qi_http_started", default=None)


def request_code_of(worker_ctx):
    """The request an entrypoint works on: an envelope's code, or a code argument."""
    for value in (*worker_ctx.args, *worker_ctx.kwargs.values()):
        if isinstance(value, dict):
            value = value.get("request_code")
        if isinstance(value, str) and REQUEST_CODE.match(value):
            return value
    return None


class Telemetry(DependencyProvider):
    """Tracing for the process, log context for each worker, metrics for each HTTP request."""

    def bind(self, container, attr_name):
        # Binding is when a container is built, before any extension's setup(): pymongo's
        # instrumentation must be in place before the first MongoClient is made.
        instance = super().bind(container, attr_name)
        logs.bind_process(container.service_name)
        logs.log_refusals_in_one_line()
        tracing.configure(container.service_name)
        return instance

    def worker_setup(self, worker_ctx):
        logs.bind(worker_ctx.service_name, request_code_of(worker_ctx))
        if isinstance(worker_ctx.entrypoint, HttpRequestHandler):
            _http_started.set(time.perf_counter())

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = _http_started.get()
        if started is not None and isinstance(worker_ctx.entrypoint, HttpRequestHandler):
            entrypoint = worker_ctx.entrypoint
            metrics.observe_http(
                entrypoint.method,
                entrypoint.url,
                http_status(result, exc_info),
                time.perf_counter() - started,
            )

    def worker_teardown(self, worker_ctx):
        logs.bind()
        _http_started.set(None)


def http_status(result, exc_info):
    """The status nameko answers for what an HTTP entrypoint returned (or raised)."""
    if exc_info is not None:
        return 500
    status = getattr(result, "status_code", None)
    if status is not None:
        return status
    if isinstance(result, tuple):
        return int(result[0])
    return 200
