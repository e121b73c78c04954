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

Settings: the OpenTelemetry SDK's own environment variables, read as the SDK reads them
(:func:`configure` hands them to the SDK's configuration code; nothing here re-parses
them), with two defaults of this platform:

* ``OTEL_TRACES_EXPORTER``: unset or ``none`` installs nothing, so tracing costs nothing
  (the development default); ``console`` writes one JSON line per span on stdout, which
  is the service's log; ``otlp`` sends OTLP; several are separated by commas.
* ``OTEL_EXPORTER_OTLP_PROTOCOL`` (or ``OTEL_EXPORTER_OTLP_TRACES_PROTOCOL``):
  ``http/protobuf`` unless set, as the OTLP specification says (the Python SDK alone
  would pick ``grpc``). The image ships the HTTP exporter only: ``grpc`` without
  ``opentelemetry-exporter-otlp-proto-grpc`` installed stops the service at start saying
  so, as does an exporter or protocol nobody installed.
* ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` is used as given; ``OTEL_EXPORTER_OTLP_ENDPOINT``
  gets ``/v1/traces`` appended (the exporter does that); default ``http://localhost:4318``.
  ``_HEADERS``, ``_TIMEOUT``, ``_COMPRESSION``, ``_CERTIFICATE`` apply as usual.
* Resource: ``OTEL_RESOURCE_ATTRIBUTES`` and ``OTEL_SERVICE_NAME`` as the SDK reads them;
  ``service.name`` defaults to the nameko service's name and ``deployment.environment.name``
  to ``QI_ENV``, each only where those variables do not name it.
* ``OTEL_SDK_DISABLED=true`` installs nothing, whatever else is set; ``OTEL_TRACES_SAMPLER``
  (and ``_ARG``), ``OTEL_BSP_*``, ``OTEL_PROPAGATORS`` and the span limits are read by the
  SDK's own classes.
"""

import logging
import os
from contextlib import contextmanager, nullcontext

from opentelemetry import propagate, trace
from opentelemetry.sdk.environment_variables import (
    OTEL_EXPORTER_OTLP_PROTOCOL,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL,
    OTEL_SDK_DISABLED,
)

from .config import setting

log = logging.getLogger(__name__)

# The OTLP specification's default; the Python SDK's configuration would pick grpc.
DEFAULT_OTLP_PROTOCOL = "http/protobuf"
SERVICE_NAME = "service.name"
DEPLOYMENT_ENVIRONMENT = "deployment.environment.name"
# What to install when the SDK's configuration names an exporter that is not installed.
INSTALL_HINTS = {
    "otlp_proto_grpc": "OTLP over gRPC needs the package opentelemetry-exporter-otlp-proto-grpc, which is "
                       "not installed: set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf (the collector's port 4318)",
}

_state = {"configured": False, "enabled": False}


class TracingMisconfigured(ValueError):
    """The OTEL_* variables ask for an exporter or protocol this installation lacks."""


def tracing_enabled():
    return _state["enabled"]


def configure(service_name):
    """Set up tracing for this process as the OTEL_* variables say. The first call
    decides; later ones (more containers in one process, as in tests) change nothing."""
    if _state["configured"]:
        return _state["enabled"]
    _state["configured"] = True
    exporters = span_exporters()
    if not exporters:
        return False
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # The provider reads the sampler and span limits, each processor its OTEL_BSP_*.
    provider = TracerProvider(resource=resource(service_name))
    for exporter in exporters:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _instrument()
    _state["enabled"] = True
    log.info("tracing %s as %s: spans go to %s", provider.resource.attributes[SERVICE_NAME],
             provider.resource.attributes.get(DEPLOYMENT_ENVIRONMENT), ", ".join(map(describe, exporters)))
    return True


def sdk_disabled():
    return os.environ.get(OTEL_SDK_DISABLED, "").strip().lower() == "true"


def exporter_names():
    """The SDK's names of the span exporters OTEL_TRACES_EXPORTER asks for, ``otlp`` made
    ``otlp_proto_http`` or ``otlp_proto_grpc`` by the protocol variables; [] for none."""
    if sdk_disabled():
        return []
    # The functions opentelemetry-instrument's configurator runs, underscored but the SDK's
    # only implementation of these rules; the SDK is pinned and the unit tests pin them.
    from opentelemetry.sdk._configuration import _get_exporter_names

    try:
        with _otlp_protocol_defaulted():
            return _get_exporter_names("traces")
    except RuntimeError as exc:  # the SDK's word for a protocol it does not know
        raise TracingMisconfigured(f"{exc} (OTEL_EXPORTER_OTLP_PROTOCOL): use http/protobuf") from exc


def span_exporters():
    """The exporters, built by their own classes from the OTEL_* variables (endpoint,
    headers, timeout…); the console one writes a span a line."""
    from opentelemetry.sdk._configuration import _import_exporters
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter

    names = exporter_names()
    exporters = []
    for name in names:
        try:
            (exporter_class,) = _import_exporters([name], [], [])[0].values()
        except RuntimeError as exc:  # no such entry point: the exporter is not installed
            hint = INSTALL_HINTS.get(name, "not one of the installed exporters (console, otlp)")
            raise TracingMisconfigured(f"OTEL_TRACES_EXPORTER asks for {name}: {hint}") from exc
        if exporter_class is ConsoleSpanExporter:
            # One line per span, so it sits in the service's log beside the JSON log lines.
            exporters.append(ConsoleSpanExporter(formatter=lambda span: span.to_json(indent=None) + os.linesep))
        else:
            exporters.append(exporter_class())
    return exporters


def resource(service_name):
    """The SDK's resource (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, the SDK's own
    attributes), with the service's name and QI_ENV where those leave them unnamed."""
    from opentelemetry.sdk.resources import OTELResourceDetector, Resource

    named = OTELResourceDetector().detect().attributes
    defaults = {SERVICE_NAME: service_name, DEPLOYMENT_ENVIRONMENT: setting("QI_ENV")}
    return Resource.create({key: value for key, value in defaults.items() if key not in named})


def describe(exporter):
    endpoint = getattr(exporter, "_endpoint", None)
    return f"{type(exporter).__name__} {endpoint}" if endpoint else type(exporter).__name__


@contextmanager
def _otlp_protocol_defaulted():
    """OTEL_EXPORTER_OTLP_PROTOCOL as http/protobuf while the SDK reads it, if neither it
    nor the traces-specific one is set; the process's environment is left as it was."""
    if os.environ.get(OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) or os.environ.get(OTEL_EXPORTER_OTLP_PROTOCOL):
        yield
        return
    os.environ[OTEL_EXPORTER_OTLP_PROTOCOL] = DEFAULT_OTLP_PROTOCOL
    try:
        yield
    finally:
        os.environ.pop(OTEL_EXPORTER_OTLP_PROTOCOL, None)


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
