"""Log lines that say which request and which trace they belong to.

``deploy/config.yaml`` (LOGGING) picks the formatter with ``LOG_FORMAT``:

* ``json`` — one JSON object a line: ``time`` (UTC, ISO 8601), ``level``, ``logger``,
  ``message``, ``service``, and when known ``request_code``, ``trace_id`` and ``span_id``
  (the ids of the OpenTelemetry span under way, so a log line leads to its trace), plus
  ``exception`` with the traceback;
* ``plain`` — the same for a person reading a terminal.

The request code is that of the worker under way: :class:`telemetry.Telemetry` binds it
when an entrypoint fires (from the event's envelope, or an HTTP route's or RPC's code
argument). Each nameko worker runs in a green thread of its own, and each green thread
has its own context variables, so workers never see each other's code.

A refusal (an exception an entrypoint declares expected, common/refusals.py) is one line
at INFO, ``metrology.verify refused: CertificateNotFound: SQJL-2026-000009``:
:class:`RefusalsInOneLine` rewrites nameko's own record of it, which is a WARNING with
the traceback. Anything else an entrypoint raises stays nameko's ERROR with its traceback.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from opentelemetry import trace

_request_code = ContextVar("qi_request_code", default=None)
_service = ContextVar("qi_service", default=None)
_process_service = {"name": None}


def bind(service=None, request_code=None):
    """Name the service and request of the work under way in this green thread."""
    _service.set(service)
    _request_code.set(request_code)


def bind_process(service):
    """The service of this process, for lines logged outside any worker."""
    if _process_service["name"] is None:
        _process_service["name"] = service


def log_refusals_in_one_line():
    """Install :class:`RefusalsInOneLine` on nameko's container logger (once)."""
    containers = logging.getLogger("nameko.containers")
    if not any(isinstance(each, RefusalsInOneLine) for each in containers.filters):
        containers.addFilter(RefusalsInOneLine())


class RefusalsInOneLine(logging.Filter):
    """nameko logs an expected exception as ``(expected) error handling worker`` at
    WARNING with its traceback (nameko/containers.py). A refusal is an answer, not a
    fault: it becomes one INFO line naming the entrypoint, the refusal and its message."""

    EXPECTED = "(expected) error handling worker"

    def filter(self, record):
        if record.msg != f"{self.EXPECTED} %s: %s":
            return True
        worker_ctx, exc = record.args
        record.msg = "%s refused: %s: %s"
        record.args = (f"{worker_ctx.service_name}.{worker_ctx.entrypoint.method_name}", type(exc).__name__, exc)
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)


def request_code():
    return _request_code.get()


def context_fields():
    """The service, request code, trace id and span id known here (only those known)."""
    fields = {"service": _service.get() or _process_service["name"]}
    fields["request_code"] = _request_code.get()
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        fields["trace_id"] = format(span.trace_id, "032x")
        fields["span_id"] = format(span.span_id, "016x")
    return {key: value for key, value in fields.items() if value}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **context_fields(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """``time level logger [request trace] message``; the brackets only when known."""

    def __init__(
        self, fmt="%(asctime)s %(levelname)s %(name)s %(qi_context)s%(message)s", **kwargs
    ):
        super().__init__(fmt, **kwargs)

    def format(self, record):
        fields = context_fields()
        known = [fields[key] for key in ("request_code", "trace_id") if key in fields]
        record.qi_context = f"[{' '.join(known)}] " if known else ""
        return super().format(record)
