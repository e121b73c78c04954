"""The gateway's side of certification and standards: the timeline, results, notices, forms."""

from datetime import date, timedelta

import pytest
from marshmallow import ValidationError

from services.common.contracts import Follower, StandardEnded
from services.common.envelope import new_envelope
from services.gateway.adapters.notices import NoticeBoard
from services.gateway.adapters.repository import RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.handlers import intake as gateway_intake
from services.gateway.handlers.enterprise import post_standard_notices
from services.gateway.web.messages import localize
from services.gateway.web.schemas.certification import ReduceScopeForm, Stage1Form, SuspendForm
from services.gateway.web.schemas.intake import load_submission
from services.gateway.web.schemas.operators import (
    ConsultingAnswerForm,
    WrittenAnswerForm,
    load_command,
)
from services.gateway.web.schemas.standards import EndStandardForm
from services.gateway.web.views import notice_view, standard_view, timeline_entry
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import NOW, RZ02_DETAILS, jl02_body, reader, through_the_station
from ..support.data import project as show_on_request

CATALOGUE, STATIONS = reference_data()
USCC = "91321322MA1ABC123P"


@pytest.fixture
def requests():
    return RequestRepository(InMemoryDocumentStore())


def dispatched(requests, item="RZ02", details=RZ02_DETAILS):
    submission = load_submission(jl02_body(item=item, details=details), CATALOGUE, STATIONS)
    request, _ = gateway_intake.submit(requests, None, submission, CATALOGUE, NOW)
    through_the_station(requests, request.code)
    return request.code


def project(requests, code, event_type, data=None, minutes=1, source="certification"):
    envelope = new_envelope(source, event_type, data or {}, request_code=code)
    envelope["occurred_at"] = (NOW + timedelta(minutes=minutes)).isoformat()
    show_on_request(requests, envelope)
    return requests.get(code)


class TestTimeline:
    def test_a_granted_certificate_completes_the_request_with_its_number_and_validity(
        self, requests
    ):
        code = dispatched(requests)
        project(requests, code, "job_accepted")
        project(requests, code, "application_accepted", minutes=2)
        request = project(
            requests,
            code,
            "certificate_granted",
            {
                "certificate_number": "SQRZ-2026-000001",
                "valid_until": "2029-11-25",
                "surveillance_due": ["2027-11-26"],
                "result": {"certificate_number": "SQRZ-2026-000001", "valid_until": "2029-11-25"},
            },
            minutes=3,
        )
        assert request.status == "completed"
        assert request.result == {
            "certificate_number": "SQRZ-2026-000001",
            "valid_until": "2029-11-25",
        }
        assert (
            timeline_entry(request.timeline[-1], reader("zh-CN"))["label"]
            == "颁发认证证书 SQRZ-2026-000001，有效期至 2029-11-25"
        )

    def test_the_certificate_s_later_life_shows_on_the_timeline_without_reopening_the_request(
        self, requests
    ):
        code = dispatched(requests)
        project(
            requests,
            code,
            "certificate_granted",
            {
                "certificate_number": "SQRZ-2026-000001",
                "valid_until": "2029-11-25",
                "result": {"certificate_number": "SQRZ-2026-000001"},
            },
        )
        request = project(
            requests,
            code,
            "certificate_suspended",
            {
                "certificate_number": "SQRZ-2026-000001",
                "reason": "监督审核不合格",
                "until": "2027-05-26",
            },
            2,
        )
        assert request.status == "completed"
        assert request.result["certificate_number"] == "SQRZ-2026-000001"
        label = timeline_entry(request.timeline[-1], reader("en"))["label"]
        assert label == "Certificate SQRZ-2026-000001 suspended until 2027-05-26: 监督审核不合格"

    def test_a_lookup_answer_completes_the_request_with_the_standards_found(self, requests):
        code = dispatched(requests, "BZ01", {"query": "GB/T 19001"})
        found = [{"number": "GB/T 19001-2016", "state": "current"}]
        request = project(
            requests,
            code,
            "lookup_answered",
            {"query": "GB/T 19001", "count": 1, "result": {"standards": found}},
            source="standards",
        )
        assert (request.status, request.result) == ("completed", {"standards": found})
        assert timeline_entry(request.timeline[-1], reader("zh-CN"))["label"] == "已从标准目录答复（1项）"

    def test_a_refusal_completes_the_request_with_the_reason(self, requests):
        code = dispatched(requests)
        refusal = {"decision": "refused", "reason": "严重不符合"}
        request = project(
            requests, code, "certification_refused", {"reason": "严重不符合", "result": refusal}
        )
        assert request.result == {"decision": "refused", "reason": "严重不符合"}


class TestNotices:
    EVENT_ID = "8d0c3f4e-1f1b-4c7e-9d43-0a6e5d1c2b3a"

    def superseded(self, followers):
        return StandardEnded(number="GB/T 19001-2016", status="superseded", on="2026-11-26",
                             title_zh="质量管理体系 要求", title_en="Quality management systems—Requirements",
                             replaced_by="GB/T 19001-2026", followers=tuple(Follower(**each) for each in followers))

    def post(self, board, ended):
        return post_standard_notices(board, self.EVENT_ID, "2026-11-26T08:00:00+00:00", ended)

    def test_each_follower_gets_one_notice_however_often_the_event_arrives(self):
        board = NoticeBoard(InMemoryDocumentStore())
        ended = self.superseded(
            [
                {"uscc": USCC, "name": "甲", "request_code": "R1"},
                {"uscc": "91321322MA1XYZ9875", "name": "乙", "request_code": "R2"},
            ]
        )
        assert self.post(board, ended) == 2
        assert self.post(board, ended) == 0
        notices = board.for_enterprise(USCC)
        assert len(notices) == 1 and notices[0]["replaced_by"] == "GB/T 19001-2026"

    def test_a_notice_reads_in_the_reader_s_language(self):
        board = NoticeBoard(InMemoryDocumentStore())
        self.post(board, self.superseded([{"uscc": USCC, "name": "甲", "request_code": "R1"}]))
        notice = board.for_enterprise(USCC)[0]
        assert (
            notice_view(notice, "zh-CN")["label"]
            == "您关注的标准 GB/T 19001-2016 已被 GB/T 19001-2026 代替，请及时转换"
        )
        assert notice_view(notice, "en")["title"] == "Quality management systems—Requirements"


def test_a_standard_reads_with_its_state_in_the_reader_s_language():
    standard = {
        "number": "GB 7718-2025",
        "title_zh": "食品安全国家标准 预包装食品标签通则",
        "title_en": None,
        "state": "upcoming",
    }
    assert standard_view(standard, "zh-CN")["state_label"] == "即将实施"
    assert (
        standard_view(standard, "en")["title"] == "食品安全国家标准 预包装食品标签通则"
    )  # no English title


TODAY = date(2026, 11, 26)  # the day in China the operator dates their work by


class TestForms:
    def errors(self, form, body, lang="en"):
        with pytest.raises(ValidationError) as caught:
            load_command(form, body, TODAY)
        return localize(caught.value.messages, lang)

    def test_an_audit_cannot_be_dated_in_the_future_and_dates_travel_as_text(self):
        tomorrow = (TODAY + timedelta(days=2)).isoformat()
        assert self.errors(Stage1Form, {"ready_for_stage2": True, "conducted_on": tomorrow}) == {
            "conducted_on": ["The date cannot be later than today."]
        }
        assert self.errors(
            Stage1Form, {"ready_for_stage2": "maybe", "conducted_on": "26/11/2026"}
        ) == {
            "ready_for_stage2": ["This field must be yes or no."],
            "conducted_on": ["This field must be a date (YYYY-MM-DD)."],
        }
        assert load_command(
            Stage1Form, {"ready_for_stage2": True, "conducted_on": "2026-11-20"}, TODAY
        ) == {"ready_for_stage2": True, "conducted_on": "2026-11-20"}

    def test_a_suspension_needs_a_reason_and_ends_within_six_months(self):
        too_late = (TODAY + timedelta(days=200)).isoformat()
        assert self.errors(SuspendForm, {"until": too_late}, "zh-CN") == {
            "reason": ["此项为必填项"],
            "until": ["暂停期不能超过6个月"],
        }

    def test_a_scope_reduction_names_what_remains(self):
        assert self.errors(ReduceScopeForm, {"reason": "停产"}) == {
            "scope": ["Give the narrowed scope or the sites that remain."]
        }

    def test_superseding_needs_a_replacement_and_real_numbers(self):
        assert self.errors(EndStandardForm, {"number": "GB/T 19001", "status": "superseded"}) == {
            "number": ["Give the number with its year (e.g. GB/T 19001-2016)."],
            "replaced_by": ["This field is required."],
        }

    @pytest.mark.parametrize("form", [WrittenAnswerForm, ConsultingAnswerForm])
    def test_an_attachment_is_an_upload_named_by_its_id_not_a_description(self, form):
        """The gateway keeps the file (issue 28 §4): an answer (standards' or a laboratory's)
        names the upload, and what it is (name, size, sha256, type) is read from the stored
        file, not taken from the client."""
        errors = self.errors(
            form,
            {"answer": "见附件", "attachments": [{"name": "a.pdf", "size": 10, "sha256": "ab" * 32}, {"id": "xyz"}]},
        )
        assert errors == {
            "attachments": {
                "0": {"id": ["This field is required."], "name": ["This field is not part of the form."],
                      "size": ["This field is not part of the form."], "sha256": ["This field is not part of the form."]},
                "1": {"id": ["Must be the id an upload answered (32 hexadecimal characters)."]},
            }
        }
        loaded = load_command(form, {"answer": "见附件", "attachments": [{"id": "ab" * 16}]})
        assert loaded["attachments"] == [{"id": "ab" * 16}]

    def test_a_laboratory_answer_is_as_long_as_its_job_keeps_and_a_standards_answer_longer(self):
        assert self.errors(ConsultingAnswerForm, {"answer": "答" * 4001}) == {
            "answer": ["At most 4000 characters."]}
        assert load_command(WrittenAnswerForm, {"answer": "答" * 4001})["answer"] == "答" * 4001
