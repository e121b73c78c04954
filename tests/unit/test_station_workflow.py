"""The station's work on a request, in the domain model: every step leaves an audit entry."""

from datetime import timedelta

import pytest

from services.common.domain import InvalidTransition, RuleViolated
from services.common.envelope import new_envelope
from services.gateway.adapters.repository import RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.domain.access import Forbidden, Principal
from services.gateway.domain.model import MissingReason
from services.gateway.exceptions import RequestNotFound, StaleRequest
from services.gateway.handlers import enterprise as gateway_enterprise
from services.gateway.handlers import intake as gateway_intake
from services.gateway.handlers import station as gateway_station
from services.gateway.web.schemas.intake import load_submission
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL02_BODY, NOW, project

CATALOGUE, STATIONS = reference_data()
STAFF = Principal("staff-321322", "staff", "沭阳县服务站 王芳", station="321322")
OTHER_STAFF = Principal("staff-321302", "staff", "宿城区服务站 李明", station="321302")
MANAGER = Principal("manager", "manager", "市场监管局")


@pytest.fixture
def requests():
    return RequestRepository(InMemoryDocumentStore())


@pytest.fixture
def code(requests):
    request, _ = gateway_intake.submit(requests, None, load_submission(JL02_BODY, CATALOGUE, STATIONS), CATALOGUE, NOW)
    return request.code


def step(requests, code, name, principal=STAFF, minutes=1, **params):
    version = requests.get(code).version
    return gateway_station.station_step(requests, code, principal, name, version, NOW + timedelta(minutes=minutes), **params)


def events(requests):
    return [envelope["type"] for envelope in requests.store.pending_envelopes()]


class TestAcceptingAndDispatching:
    def test_accepting_starts_the_clock_and_dispatching_sends_the_work_to_its_domain(self, requests, code):
        step(requests, code, "accept")
        dispatched = step(requests, code, "dispatch", minutes=2)
        assert dispatched.status == "dispatched"
        assert dispatched.accepted_at == (NOW + timedelta(minutes=1)).isoformat()
        work = requests.store.pending_envelopes()[-1]
        assert work["type"] == "request_dispatched" and work["route"] == "metrology"
        assert work["data"]["dispatch"] == 1

    def test_every_step_records_who_when_from_and_to(self, requests, code):
        step(requests, code, "accept")
        entry = requests.get(code).timeline[-1]
        assert entry["actor"] == STAFF.actor()
        assert (entry["from"], entry["status"], entry["event"]) == ("submitted", "accepted", "accepted")

    def test_a_request_cannot_be_dispatched_before_it_is_accepted(self, requests, code):
        with pytest.raises(InvalidTransition):
            step(requests, code, "dispatch")


class TestRefusals:
    def test_a_rejection_needs_a_reason_and_tells_the_enterprise_why(self, requests, code):
        with pytest.raises(MissingReason):
            step(requests, code, "reject", reason="  ")
        rejected = step(requests, code, "reject", reason="不属于本站受理范围")
        assert rejected.status == "rejected" and rejected.timeline[-1]["reason"] == "不属于本站受理范围"
        assert "request_rejected" in events(requests)

    def test_staff_of_another_station_may_not_act_and_managers_only_read(self, requests, code):
        with pytest.raises(Forbidden):
            step(requests, code, "accept", principal=OTHER_STAFF)
        with pytest.raises(Forbidden):
            step(requests, code, "accept", principal=MANAGER)
        assert requests.get(code).status == "submitted"

    def test_acting_on_an_old_version_is_refused_with_the_current_state(self, requests, code):
        seen = requests.get(code).version
        step(requests, code, "accept")
        with pytest.raises(StaleRequest) as caught:
            gateway_station.station_step(requests, code, STAFF, "reject", seen, NOW, reason="晚了一步")
        assert caught.value.current.status == "accepted"


class TestAskingForMaterial:
    def test_the_enterprise_sees_what_is_asked_and_its_answer_returns_the_request(self, requests, code):
        step(requests, code, "accept")
        waiting = step(requests, code, "request_material", minutes=2, note="请补充上次检定证书")
        assert waiting.status == "awaiting_enterprise"
        assert waiting.material_request["note"] == "请补充上次检定证书"
        answered = gateway_enterprise.enterprise_step(requests, code, None, "13912345678", "supplement",
                                            NOW + timedelta(days=3), "已上传")
        assert answered.status == "accepted"  # back where it was
        assert answered.pauses == [{"from": (NOW + timedelta(minutes=2)).isoformat(),
                                    "to": (NOW + timedelta(days=3)).isoformat()}]
        assert events(requests)[-2:] == ["request_material_requested", "request_supplemented"]

    def test_only_the_enterprise_answers(self, requests, code):
        step(requests, code, "request_material", note="缺营业执照")
        with pytest.raises(RequestNotFound):
            gateway_enterprise.enterprise_step(requests, code, None, "13800000000", "supplement", NOW, "已补")


class TestReassigningAndCancelling:
    def test_a_request_moves_to_another_station_which_then_owns_it(self, requests, code):
        moved = step(requests, code, "reassign", station="321302", reason="企业在宿城区")
        assert moved.station == "321302"
        with pytest.raises(Forbidden):
            step(requests, code, "accept")
        assert step(requests, code, "accept", principal=OTHER_STAFF).status == "accepted"

    def test_the_enterprise_withdraws_before_dispatch_but_not_after(self, requests, code):
        step(requests, code, "accept")
        step(requests, code, "dispatch")
        with pytest.raises(InvalidTransition):
            gateway_enterprise.enterprise_step(requests, code, None, "13912345678", "cancel", NOW, None)


class TestDeclinedByTheService:
    def test_a_decline_returns_the_request_to_the_station_with_the_reason(self, requests, code):
        step(requests, code, "accept")
        step(requests, code, "dispatch")
        declined = new_envelope("metrology", "job_declined", {"reason": "本实验室无此项目", "operator": "李工"},
                                request_code=code)
        project(requests, declined)
        request = requests.get(code)
        assert request.status == "accepted" and request.timeline[-1]["reason"] == "本实验室无此项目"
        again = step(requests, code, "dispatch")
        assert again.status == "dispatched" and requests.store.pending_envelopes()[-1]["data"]["dispatch"] == 2


class TestRejectingAfterReview:
    def test_an_accepted_request_is_rejected_before_dispatch_with_a_reason_and_its_clock_stops(self, requests, code):
        step(requests, code, "accept")
        with pytest.raises(MissingReason):
            step(requests, code, "reject")
        rejected = step(requests, code, "reject", reason="材料审查后发现计量标准未经溯源")
        assert rejected.status == "rejected"
        assert (rejected.timeline[-1]["from"], rejected.timeline[-1]["event"]) == ("accepted", "rejected")
        assert "request_rejected" in events(requests)

    def test_a_dispatched_request_is_not_rejected(self, requests, code):
        step(requests, code, "accept")
        step(requests, code, "dispatch")
        with pytest.raises(InvalidTransition):
            step(requests, code, "reject", reason="太晚了")


class TestTerminating:
    REASON = "企业来电不再需要校准"

    @pytest.fixture
    def dispatched(self, requests, code):
        step(requests, code, "accept")
        step(requests, code, "dispatch")
        return code

    def test_a_dispatched_request_is_ended_with_a_reason_and_its_service_is_told(self, requests, dispatched):
        with pytest.raises(MissingReason):
            step(requests, dispatched, "terminate", reason=" ")
        ended = step(requests, dispatched, "terminate", reason=self.REASON)
        assert ended.status == "terminated"
        assert (ended.timeline[-1]["from"], ended.timeline[-1]["reason"]) == ("dispatched", self.REASON)
        told = requests.store.pending_envelopes()[-1]
        assert (told["type"], told["route"]) == ("request_terminated", "metrology")
        assert (told["data"]["reason"], told["data"]["dispatch"], told["data"]["item"]) == (self.REASON, 1, "JL02")

    def test_a_request_not_yet_dispatched_or_already_completed_is_not_ended(self, requests, code):
        with pytest.raises(InvalidTransition):
            step(requests, code, "terminate", reason=self.REASON)
        step(requests, code, "accept")
        step(requests, code, "dispatch")
        project(requests, new_envelope("metrology", "job_completed", {"result": {"certificate_number": "X"}},
                                       request_code=code))
        with pytest.raises(InvalidTransition):
            step(requests, code, "terminate", reason=self.REASON)

    def test_once_a_document_is_issued_it_is_refused_naming_the_document(self, requests, dispatched):
        project(requests, new_envelope("metrology", "certificate_issued", {"certificate_number": "SQJL-2026-000007"},
                                       request_code=dispatched))
        with pytest.raises(RuleViolated) as refused:
            step(requests, dispatched, "terminate", reason=self.REASON)
        assert (refused.value.code, refused.value.params) == ("document_issued", {"numbers": "SQJL-2026-000007"})

    def test_what_the_service_says_afterwards_is_shown_and_changes_nothing(self, requests, dispatched):
        step(requests, dispatched, "terminate", reason=self.REASON)
        for event_type in ("job_cancelled", "job_completed"):
            project(requests, new_envelope("metrology", event_type, {"reason": self.REASON}, request_code=dispatched))
        request = requests.get(dispatched)
        assert request.status == "terminated" and request.completed_at is None
        assert [entry["event"] for entry in request.timeline][-2:] == ["job_cancelled", "job_completed"]
        assert "request_completed" not in events(requests)
