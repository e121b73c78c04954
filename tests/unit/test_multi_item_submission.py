"""A multi-item submission (一表申请) reads as one: its status rolled up from its requests
(部分办结 once some are done), a link to each, and withdrawing its code withdraws every
request not yet dispatched."""

import pytest

from services.common.domain import InvalidTransition
from services.common.envelope import new_envelope
from services.gateway.adapters.repository import RequestGroupRepository, RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.exceptions import RequestNotFound
from services.gateway.handlers import enterprise, intake
from services.gateway.web.schemas.intake import load_submission
from services.gateway.web.views import tracked_view
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL02_BODY, NOW, project, reader, through_the_station

CATALOGUE, STATIONS = reference_data()
PHONE = JL02_BODY["contact"]["phone"]
BODY = {key: JL02_BODY[key] for key in ("enterprise", "contact")} | {
    "items": ["JL02", "BZ01", "JC03"],
    "details": {"JL02": JL02_BODY["details"], "BZ01": {"query": "GB/T 19001-2016"},
                "JC03": {"question": "能否检测大米中的镉？"}},
}


@pytest.fixture
def submission():
    requests, groups = RequestRepository(InMemoryDocumentStore()), RequestGroupRepository(InMemoryDocumentStore())
    group, children = intake.submit(requests, groups, load_submission(BODY, CATALOGUE, STATIONS), CATALOGUE, NOW)
    return requests, groups, group.code, [child.code for child in children]


def view(requests, groups, code, lang="zh-CN"):
    found, children = intake.track_request(requests, groups, code, PHONE)
    return tracked_view(intake.Tracked(found, children, []), reader(lang))


class TestWithdrawingASubmission:
    def test_withdraws_every_request_not_yet_dispatched_and_leaves_the_others_going(self, submission):
        requests, groups, code, (calibration, lookup, question) = submission
        through_the_station(requests, calibration)
        found, children = enterprise.withdraw(requests, groups, code, None, PHONE, NOW, "不再需要")
        assert found.code == code
        assert [child.status for child in children] == ["dispatched", "cancelled", "cancelled"]
        assert requests.get(lookup).timeline[-1]["reason"] == "不再需要"
        assert view(requests, groups, code)["status"] == "dispatched"

    def test_with_nothing_left_to_withdraw_it_is_refused(self, submission):
        requests, groups, code, children = submission
        for child in children:
            through_the_station(requests, child)
        with pytest.raises(InvalidTransition):
            enterprise.withdraw(requests, groups, code, None, PHONE, NOW)

    def test_only_the_enterprise_withdraws_it(self, submission):
        requests, groups, code, _ = submission
        with pytest.raises(RequestNotFound):
            enterprise.withdraw(requests, groups, code, None, "13800000000", NOW)

    def test_a_single_request_is_withdrawn_as_before(self, submission):
        requests, groups, _, (calibration, _, _) = submission
        found, children = enterprise.withdraw(requests, groups, calibration, None, PHONE, NOW)
        assert (found.status, children) == ("cancelled", [])


def test_a_submission_some_of_whose_requests_are_done_reads_partly_completed_and_links_to_each(submission):
    requests, groups, code, (calibration, lookup, question) = submission
    for child in (calibration, lookup):
        through_the_station(requests, child)
    project(requests, new_envelope("standards", "lookup_answered", {
        "count": 1, "result": {"standards": [{"number": "GB/T 19001-2016"}]}}, request_code=lookup))
    seen = view(requests, groups, code)
    assert (seen["status"], seen["status_label"]) == ("partially_completed", "部分办结")
    assert view(requests, groups, code, "en")["status_label"] == "Partly completed"
    by_code = {child["code"]: child for child in seen["children"]}
    assert by_code[lookup]["tracking_url"] == f"/api/v1/requests/{lookup}"
    assert by_code[lookup]["result"]["standards"][0]["number"] == "GB/T 19001-2016"
    assert by_code[question]["status"] == "submitted"
