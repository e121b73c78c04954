"""Events name the person they were done for (the audit trail), when there is one."""

from services.common.acting import acting_as, stamp
from services.common.clock import utc_now
from services.common.domain import DomainEvent
from services.common.envelope import envelopes_for


def test_events_made_while_someone_acts_name_them():
    with acting_as("certification 业务员1", "certification-1"):
        (envelope,) = envelopes_for("certification", "C1", [DomainEvent("application_accepted", {"x": 1})], utc_now())
    assert envelope["data"] == {"x": 1, "operator": "certification 业务员1", "operator_username": "certification-1"}


def test_system_events_name_nobody_and_an_event_naming_its_operator_keeps_it():
    assert stamp({"x": 1}) == {"x": 1}
    with acting_as("A", "a"):
        assert stamp({"operator": "B"}) == {"operator": "B"}
