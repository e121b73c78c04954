"""The glue no library offers: an event keeps its trace while it waits in the outbox, log
lines name their request and trace, and tracing left off costs and changes nothing."""

import io
import json
import logging
import os
from types import SimpleNamespace

import pytest
from nameko import config as nameko_config
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from services.common import logs, tracing
from services.common.envelope import new_envelope
from services.common.telemetry import http_status, request_code_of

CODE = "321322-20261127-00001-8"


@pytest.fixture
def spans(monkeypatch):
    """Tracing switched on for this test only, with spans kept in memory (the process-wide
    set-up happens once per process and stays off in the test process)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setitem(tracing._state, "enabled", True)
    monkeypatch.setattr(tracing, "_tracer", lambda: provider.get_tracer("test"))
    return SimpleNamespace(tracer=provider.get_tracer("test"), finished=exporter.get_finished_spans)


def ids(traceparent):
    """(trace id, parent span id) of a W3C traceparent."""
    _, trace_id, span_id, _ = traceparent.split("-")
    return int(trace_id, 16), int(span_id, 16)


def envelope(**trace):
    return new_envelope("gateway", "request_submitted", {"code": CODE}, request_code=CODE, **trace)


def test_an_event_created_while_a_request_is_served_carries_that_requests_trace(spans):
    with spans.tracer.start_as_current_span("POST /api/v1/requests") as request_span:
        created = envelope()

    context = request_span.get_span_context()
    assert ids(created["trace"]["traceparent"]) == (context.trace_id, context.span_id)


def test_publishing_an_event_later_continues_its_trace_and_hands_the_consumer_the_publish_span(spans):
    with spans.tracer.start_as_current_span("POST /api/v1/requests") as request_span:
        created = envelope()

    with tracing.publishing(created, "gateway.events", "request_submitted") as headers:
        pass

    (publish,) = [span for span in spans.finished() if span.name.startswith("publish")]
    assert publish.name == "publish request_submitted" and publish.kind == SpanKind.PRODUCER
    assert publish.context.trace_id == request_span.get_span_context().trace_id
    assert publish.parent.span_id == request_span.get_span_context().span_id
    assert publish.attributes["messaging.message.id"] == created["event_id"]
    assert publish.attributes["qi.request_code"] == CODE
    assert ids(headers["traceparent"]) == (publish.context.trace_id, publish.context.span_id)


def test_with_tracing_off_events_carry_no_trace_and_are_published_with_the_one_they_have():
    assert not tracing.tracing_enabled()
    assert envelope()["trace"] == {}
    given = envelope(trace={"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"})
    with tracing.publishing(given, "gateway.events", "request_submitted") as headers:
        assert headers == given["trace"]
    assert tracing.trace_headers() == {}


@pytest.fixture
def otel_environment(monkeypatch):
    """Sets OTEL_* variables for one test, starting from none (whatever the shell had)."""
    for name in [name for name in os.environ if name.startswith("OTEL_")]:
        monkeypatch.delenv(name)

    def set_variables(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    return set_variables


def exporters_of():
    return [(type(exporter).__name__, getattr(exporter, "_endpoint", None)) for exporter in tracing.span_exporters()]


def test_with_no_otel_variable_set_no_exporter_is_installed(otel_environment):
    otel_environment()
    assert tracing.exporter_names() == [] and tracing.span_exporters() == []
    otel_environment(OTEL_TRACES_EXPORTER="none")
    assert tracing.span_exporters() == []


def test_otlp_means_otlp_over_http_protobuf_to_the_local_collector_unless_a_protocol_is_set(otel_environment):
    otel_environment(OTEL_TRACES_EXPORTER="otlp")
    assert tracing.exporter_names() == ["otlp_proto_http"]
    assert exporters_of() == [("OTLPSpanExporter", "http://localhost:4318/v1/traces")]
    # the default is ours while the SDK reads it, not the process's
    assert "OTEL_EXPORTER_OTLP_PROTOCOL" not in os.environ
    otel_environment(OTEL_EXPORTER_OTLP_PROTOCOL="grpc")
    assert tracing.exporter_names() == ["otlp_proto_grpc"]
    otel_environment(OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="http/protobuf")
    assert tracing.exporter_names() == ["otlp_proto_http"]


def test_the_generic_endpoint_gets_the_traces_path_and_the_traces_endpoint_is_used_as_given(otel_environment):
    otel_environment(OTEL_TRACES_EXPORTER="otlp", OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318/")
    assert exporters_of() == [("OTLPSpanExporter", "http://collector:4318/v1/traces")]
    otel_environment(OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="https://traces.example.org/ingest")
    assert exporters_of() == [("OTLPSpanExporter", "https://traces.example.org/ingest")]


def test_several_exporters_may_be_named_and_the_console_one_writes_a_span_a_line(otel_environment):
    otel_environment(OTEL_TRACES_EXPORTER="console, otlp")
    assert tracing.exporter_names() == ["console", "otlp_proto_http"]
    console, otlp = tracing.span_exporters()
    assert type(otlp).__name__ == "OTLPSpanExporter"
    console.out = io.StringIO()  # stdout, the service's log, in a service
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(console))
    with provider.get_tracer("test").start_as_current_span("one"):
        pass
    (line,) = console.out.getvalue().splitlines()
    assert json.loads(line)["name"] == "one"


def test_grpc_without_its_exporter_installed_stops_the_start_saying_what_to_do(otel_environment):
    otel_environment(OTEL_TRACES_EXPORTER="otlp", OTEL_EXPORTER_OTLP_PROTOCOL="grpc")
    assert tracing.exporter_names() == ["otlp_proto_grpc"]
    with pytest.raises(tracing.TracingMisconfigured, match="opentelemetry-exporter-otlp-proto-grpc.*http/protobuf"):
        tracing.span_exporters()
    otel_environment(OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="grpc")
    with pytest.raises(tracing.TracingMisconfigured, match="proto-grpc"):
        tracing.span_exporters()


def test_an_unknown_exporter_or_protocol_stops_the_start(otel_environment):
    otel_environment(OTEL_TRACES_EXPORTER="zipkin")
    with pytest.raises(tracing.TracingMisconfigured, match="zipkin"):
        tracing.span_exporters()
    otel_environment(OTEL_TRACES_EXPORTER="otlp", OTEL_EXPORTER_OTLP_PROTOCOL="http/json")
    with pytest.raises(tracing.TracingMisconfigured, match="http/json"):
        tracing.span_exporters()


def test_otel_sdk_disabled_installs_nothing_whatever_else_is_set(otel_environment):
    otel_environment(OTEL_TRACES_EXPORTER="console,otlp", OTEL_SDK_DISABLED="TRUE")
    assert tracing.span_exporters() == []


def test_the_resource_names_the_service_and_its_environment_unless_the_variables_do(otel_environment):
    otel_environment()
    with nameko_config.patch({"QI_ENV": "staging"}):
        attributes = tracing.resource("metrology").attributes
    assert attributes["service.name"] == "metrology"
    assert attributes["deployment.environment.name"] == "staging"
    assert attributes["telemetry.sdk.name"] == "opentelemetry"
    otel_environment(OTEL_RESOURCE_ATTRIBUTES="deployment.environment.name=production,k8s.namespace.name=qi-production",
                     OTEL_SERVICE_NAME="metrology-canary")
    with nameko_config.patch({"QI_ENV": "staging"}):
        attributes = tracing.resource("metrology").attributes
    assert attributes["service.name"] == "metrology-canary"
    assert attributes["deployment.environment.name"] == "production"
    assert attributes["k8s.namespace.name"] == "qi-production"


def worker(*args, **kwargs):
    return SimpleNamespace(args=args, kwargs=kwargs)


def test_a_worker_knows_its_request_from_the_event_or_a_code_argument():
    assert request_code_of(worker({"type": "request_submitted", "request_code": CODE})) == CODE
    assert request_code_of(worker(object(), code=CODE)) == CODE
    assert request_code_of(worker(CODE, {"operator": "李工"})) == CODE
    assert request_code_of(worker("SQJL-2026-000001")) is None
    assert request_code_of(worker({"request_code": None})) is None


def test_the_http_status_counted_is_the_one_answered():
    assert http_status(SimpleNamespace(status_code=422), None) == 422
    assert http_status((201, "{}"), None) == 201
    assert http_status("ok", None) == 200
    assert http_status(None, (RuntimeError, RuntimeError("boom"), None)) == 500


def log_line(formatter, message="auto_dispatch handled request_submitted", exc_info=None):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("test.observability")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.error(message, exc_info=exc_info)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue().strip()


@pytest.fixture
def bound():
    logs.bind("gateway", CODE)
    yield
    logs.bind()


def test_a_json_log_line_names_the_service_the_request_and_the_trace(spans, bound):
    with spans.tracer.start_as_current_span("process request_submitted") as span:
        line = json.loads(log_line(logs.JsonFormatter()))

    context = span.get_span_context()
    assert line["message"] == "auto_dispatch handled request_submitted"
    assert (line["level"], line["logger"], line["service"]) == ("ERROR", "test.observability", "gateway")
    assert line["request_code"] == CODE
    assert (line["trace_id"], line["span_id"]) == (f"{context.trace_id:032x}", f"{context.span_id:016x}")
    assert line["time"].endswith("+00:00")


def test_a_json_log_line_keeps_the_traceback_and_leaves_out_what_is_not_known():
    try:
        raise ValueError("store refused")
    except ValueError:
        line = json.loads(log_line(logs.JsonFormatter(), "relay failed", exc_info=True))

    assert "ValueError: store refused" in line["exception"]
    assert not {"request_code", "trace_id", "span_id"} & set(line)


def test_a_plain_log_line_shows_request_and_trace_in_brackets_only_when_known(spans, bound):
    with spans.tracer.start_as_current_span("x") as span:
        traced = log_line(logs.PlainFormatter())
    logs.bind()
    untraced = log_line(logs.PlainFormatter(), "starting")

    assert f"[{CODE} {span.get_span_context().trace_id:032x}] auto_dispatch handled" in traced
    assert untraced.endswith("ERROR test.observability starting")
