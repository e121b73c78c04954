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
