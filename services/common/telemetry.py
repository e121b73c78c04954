"""The dependency every service declares: ``telemetry = Telemetry()``.

It sets up tracing once per process (tracing.py), binds each worker's service and request
code for the log lines (logs.py, where refusals become one line), and measures every
worker for Prometheus (metrics.py): its time by entrypoint, the outcome of each RPC call
and the status of each HTTP request, and the store commands each entrypoint sends
(store_commands.py).
"""

import re
import time
from contextvars import ContextVar

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.timer import Timer
from nameko.web.handlers import HttpRequestHandler

from . import logs, metrics, store_commands, tracing

# The shape of a request code (DDDDDD-YYYYMMDD-NNNNN-C); the gateway owns its meaning.
REQUEST_CODE = re.compile(r"^[0-9]{6}-[0-9]{8}-[0-9]{5}-[0-9X]$")

ENTRYPOINT_KINDS = ((HttpRequestHandler, "http"), (Rpc, "rpc"), (EventHandler, "event"), (Timer, "timer"))

_worker_started = ContextVar("qi_worker_started", default=None)


def request_code_of(worker_ctx):
    """The request an entrypoint works on: an envelope's code, or a code argument."""
    for value in (*worker_ctx.args, *worker_ctx.kwargs.values()):
        if isinstance(value, dict):
            value = value.get("request_code")
        if isinstance(value, str) and REQUEST_CODE.match(value):
            return value
    return None


def entrypoint_kind(entrypoint):
    return next((kind for cls, kind in ENTRYPOINT_KINDS if isinstance(entrypoint, cls)), type(entrypoint).__name__)


def rpc_outcome(entrypoint, exc_info):
    """``answered``, ``refused`` (an exception the method declares expected) or ``failed``."""
    if exc_info is None:
        return "answered"
    return "refused" if isinstance(exc_info[1], entrypoint.expected_exceptions) else "failed"


class Telemetry(DependencyProvider):
    """Tracing for the process, log context for each worker, metrics for each worker."""

    def bind(self, container, attr_name):
        # Binding is when a container is built, before any extension's setup(): pymongo's
        # instrumentation must be in place before the first MongoClient is made.
        instance = super().bind(container, attr_name)
        logs.bind_process(container.service_name)
        logs.log_refusals_in_one_line()
        tracing.configure(container.service_name)
        store_commands.count_store_commands()
        return instance

    def worker_setup(self, worker_ctx):
        logs.bind(worker_ctx.service_name, request_code_of(worker_ctx))
        _worker_started.set(time.perf_counter())
        store_commands.working_for(worker_ctx.entrypoint.method_name)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = _worker_started.get()
        if started is None:
            return
        seconds = time.perf_counter() - started
        entrypoint = worker_ctx.entrypoint
        kind = entrypoint_kind(entrypoint)
        metrics.observe_worker(entrypoint.method_name, kind, seconds)
        if kind == "rpc":
            metrics.rpc_handled(entrypoint.method_name, rpc_outcome(entrypoint, exc_info))
        elif kind == "http":
            metrics.observe_http(entrypoint.method, entrypoint.url, http_status(result, exc_info), seconds)

    def worker_teardown(self, worker_ctx):
        logs.bind()
        _worker_started.set(None)
        store_commands.working_for(None)


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
