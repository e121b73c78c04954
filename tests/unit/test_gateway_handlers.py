"""The gateway's use cases on in-memory stores: submit, track, dispatch, project."""

from datetime import timedelta

import pytest

from services.common.domain import InvalidTransition
from services.common.envelope import new_envelope
from services.gateway.adapters.repository import RequestGroupRepository, RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.domain.request_code import (
    MalformedCode,
    WrongCheckCharacter,
    new_code,
    parse_code,
)
from services.gateway.exceptions import RequestNotFound, StaleRequest, UnknownRequest
from services.gateway.handlers import intake as gateway_intake
from services.gateway.handlers import station as gateway_station
from services.gateway.web.schemas.intake import load_submission
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL02_BODY, NOW, project, staff_of, through_the_station

CATALOGUE, STATIONS = reference_data()


@pytest.fixture
def store():
    return InMemoryDocumentStore()


@pytest.fixture
def requests(store):
    return RequestRepository(store)


@pytest.fixture
def group_store():
    return InMemoryDocumentStore()


@pytest.fixture
def groups(group_store):
    return RequestGroupRepository(group_store)


def submit(requests, body=JL02_BODY, now=NOW, groups=None):
    submission = load_submission(body, CATALOGUE, STATIONS)
    found, children = gateway_intake.submit(requests, groups, submission, CATALOGUE, now)
    return found if not children else (found, children)


def track(requests, code, phone, groups=None):
    return gateway_intake.track_request(requests, groups or RequestGroupRepository(InMemoryDocumentStore()), code, phone)


def event_from(store, event_type):
    return next(e for e in store.pending_envelopes() if e["type"] == event_type)


class TestSubmitting:
    def test_the_request_gets_a_code_of_its_station_and_day_in_china(self, requests):
        request = submit(requests)
        code = parse_code(request.code)
        assert code.division == "321322"
        assert str(code.day) == "2026-11-26"
        assert request.status == "submitted"

    def test_the_day_of_the_code_is_the_day_in_suqian_not_in_utc(self, requests):
        late_evening_utc = NOW.replace(hour=17)  # 01:00 next day in Suqian
        assert str(parse_code(submit(requests, now=late_evening_utc).code).day) == "2026-11-27"

    def test_codes_of_one_station_and_day_count_up(self, requests):
        sequences = [parse_code(submit(requests).code).sequence for _ in range(3)]
        assert sequences == [1, 2, 3]

    def test_the_request_and_its_submitted_event_are_stored_together(self, requests, store):
        request = submit(requests)
        event = event_from(store, "request_submitted")
        assert event["request_code"] == request.code
        assert event["data"]["item"] == "JL02"
        assert requests.get(request.code).status == "submitted"


class TestStationDispatch:
    def test_a_submitted_request_waits_for_its_station(self, requests, store):
        request = submit(requests)
        assert requests.get(request.code).status == "submitted"
        assert "request_dispatched" not in [e["type"] for e in store.pending_envelopes()]

    def test_a_request_the_station_accepts_and_dispatches_goes_to_its_domain(self, requests, store):
        request = submit(requests)
        through_the_station(requests, request.code)
        assert requests.get(request.code).status == "dispatched"
        dispatched = event_from(store, "request_dispatched")
        assert dispatched["route"] == "metrology"
        assert dispatched["data"]["details"]["instruments"][0]["serial_number"] == "SN-0001"

    def test_a_dispatch_sent_twice_from_the_same_view_dispatches_once(self, requests, store):
        request = submit(requests)
        gateway_station.station_step(requests, request.code, staff_of(), "accept", request.version, NOW)
        seen = requests.get(request.code).version
        gateway_station.station_step(requests, request.code, staff_of(), "dispatch", seen, NOW)
        with pytest.raises(StaleRequest):
            gateway_station.station_step(requests, request.code, staff_of(), "dispatch", seen, NOW)
        assert [e["type"] for e in store.pending_envelopes()].count("request_dispatched") == 1


class TestTracking:
    def test_code_and_contact_phone_find_the_request(self, requests):
        request = submit(requests)
        found, children = track(requests, request.code, "13912345678")
        assert found.code == request.code and children == []

    def test_a_wrong_phone_looks_exactly_like_an_unknown_code(self, requests):
        request = submit(requests)
        with pytest.raises(RequestNotFound):
            track(requests, request.code, "13800000000")
        unknown = str(new_code("321322", NOW.date(), 99))
        with pytest.raises(RequestNotFound):
            track(requests, unknown, "13912345678")

    def test_a_mistyped_code_is_told_apart(self, requests):
        request = submit(requests)
        typo = request.code[:-1] + ("0" if request.code[-1] != "0" else "1")
        with pytest.raises(WrongCheckCharacter):
            track(requests, typo, "13912345678")
        with pytest.raises(MalformedCode):
            track(requests, "not-a-code", "13912345678")


class TestProjectingDomainEvents:
    def dispatched(self, requests, store):
        request = submit(requests)
        through_the_station(requests, request.code)
        return request.code

    def domain_event(self, code, event_type, data=None, minutes=1):
        envelope = new_envelope("metrology", event_type, data or {}, request_code=code)
        envelope["occurred_at"] = (NOW + timedelta(minutes=minutes)).isoformat()
        return envelope

    def test_job_accepted_puts_the_request_in_progress(self, requests, store):
        code = self.dispatched(requests, store)
        project(requests, self.domain_event(code, "job_accepted"))
        request = requests.get(code)
        assert request.status == "in_progress"
        assert request.timeline[-1]["actor"]["role"] == "metrology"

    def test_a_completed_job_completes_the_request_with_its_result(self, requests, store):
        code = self.dispatched(requests, store)
        project(requests, self.domain_event(code, "job_accepted"))
        result = {"certificate_number": "SQJL-2026-000001", "documents": []}
        project(requests, self.domain_event(code, "job_completed", {"result": result}, 2))
        request = requests.get(code)
        assert request.status == "completed"
        assert request.result == result

    def test_an_event_delivered_twice_shows_once(self, requests, store):
        code = self.dispatched(requests, store)
        accepted = self.domain_event(code, "job_accepted")
        assert project(requests, accepted) is True
        assert project(requests, accepted) is False
        assert [e["event"] for e in requests.get(code).timeline].count("job_accepted") == 1

    def test_a_late_event_never_moves_the_request_back(self, requests, store):
        code = self.dispatched(requests, store)
        completed = self.domain_event(code, "job_completed", {"result": {"certificate_number": "N1"}}, minutes=2)
        accepted = self.domain_event(code, "job_accepted", minutes=1)
        project(requests, completed)
        project(requests, accepted)
        request = requests.get(code)
        assert request.status == "completed"
        assert [e["event"] for e in request.timeline][-2:] == ["job_accepted", "job_completed"]

    def test_an_event_for_a_request_never_submitted_is_refused(self, requests):
        with pytest.raises(UnknownRequest):
            project(requests, self.domain_event("321322-20261126-00001-6", "job_accepted"))


def test_a_request_cannot_be_dispatched_twice(requests, store):
    request = submit(requests)
    through_the_station(requests, request.code)
    stored = requests.get(request.code)
    with pytest.raises(InvalidTransition):
        stored.dispatch({"role": "station", "name": "x"}, NOW)


class TestSeveralItemsInOneSubmission:
    BODY = {
        "items": ["JC01", "RZ01"],
        "enterprise": JL02_BODY["enterprise"],
        "contact": JL02_BODY["contact"],
        "details": {
            "JC01": {"samples": [{"name": "螺纹钢", "quantity": 3}], "test_items": "屈服强度、抗拉强度"},
            "RZ01": {"product_name": "电热水壶", "product_models": "SQ-1", "scheme": "ccc",
                     "product_standard": "GB 4706.1-2005", "factory_address": "宿迁市沭阳县"},
        },
    }

    def test_one_parent_code_and_a_child_request_per_item_each_to_its_domain(self, requests, groups, store):
        group, children = submit(requests, self.BODY, groups=groups)
        assert [child.item for child in children] == ["JC01", "RZ01"]
        assert [child.domain for child in children] == ["testing", "certification"]
        assert all(child.parent == group.code for child in children)
        codes = [parse_code(code) for code in [group.code, *group.child_codes]]
        assert [code.sequence for code in codes] == [1, 2, 3]
        submitted = [e for e in store.pending_envelopes() if e["type"] == "request_submitted"]
        assert [e["request_code"] for e in submitted] == group.child_codes

    def test_the_parent_is_tracked_with_its_children_and_the_same_phone(self, requests, groups):
        group, _ = submit(requests, self.BODY, groups=groups)
        found, children = track(requests, group.code, "13912345678", groups)
        assert found.code == group.code
        assert [child.item for child in children] == ["JC01", "RZ01"]
        with pytest.raises(RequestNotFound):
            track(requests, group.code, "13800000000", groups)

    def test_children_lost_in_a_crash_are_made_again_once_from_the_parent(self, requests, groups, store):
        group, children = submit(requests, self.BODY, groups=groups)
        del store.documents[children[1].code]  # as if the process died after the first child
        recreated = gateway_intake.create_children(requests, group, CATALOGUE)
        assert [child.code for child in recreated] == [children[1].code]
        assert gateway_intake.create_children(requests, group, CATALOGUE) == []
        assert requests.get(children[1].code).details == self.BODY["details"]["RZ01"]


class TestRolledUpStatus:
    def test_the_parent_is_as_far_as_its_slowest_child(self):
        from services.gateway.domain.model import rolled_up_status

        assert rolled_up_status(["dispatched", "submitted"]) == "submitted"
        assert rolled_up_status(["in_progress", "accepted", "cancelled"]) == "accepted"

    def test_a_parent_some_of_whose_requests_are_done_is_partly_completed(self):
        from services.gateway.domain.model import rolled_up_status

        assert rolled_up_status(["completed", "in_progress"]) == "partially_completed"
        assert rolled_up_status(["rated", "submitted", "terminated"]) == "partially_completed"

    def test_the_parent_is_completed_only_when_every_child_is(self):
        from services.gateway.domain.model import rolled_up_status

        assert rolled_up_status(["completed", "completed"]) == "completed"
        assert rolled_up_status(["completed", "rejected"]) == "completed"
        assert rolled_up_status(["rejected", "rejected"]) == "rejected"
        assert rolled_up_status(["completed", "terminated", "rated"]) == "completed"
        assert rolled_up_status(["cancelled", "terminated"]) == "terminated"


def test_only_a_completing_events_result_becomes_the_requests_result(requests, store):
    request = submit(requests)
    through_the_station(requests, request.code)
    step = new_envelope("certification", "type_test_recorded", {"result": "fail"}, request_code=request.code)
    project(requests, step)
    assert requests.get(request.code).result is None
    done = new_envelope("metrology", "job_completed", {"result": {"certificate_number": "N1"}},
                        request_code=request.code)
    project(requests, done)
    assert requests.get(request.code).result == {"certificate_number": "N1"}
