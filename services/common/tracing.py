"""OpenTelemetry tracing: one submission is one trace across the services.

One trace holds the gateway's HTTP span, the publication of ``request_submitted``, the
gateway's consumer that dispatches it, the publication of ``request_dispatched``, the
domain service's consumer, ``job_accepted`` and the gateway's projection, with every
MongoDB command and RPC in between. What a relay does with a batch of confirmed events
at once (the gateway's event log and metrics) is a span of its own, linked to each
event's publish span (:func:`handing_on`): a batch has no one parent.

What the published instrumentations do (installed by :func:`configure` only when tracing
is on): ``opentelemetry-instrumentation-nameko`` opens a span for each entrypoint (HTTP,
RPC, timers, event consumers), continuing the context found in the HTTP headers or the
AMQP message headers, and carries the context in the headers of each RPC call;
``opentelemetry-instrumentation-pymongo`` adds a span per MongoDB command.

What is ours, because our events do not go through nameko's EventDispatcher: an envelope
keeps the context it was created in (:func:`trace_headers`, in ``envelope.trace``); the
outbox relay publishes it later from a background green thread, in a PRODUCER span
continuing that context whose own context goes out in the AMQP headers
(:func:`publishing`); and span adapters for our entrypoints (tracing_adapters.py).
:func:`configure` is called once per process by ``telemetry.Telemetry``, the dependency
every service declares.

Settings (environment, see config.py): ``OTEL_TRACES_EXPORTER`` = ``none`` (default:
nothing is installed, so tracing costs nothing), ``console`` (one JSON line per span on
stdout, which is the service's log), ``otlp`` (OTLP over HTTP to
``OTEL_EXPORTER_OTLP_ENDPOINT``), or several separated by commas. The SDK's own variables
apply as usual: ``OTEL_SERVICE_NAME`` (default: the nameko service name),
``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER``, ``OTEL_BSP_*``, ``OTEL_PROPAGATORS``,
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``/``_HEADERS``/``_TIMEOUT``, ``OTEL_SDK_DISABLED``.
"""

import logging
import os
from contextlib import contextmanager, nullcontext

from opentelemetry import propagate, trace

from .config import setting

log = logging.getLogger(__name__)

EXPORTERS = ("none", "console", "otlp")

_state = {"configured": False, "enabled": False}


class UnknownExporter(ValueError):
    """OTEL_TRACES_EXPORTER names an exporter this platform does not ship."""


def tracing_enabled():
    return _state["enabled"]


def configure(service_name):
    """Set up tracing for this process as the settings say. The first call decides;
    later ones (more containers in one process, as in tests) change nothing."""
    if _state["configured"]:
        return _state["enabled"]
    _state["configured"] = True
    names = _exporter_names()
    if not names:
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_SERVICE_NAME, when set, names the service (Resource.create reads it).
    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": service_name}
    provider = TracerProvider(resource=Resource.create(attributes))
    for name in names:
        provider.add_span_processor(BatchSpanProcessor(_exporter(name)))
    trace.set_tracer_provider(provider)
    _instrument()
    _state["enabled"] = True
    log.info("tracing %s: spans go to %s", service_name, ", ".join(names))
    return True


def _exporter_names():
    if os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    names = [name.strip().lower() for name in setting("OTEL_TRACES_EXPORTER").split(",")]
    unknown = [name for name in names if name not in EXPORTERS]
    if unknown:
        raise UnknownExporter(f"OTEL_TRACES_EXPORTER: unknown {unknown}; use one of {EXPORTERS}")
    return [name for name in names if name != "none"]


def _exporter(name):
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        # One line per span, so it sits in the service's log beside the JSON log lines.
        return ConsoleSpanExporter(formatter=lambda span: span.to_json(indent=None) + os.linesep)
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    # The standard rule: a traces-specific endpoint is used as given, the general one
    # gets the signal's path.
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or (
        setting("OTEL_EXPORTER_OTLP_ENDPOINT").rstrip("/") + "/v1/traces"
    )
    return OTLPSpanExporter(endpoint=endpoint)


def _instrument():
    from nameko_opentelemetry import NamekoInstrumentor
    from nameko_opentelemetry import amqp as nameko_amqp
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor

    from .tracing_adapters import ADAPTERS

    NamekoInstrumentor().instrument(entrypoint_adapters=ADAPTERS)
    # Its publisher patch copies the broker URI, password included, onto the current
    # span; our publish spans say what matters (publishing below).
    nameko_amqp.uninstrument()
    PymongoInstrumentor().instrument()


def _tracer():
    return trace.get_tracer("services.common.telemetry")


# -- the glue for events published by the outbox relay ---------------------------------
def trace_headers() -> dict[str, str]:
    """The W3C context (``traceparent``, ``tracestate``) of the work under way, to travel
    with an event created now; empty when tracing is off or nothing is traced."""
    if not _state["enabled"]:
        return {}
    carrier = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def publishing(envelope, exchange, routing_key):
    """Publish ``envelope`` inside a PRODUCER span that continues the context the envelope
    was created in; yields the AMQP headers, which carry the publish span's context to
    the consumers."""
    if not _state["enabled"]:
        yield dict(envelope.get("trace") or {})
        return
    attributes = {
        "messaging.system": "rabbitmq",
        "messaging.operation.type": "send",
        "messaging.destination.name": exchange,
        "messaging.rabbitmq.destination.routing_key": routing_key,
        "messaging.message.id": envelope["event_id"],
        "qi.event_type": envelope["type"],
    }
    if envelope.get("request_code"):
        attributes["qi.request_code"] = envelope["request_code"]
    parent = propagate.extract(envelope.get("trace") or {})
    with _tracer().start_as_current_span(
        f"publish {routing_key}",
        context=parent,
        kind=trace.SpanKind.PRODUCER,
        attributes=attributes,
    ):
        headers = {}
        propagate.inject(headers)
        yield headers


@contextmanager
def handing_on(name, published):
    """A span for work done once for a batch of events just published, linked to the
    publish span of each (``published``: (envelope, the headers it went out with))."""
    if not _state["enabled"]:
        yield
        return
    links = []
    for envelope, headers in published:
        context = trace.get_current_span(propagate.extract(headers)).get_span_context()
        if context.is_valid:
            links.append(trace.Link(context, {"qi.event_type": envelope["type"],
                                              "qi.request_code": envelope.get("request_code") or ""}))
    with _tracer().start_as_current_span(name, context=trace.set_span_in_context(trace.INVALID_SPAN), links=links,
                                         attributes={"messaging.batch.message_count": len(published)}):
        yield


def untraced():
    """For background sweeps (the relay's): their MongoDB commands belong to no request,
    and a trace for each sweep every second would bury the real ones."""
    if not _state["enabled"]:
        return nullcontext()
    from opentelemetry.instrumentation.utils import suppress_instrumentation

    return suppress_instrumentation()
