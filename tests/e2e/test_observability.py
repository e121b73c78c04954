"""Observability seen from outside: one trace per action across the services, log lines
that name the request and its trace (and tell a refusal from a fault), and every
service's Prometheus metrics.

Since station dispatch (issue 6) a request's life is several actions, each one trace:
the enterprise's submission, the station's acceptance, the station's dispatch — which is
the one that crosses from the gateway to the domain service and back.

The e2e stack runs with ``OTEL_TRACES_EXPORTER=console`` (tests/conftest.py): each service
writes its spans as JSON lines into its log, beside its JSON log lines.
"""

import json
import time
import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from ..conftest import signed_in, through_the_station
from ..support.data import JC01_BODY, JL02_BODY, RZ02_DETAILS, jl02_body
from .test_walking_skeleton import wait_for_status

pytestmark = pytest.mark.e2e

OPERATOR = signed_in("metrology-1")
REVIEWER = signed_in("metrology-2")
# One request for each domain service, each dispatched to it by the station.
DISPATCHED_TO = {
    "metrology": JL02_BODY,
    "testing": JC01_BODY,
    "certification": jl02_body(item="RZ02", details=RZ02_DETAILS),
    "standards": jl02_body(item="BZ01", details={"query": "GB/T 19001", "purpose": "体系认证准备"}),
}

# What one dispatch goes through until metrology's receipt is on the request's timeline:
# (service, span kind, span name), each step caused by the one before it.
DISPATCH_PATH = [
    ("gateway", "SpanKind.SERVER", "POST /api/v1/station/requests/<string:code>/<string:step>"),
    ("gateway", "SpanKind.PRODUCER", "publish request_dispatched.metrology"),
    ("metrology", "SpanKind.CONSUMER", "process request_dispatched (metrology.on_request_dispatched)"),
    ("metrology", "SpanKind.PRODUCER", "publish job_accepted"),
    ("gateway", "SpanKind.CONSUMER", "process job_accepted (gateway.on_metrology_event)"),
]
SUBMISSION_PATH = [
    ("gateway", "SpanKind.SERVER", "POST /api/v1/requests"),
    ("gateway", "SpanKind.PRODUCER", "publish request_submitted"),
]
# The relay then folds a batch of confirmed events into the event log and the metrics at
# once: a span of its own, linked to each event's publish span.
HAND_ON = "hand on gateway.events (hand_on_confirmed)"


def json_lines(stack, service):
    path = stack.log_dir / f"{service}.log"
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except ValueError:  # a line still being written
                continue


def spans_of(stack, services=("gateway", "metrology")):
    return [
        {**line, "service": line["resource"]["attributes"]["service.name"]}
        for service in services
        for line in json_lines(stack, service)
        if "context" in line and "kind" in line
    ]


def log_lines_of(stack, service):
    return [line for line in json_lines(stack, service) if "level" in line and "message" in line]


def trace_of(spans, trace_id):
    return {span["context"]["span_id"]: span for span in spans if span["context"]["trace_id"] == trace_id}


def is_whole(trace):
    """Every span's parent is in the trace (spans end, and so are written, before their parents)."""
    return all(span["parent_id"] is None or span["parent_id"] in trace for span in trace.values())


def find(trace, service, kind, name):
    return next(
        (span for span in trace.values() if (span["service"], span["kind"], span["name"]) == (service, kind, name)),
        None,
    )


def ancestors(trace, span):
    while span["parent_id"] in trace:
        span = trace[span["parent_id"]]
        yield span


def wait_for_trace(stack, done, timeout=20):
    """The spans once ``done(spans)`` holds (they are written a little after they end)."""
    deadline = time.monotonic() + timeout
    while True:
        spans = spans_of(stack)
        if done(spans) or time.monotonic() > deadline:
            return spans
        time.sleep(0.2)


def action_trace(stack, code, marker, path):
    """The one trace in which the request's ``marker`` span happened, once ``path`` is in it."""

    def trace_ids(spans):
        return {span["context"]["trace_id"] for span in spans
                if span["attributes"].get("qi.request_code") == code and span["name"] == marker}

    def complete(spans):
        ids = trace_ids(spans)
        if len(ids) != 1:
            return False
        trace = trace_of(spans, next(iter(ids)))
        return is_whole(trace) and all(find(trace, *step) for step in path)

    spans = wait_for_trace(stack, complete)
    ids = trace_ids(spans)
    assert len(ids) == 1, f"{marker} of {code} is in {len(ids)} traces"
    return trace_of(spans, ids.pop())


def assert_one_causal_chain(trace, path, code, root):
    assert is_whole(trace), "a span's parent is missing from the trace"
    roots = [span for span in trace.values() if span["parent_id"] is None]
    assert [(span["service"], span["name"]) for span in roots] == [("gateway", root)]
    steps = [find(trace, *step) for step in path]
    assert all(steps), [step for step, span in zip(path, steps, strict=True) if span is None]
    for cause, effect in zip(steps, steps[1:], strict=False):
        assert cause in ancestors(trace, effect), f"{effect['name']} does not follow from {cause['name']}"
    for step in steps[1:]:
        assert step["attributes"]["qi.request_code"] == code
    return roots[0]


def test_a_dispatch_is_one_trace_from_the_gateway_through_metrology_and_back(api, stack):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    through_the_station(api, code)
    wait_for_status(api, code, "in_progress")

    trace = action_trace(stack, code, "publish request_dispatched.metrology", DISPATCH_PATH)
    root = assert_one_causal_chain(trace, DISPATCH_PATH, code, DISPATCH_PATH[0][2])
    assert root["attributes"]["http.status_code"] == 200
    mongo_commands = {span["service"] for span in trace.values() if span["attributes"].get("db.system") == "mongodb"}
    assert mongo_commands == {"gateway", "metrology"}


def test_a_submission_is_one_trace_from_the_form_to_the_metrics(api, stack):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    trace = action_trace(stack, code, "publish request_submitted", SUBMISSION_PATH)
    root = assert_one_causal_chain(trace, SUBMISSION_PATH, code, "POST /api/v1/requests")
    assert root["attributes"]["http.route"] == "/api/v1/requests"
    assert root["attributes"]["http.status_code"] == 201
    publish = find(trace, *SUBMISSION_PATH[-1])

    def linked(spans):
        return [span for span in spans if span["name"] == HAND_ON and any(
            link["context"]["span_id"] == publish["context"]["span_id"] for link in span.get("links", []))]

    hand_on = linked(wait_for_trace(stack, linked))
    assert len(hand_on) == 1, "the publish is not linked from the relay's fold into the metrics"
    link = next(link for link in hand_on[0]["links"] if link["context"]["span_id"] == publish["context"]["span_id"])
    assert link["attributes"] == {"qi.event_type": "request_submitted", "qi.request_code": code}


def test_a_call_from_the_gateway_to_a_domain_service_continues_the_callers_trace(api, stack):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    through_the_station(api, code)
    wait_for_status(api, code, "in_progress")
    trace_id, parent_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    caller = {"traceparent": f"00-{trace_id}-{parent_id}-01"}

    assert api.get(f"/api/v1/metrology/jobs/{code}", headers={**OPERATOR, **caller}).status_code == 200

    def served(spans):
        trace = trace_of(spans, f"0x{trace_id}")
        # the caller's own span is not ours to see; every other parent is
        return all(span["parent_id"] in (None, f"0x{parent_id}") or span["parent_id"] in trace
                   for span in trace.values()) and find(trace, "metrology", "SpanKind.SERVER", "metrology.get_job")

    trace = trace_of(wait_for_trace(stack, served), f"0x{trace_id}")
    http = find(trace, "gateway", "SpanKind.SERVER", "GET /api/v1/metrology/jobs/<string:code>")
    rpc = find(trace, "gateway", "SpanKind.CLIENT", "RPC to metrology.get_job")
    served_by = find(trace, "metrology", "SpanKind.SERVER", "metrology.get_job")
    assert http and rpc and served_by, sorted(span["name"] for span in trace.values())
    assert http["parent_id"] == f"0x{parent_id}"
    assert http in ancestors(trace, rpc) and rpc in ancestors(trace, served_by)
    assert served_by["attributes"]["qi.request_code"] == code
    assert any(span["parent_id"] == served_by["context"]["span_id"] for span in trace.values()), "no MongoDB span"


def test_log_lines_are_json_and_name_the_request_and_its_trace(api, stack):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    through_the_station(api, code)
    wait_for_status(api, code, "in_progress")
    trace = action_trace(stack, code, "publish request_dispatched.metrology", DISPATCH_PATH)
    dispatch_trace = next(iter(trace.values()))["context"]["trace_id"].removeprefix("0x")

    for service in ("gateway", "metrology"):
        lines = log_lines_of(stack, service)
        assert lines and all({"time", "level", "logger", "message", "service"} <= set(line) for line in lines)
        about = [line for line in lines if line.get("request_code") == code]
        assert about, f"no {service} log line names {code}"
        assert all(line.get("trace_id") for line in about)
        assert {line["service"] for line in about} == {service}
    metrology_lines = [line for line in log_lines_of(stack, "metrology") if line.get("request_code") == code]
    assert {line["trace_id"] for line in metrology_lines} == {dispatch_trace}


def test_spans_name_the_service_and_the_deployment_environment(api, stack):
    api.post("/api/v1/requests", json=JL02_BODY)
    spans = wait_for_trace(stack, lambda spans: {span["service"] for span in spans} == {"gateway", "metrology"})
    resources = {(span["resource"]["attributes"]["service.name"],
                  span["resource"]["attributes"]["deployment.environment.name"]) for span in spans}
    assert resources == {("gateway", "dev"), ("metrology", "dev")}


def as_samples(response):
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def scrape(api):
    return as_samples(api.get("/metrics"))


def scrape_service(stack, service):
    """A domain service's own metrics, on the port the launcher gave its process."""
    return as_samples(httpx.get(f"http://127.0.0.1:{stack.metrics_ports[service]}/metrics", timeout=10))


def moved(before, after, name, **labels):
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0) - before.get(key, 0)


def test_the_gateway_counts_requests_and_events_for_prometheus(api):
    before = scrape(api)

    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    assert api.post("/api/v1/requests", json={"item": "JL02"}).status_code == 422
    through_the_station(api, code)
    wait_for_status(api, code, "in_progress")
    after = scrape(api)

    route = {"method": "POST", "route": "/api/v1/requests"}
    assert moved(before, after, "qi_http_requests_total", status="201", **route) == 1
    assert moved(before, after, "qi_http_requests_total", status="422", **route) == 1
    assert moved(before, after, "qi_http_request_seconds_count", **route) == 2
    assert moved(before, after, "qi_events_published_total", source="gateway", type="request_submitted") >= 1
    assert moved(before, after, "qi_events_published_total", source="gateway", type="request_dispatched") >= 1
    handled = {"outcome": "handled"}
    # folded into the metrics by the relay, counted as a consumer's were: the relay hands
    # confirmed events on in batches (every 0.5 s), so this one may come a moment later
    deadline = time.monotonic() + 20
    while moved(before, after, "qi_events_consumed_total", consumer="project_service_levels",
                type="request_submitted", **handled) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
        after = scrape(api)
    assert moved(before, after, "qi_events_consumed_total", consumer="project_service_levels", type="request_submitted", **handled) >= 1
    assert moved(before, after, "qi_events_consumed_total", consumer="on_metrology_event", type="job_accepted", **handled) >= 1
    assert after[("qi_outbox_pending_events", ())] >= 0
    assert after[("qi_outbox_oldest_pending_seconds", ())] >= 0
    # The store commands on intake's path (issue 30): the request with its outbox in one
    # insert, and a block of request codes drawn if none was left; nothing for the refusal.
    # At most one read: the verified credit codes' generation, looked at every 2 s.
    assert moved(before, after, "qi_store_commands_total", entrypoint="submit", kind="write") in (1, 2)
    assert moved(before, after, "qi_store_commands_total", entrypoint="submit", kind="read") <= 1
    assert moved(before, after, "qi_store_commands_total", entrypoint="background", kind="write") >= 1


def test_every_domain_service_serves_its_metrics_and_counts_the_dispatch_it_consumed(api, stack):
    handled = {"consumer": "on_request_dispatched", "type": "request_dispatched", "outcome": "handled"}
    before = {service: scrape_service(stack, service) for service in DISPATCHED_TO}

    for body in DISPATCHED_TO.values():
        code = api.post("/api/v1/requests", json=body).json()["code"]
        through_the_station(api, code)

    for service in DISPATCHED_TO:
        deadline = time.monotonic() + 20
        while moved(before[service], after := scrape_service(stack, service), "qi_events_consumed_total",
                    **handled) < 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert moved(before[service], after, "qi_events_consumed_total", **handled) == 1, service
        assert moved(before[service], after, "qi_worker_seconds_count",
                     entrypoint="on_request_dispatched", kind="event") >= 1, service
        assert after[("qi_outbox_pending_events", ())] >= 0 and after[("qi_outbox_oldest_pending_seconds", ())] >= 0
        assert after[("qi_dead_letters", ())] >= 0
    assert len(set(stack.metrics_ports.values())) == len(stack.metrics_ports)  # a port each


# -- refusals and faults in the logs ------------------------------------------------------------------
def log_sizes(stack):
    return {service: (stack.log_dir / f"{service}.log").stat().st_size for service in ("gateway", "metrology")}


def lines_since(stack, sizes, service):
    with open(stack.log_dir / f"{service}.log", "rb") as log:
        log.seek(sizes[service])
        return log.read().decode("utf-8", errors="replace")


def wait_for_lines(stack, sizes, service, wanted, timeout=10):
    """The text the service logged since ``sizes``, once every string of ``wanted`` is in it."""
    deadline = time.monotonic() + timeout
    while not all(each in (text := lines_since(stack, sizes, service)) for each in wanted):
        if time.monotonic() > deadline:
            return text
        time.sleep(0.2)
    return text


def log_records(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith('{"time"')]


def test_a_refusal_is_one_info_line_in_the_services_log_without_a_traceback(api, stack):
    code = api.post("/api/v1/requests", json=JL02_BODY).json()["code"]
    through_the_station(api, code)
    wait_for_status(api, code, "in_progress")
    sizes = log_sizes(stack)

    assert api.get("/api/v1/verify/SQJL-2026-999999").status_code == 404
    assert api.get("/verify", params={"number": "SQJL-2026-999998"}).status_code == 404
    review = api.post(f"/api/v1/metrology/jobs/{code}/review", json={"approved": True}, headers=REVIEWER)
    assert review.status_code == 409 and review.json()["error"] == "invalid_transition"

    refused = ["metrology.verify refused: CertificateNotFound", "metrology.review_results refused: InvalidTransition"]
    metrology = wait_for_lines(stack, sizes, "metrology", refused)
    gateway = wait_for_lines(stack, sizes, "gateway", ["GET /api/v1/verify/SQJL-2026-999999 answered 404"])
    for service, text in (("metrology", metrology), ("gateway", gateway)):
        # log lines only: the spans beside them (console exporter) keep the refusal as an
        # expected exception event, with status OK, as a trace should
        records = log_records(text)
        assert not [record for record in records if record["level"] in ("ERROR", "CRITICAL")], service
        assert not [record for record in records if "exception" in record or "Traceback" in json.dumps(record)], service
    lines = {record["message"].split(":")[0] + ": " + record["message"].split(": ")[1]: record
             for record in log_records(metrology) if " refused: " in record["message"]}
    assert set(refused) <= set(lines), lines
    assert [lines[each]["level"] for each in refused] == ["INFO", "INFO"]
    assert lines[refused[1]]["request_code"] == code
    (answered,) = [record for record in log_records(gateway) if "SQJL-2026-999999 answered 404" in record["message"]]
    assert answered["level"] == "INFO" and answered["message"].endswith("document_not_found")
