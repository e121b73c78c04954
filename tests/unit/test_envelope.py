"""Every event travels in one versioned envelope, validated at both ends."""

import pytest

from services.common.envelope import InvalidEnvelope, new_envelope, routing_key, validate_envelope


def test_a_new_envelope_carries_id_type_version_time_and_data():
    envelope = new_envelope("gateway", "request_submitted", {"item": "JL02"}, request_code="C1")
    assert set(envelope) >= {"event_id", "type", "version", "occurred_at", "request_code", "data", "trace"}
    assert envelope["occurred_at"].endswith("+00:00")


def test_events_for_one_service_are_routed_to_it_alone():
    routed = new_envelope("gateway", "request_dispatched", {}, route="metrology")
    broadcast = new_envelope("gateway", "request_submitted", {})
    assert routing_key(routed) == "request_dispatched.metrology"
    assert routing_key(broadcast) == "request_submitted"


@pytest.mark.parametrize(
    "change",
    [
        {"event_id": "not-a-uuid-not-a-uuid-not-a-uuid-xxx"},
        {"type": "Request Submitted"},
        {"version": 99},
        {"occurred_at": "yesterday"},
        {"occurred_at": "2026-11-26T08:00:00"},  # no UTC offset
        {"data": "not a dict"},
    ],
)
def test_a_malformed_envelope_is_refused(change):
    envelope = {**new_envelope("gateway", "request_submitted", {}), **change}
    with pytest.raises(InvalidEnvelope):
        validate_envelope(envelope)


def test_a_newer_minor_version_with_extra_fields_is_still_understood():
    envelope = {**new_envelope("gateway", "request_submitted", {}), "version": 2, "priority": "high"}
    assert validate_envelope(envelope)["priority"] == "high"


def test_something_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidEnvelope):
        validate_envelope(["a", "list"])


@pytest.mark.parametrize(
    "given",
    [
        {"source": "gateway", "event_type": "Request Submitted", "data": {}},
        {"source": "Gateway!", "event_type": "request_submitted", "data": {}},
        {"source": "gateway", "event_type": "request_dispatched", "data": {}, "route": "Metrology"},
        {"source": "gateway", "event_type": "request_submitted", "data": "not a dict"},
        {"source": "gateway", "event_type": "request_submitted", "data": {1: "a number for a key"}},
        {"source": "gateway", "event_type": "request_submitted", "data": {}, "request_code": 7},
        {"source": "gateway", "event_type": "request_submitted", "data": {}, "trace": {"traceparent": 1}},
    ],
)
def test_an_envelope_the_relay_would_refuse_is_never_made(given):
    """Made without loading it through the schema (it is on every write's path), an envelope
    is held to the same rules, so nothing the relay would drop enters an outbox."""
    with pytest.raises(InvalidEnvelope):
        new_envelope(**given)


def test_every_envelope_made_passes_the_schema_at_the_edges():
    made = [new_envelope("gateway", "request_submitted", {"item": "JL02"}, request_code="C1"),
            new_envelope("gateway", "request_dispatched", {}, route="metrology", trace={"traceparent": "00-x"}),
            new_envelope("metrology", "job_accepted", {"nested": {"a": [1]}})]
    assert [validate_envelope(envelope) for envelope in made] == made
