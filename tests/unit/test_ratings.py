"""好差评: after completion the enterprise rates once; a poor rating (1-2) opens a
rectification the station answers, and the enterprise reads the answer."""

from datetime import timedelta

import pytest

from services.common.domain import InvalidTransition
from services.common.envelope import new_envelope
from services.gateway.adapters.repository import RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.domain.access import Forbidden, Principal
from services.gateway.domain.model import MissingReason
from services.gateway.exceptions import RequestNotFound
from services.gateway.handlers import enterprise as gateway_enterprise
from services.gateway.handlers import intake as gateway_intake
from services.gateway.handlers import station as gateway_station
from services.gateway.web.schemas.intake import load_submission
from services.gateway.web.views import request_view
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL02_BODY, NOW, project, reader, staff_of, through_the_station

CATALOGUE, STATIONS = reference_data()
PHONE = JL02_BODY["contact"]["phone"]
MANAGER = Principal("manager", "manager", "市场监管局")


@pytest.fixture
def requests():
    return RequestRepository(InMemoryDocumentStore())


def submitted(requests):
    request, _ = gateway_intake.submit(requests, None, load_submission(JL02_BODY, CATALOGUE, STATIONS), CATALOGUE, NOW)
    return request.code


@pytest.fixture
def completed(requests):
    code = submitted(requests)
    through_the_station(requests, code)
    done = new_envelope("metrology", "job_completed", {"result": {"certificate_number": "SQJL-2026-000001"}},
                        request_code=code)
    project(requests, done)
    return code


def rate(requests, code, level, comment=None, phone=PHONE, hours=1):
    return gateway_enterprise.rate_request(requests, code, None, phone, level, comment, NOW + timedelta(hours=hours))


def events(requests):
    return [envelope["type"] for envelope in requests.store.pending_envelopes()]


class TestRating:
    def test_a_completed_request_is_rated_once_and_becomes_rated(self, requests, completed):
        rated = rate(requests, completed, 5, "检定及时，服务周到")
        assert rated.status == "rated"
        assert rated.rating["level"] == 5 and rated.rating["comment"] == "检定及时，服务周到"
        assert rated.rectification is None
        with pytest.raises(InvalidTransition):
            rate(requests, completed, 4)
        assert events(requests).count("request_rated") == 1

    def test_the_rating_counts_on_the_day_the_request_was_completed(self, requests, completed):
        rate(requests, completed, 4)
        announced = [e for e in requests.store.pending_envelopes() if e["type"] == "request_rated"][0]
        assert announced["data"]["completed_at"] == requests.get(completed).completed_at
        assert (announced["data"]["level"], announced["data"]["rectification"]) == (4, 0)

    def test_a_request_still_in_progress_cannot_be_rated(self, requests):
        code = submitted(requests)
        through_the_station(requests, code)
        with pytest.raises(InvalidTransition):
            rate(requests, code, 5)

    def test_only_the_enterprise_may_rate_proven_by_its_contact_phone(self, requests, completed):
        with pytest.raises(RequestNotFound):
            rate(requests, completed, 1, phone="13800000000")
        assert requests.get(completed).status == "completed"

    def test_the_tracking_view_offers_the_rating_until_it_is_given(self, requests, completed):
        assert request_view(requests.get(completed), reader("zh-CN"))["can_rate"] is True
        rate(requests, completed, 5)
        view = request_view(requests.get(completed), reader("zh-CN"))
        assert view["can_rate"] is False and view["rating"]["level"] == 5


class TestRectification:
    def test_a_poor_rating_opens_a_rectification_the_station_answers(self, requests, completed):
        rate(requests, completed, 2, "等待时间太长")
        assert requests.get(completed).rectification["state"] == "open"
        assert [r.code for r in gateway_station.rectifications(requests, staff_of("321322"), "321322")] == [completed]
        version = requests.get(completed).version
        gateway_station.station_step(requests, completed, staff_of(), "answer_rectification", version,
                              NOW + timedelta(hours=3), answer="已约谈责任人，优化了排队流程")
        answered = requests.get(completed)
        assert answered.rectification["state"] == "answered"
        assert gateway_station.rectifications(requests, staff_of("321322"), "321322") == []
        assert events(requests)[-1] == "rectification_answered"
        assert answered.timeline[-1]["event"] == "rectification_answered"

    def test_the_enterprise_reads_the_stations_answer(self, requests, completed):
        rate(requests, completed, 1)
        version = requests.get(completed).version
        gateway_station.station_step(requests, completed, staff_of(), "answer_rectification", version, NOW,
                              answer="已整改")
        view = request_view(requests.get(completed), reader("en"))
        assert view["rectification"]["state"] == "answered" and view["rectification"]["answer"] == "已整改"
        assert "answered_by" not in view["rectification"]  # the person's name stays with the station

    def test_a_good_rating_opens_nothing_to_answer(self, requests, completed):
        rate(requests, completed, 3)
        with pytest.raises(InvalidTransition):
            gateway_station.station_step(requests, completed, staff_of(), "answer_rectification",
                                  requests.get(completed).version, NOW, answer="不需要")

    def test_an_answer_needs_words_and_only_the_station_may_give_it(self, requests, completed):
        rate(requests, completed, 2)
        version = requests.get(completed).version
        with pytest.raises(MissingReason):
            gateway_station.station_step(requests, completed, staff_of(), "answer_rectification", version, NOW, answer=" ")
        with pytest.raises(Forbidden):
            gateway_station.station_step(requests, completed, staff_of("321302"), "answer_rectification", version, NOW,
                                  answer="不是我们的")
        with pytest.raises(Forbidden):
            gateway_station.station_step(requests, completed, MANAGER, "answer_rectification", version, NOW, answer="x")
        assert requests.get(completed).rectification["state"] == "open"
