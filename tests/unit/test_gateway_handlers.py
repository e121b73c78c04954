"""The gateway's use cases on in-memory stores: submit, track, dispatch, project."""

from datetime import timedelta

import pytest

from services.common.domain import InvalidTransition
from services.common.envelope import new_envelope
from services.common.store import InMemoryDocumentStore
from services.gateway import handlers
from services.gateway.adapters.repository import RequestRepository
from services.gateway.domain.request_code import (
    MalformedCode,
    WrongCheckCharacter,
    new_code,
    parse_code,
)
from services.gateway.reference import reference_data
from services.gateway.schemas import load_request_form

from .fixtures import JL02_BODY, NOW

CATALOGUE, STATIONS = reference_data()


@pytest.fixture
def store():
    return InMemoryDocumentStore()


@pytest.fixture
def requests(store):
    return RequestRepository(store)


def submit(requests, body=JL02_BODY, now=NOW):
    form, item = load_request_form(body, CATALOGUE, STATIONS)
    return handlers.submit_request(requests, form, item, now)


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


class TestAutomaticDispatch:
    """Temporary until station dispatch (issue 6)."""

    def test_a_submitted_request_is_accepted_and_dispatched_to_its_domain(self, requests, store):
        request = submit(requests)
        handlers.auto_accept_and_dispatch(requests, event_from(store, "request_submitted"), NOW)
        assert requests.get(request.code).status == "dispatched"
        dispatched = event_from(store, "request_dispatched")
        assert dispatched["route"] == "metrology"
        assert dispatched["data"]["details"]["instruments"][0]["serial_number"] == "SN-0001"

    def test_the_same_submitted_event_twice_dispatches_once(self, requests, store):
        submit(requests)
        submitted = event_from(store, "request_submitted")
        assert handlers.auto_accept_and_dispatch(requests, submitted, NOW) is True
        assert handlers.auto_accept_and_dispatch(requests, submitted, NOW) is False
        assert [e["type"] for e in store.pending_envelopes()].count("request_dispatched") == 1


class TestTracking:
    def test_code_and_contact_phone_find_the_request(self, requests):
        request = submit(requests)
        assert handlers.track_request(requests, request.code, "13912345678").code == request.code

    def test_a_wrong_phone_looks_exactly_like_an_unknown_code(self, requests):
        request = submit(requests)
        with pytest.raises(handlers.RequestNotFound):
            handlers.track_request(requests, request.code, "13800000000")
        unknown = str(new_code("321322", NOW.date(), 99))
        with pytest.raises(handlers.RequestNotFound):
            handlers.track_request(requests, unknown, "13912345678")

    def test_a_mistyped_code_is_told_apart(self, requests):
        request = submit(requests)
        typo = request.code[:-1] + ("0" if request.code[-1] != "0" else "1")
        with pytest.raises(WrongCheckCharacter):
            handlers.track_request(requests, typo, "13912345678")
        with pytest.raises(MalformedCode):
            handlers.track_request(requests, "not-a-code", "13912345678")


class TestProjectingDomainEvents:
    def dispatched(self, requests, store):
        request = submit(requests)
        handlers.auto_accept_and_dispatch(requests, event_from(store, "request_submitted"), NOW)
        return request.code

    def domain_event(self, code, event_type, data=None, minutes=1):
        envelope = new_envelope("metrology", event_type, data or {}, request_code=code)
        envelope["occurred_at"] = (NOW + timedelta(minutes=minutes)).isoformat()
        return envelope

    def test_job_accepted_puts_the_request_in_progress(self, requests, store):
        code = self.dispatched(requests, store)
        handlers.project_domain_event(requests, self.domain_event(code, "job_accepted"))
        request = requests.get(code)
        assert request.status == "in_progress"
        assert request.timeline[-1]["actor"]["role"] == "metrology"

    def test_a_completed_job_completes_the_request_with_its_result(self, requests, store):
        code = self.dispatched(requests, store)
        handlers.project_domain_event(requests, self.domain_event(code, "job_accepted"))
        result = {"certificate_number": "SQJL-2026-000001", "documents": []}
        handlers.project_domain_event(requests, self.domain_event(code, "job_completed", {"result": result}, 2))
        request = requests.get(code)
        assert request.status == "completed"
        assert request.result == result

    def test_an_event_delivered_twice_shows_once(self, requests, store):
        code = self.dispatched(requests, store)
        accepted = self.domain_event(code, "job_accepted")
        assert handlers.project_domain_event(requests, accepted) is True
        assert handlers.project_domain_event(requests, accepted) is False
        assert [e["event"] for e in requests.get(code).timeline].count("job_accepted") == 1

    def test_a_late_event_never_moves_the_request_back(self, requests, store):
        code = self.dispatched(requests, store)
        completed = self.domain_event(code, "job_completed", {"result": {"certificate_number": "N1"}}, minutes=2)
        accepted = self.domain_event(code, "job_accepted", minutes=1)
        handlers.project_domain_event(requests, completed)
        handlers.project_domain_event(requests, accepted)
        request = requests.get(code)
        assert request.status == "completed"
        assert [e["event"] for e in request.timeline][-2:] == ["job_accepted", "job_completed"]

    def test_an_event_for_a_request_never_submitted_is_refused(self, requests):
        with pytest.raises(handlers.UnknownRequest):
            handlers.project_domain_event(requests, self.domain_event("321322-20261126-00001-6", "job_accepted"))


def test_a_request_cannot_be_dispatched_twice(requests, store):
    request = submit(requests)
    handlers.auto_accept_and_dispatch(requests, event_from(store, "request_submitted"), NOW)
    stored = requests.get(request.code)
    with pytest.raises(InvalidTransition):
        stored.dispatch({"role": "station", "name": "x"}, NOW)
