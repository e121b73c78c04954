"""The request's timeline shows the laboratory's steps, its documents and their later fate."""

from datetime import timedelta

import pytest

from services.common.envelope import new_envelope
from services.gateway.adapters.repository import RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.domain.model import PROJECTED_EVENTS
from services.gateway.handlers import intake as gateway_intake
from services.gateway.web.messages import MESSAGES
from services.gateway.web.schemas.intake import load_submission
from services.gateway.web.views import timeline_entry
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL01_BODY, NOW, reader, through_the_station
from ..support.data import project as show_on_request

CATALOGUE, STATIONS = reference_data()


@pytest.fixture
def requests():
    return RequestRepository(InMemoryDocumentStore())


@pytest.fixture
def code(requests):
    submission = load_submission(JL01_BODY, CATALOGUE, STATIONS)
    request, _ = gateway_intake.submit(requests, None, submission, CATALOGUE, NOW)
    through_the_station(requests, request.code)
    return request.code


def project(requests, code, event_type, data, minutes, source="metrology"):
    envelope = new_envelope(source, event_type, data, request_code=code)
    envelope["occurred_at"] = (NOW + timedelta(minutes=minutes)).isoformat()
    show_on_request(requests, envelope)
    return requests.get(code)


RESULT = {"certificate_number": "SQJL-2026-000001",
          "documents": [{"number": "SQJL-2026-000001", "kind": "verification_certificate", "serial_number": "PG-0001"}]}


def test_every_projected_event_has_a_label_in_both_languages():
    assert all(f"event.{event}" in MESSAGES for event in PROJECTED_EVENTS)


def test_each_laboratory_step_shows_who_did_it_and_keeps_the_request_in_progress(requests, code):
    for minute, step in enumerate(["job_accepted", "job_started", "results_recorded", "results_reviewed"], 1):
        request = project(requests, code, step, {"operator": "李工"}, minute)
    assert request.status == "in_progress"
    assert [entry["event"] for entry in request.timeline][-4:] == [
        "job_accepted", "job_started", "results_recorded", "results_reviewed"]
    assert request.timeline[-1]["actor"] == {"role": "metrology", "name": "李工"}
    assert timeline_entry(request.timeline[-1], reader("zh-CN"))["label"] == "结果已复核"


def test_issuing_completes_the_request_with_the_document_numbers(requests, code):
    project(requests, code, "certificate_issued", {"certificate_number": "SQJL-2026-000001"}, 1)
    request = project(requests, code, "job_completed", {"operator": "钱主任", "result": RESULT}, 2)
    assert request.status == "completed" and request.result == RESULT
    assert timeline_entry(request.timeline[-2], reader("en"))["label"] == "Certificate SQJL-2026-000001 issued"


def test_a_correction_shows_on_the_timeline_and_the_result_names_the_new_version(requests, code):
    project(requests, code, "job_completed", {"result": RESULT}, 1)
    request = project(requests, code, "certificate_corrected", {
        "certificate_number": "SQJL-2026-000001-R1", "replaces": "SQJL-2026-000001", "reason": "型号有误"}, 2)
    assert request.status == "completed"
    assert request.result["certificate_number"] == "SQJL-2026-000001-R1"
    assert request.result["documents"][0]["number"] == "SQJL-2026-000001-R1"
    assert timeline_entry(request.timeline[-1], reader("zh-CN"))["label"] == "证书 SQJL-2026-000001 更正为 SQJL-2026-000001-R1"


def test_a_recall_reminder_shows_on_the_completed_request_without_changing_it(requests, code):
    project(requests, code, "job_completed", {"result": RESULT}, 1)
    request = project(requests, code, "calibration_due", {
        "serial_number": "PG-0001", "valid_until": "2027-05-25", "days_before": 30, "days_left": 30,
        "uscc": "91321322MA1ABC123P"}, 2)
    assert request.status == "completed"
    label = timeline_entry(request.timeline[-1], reader("zh-CN"))["label"]
    assert label == "器具 PG-0001 检定有效期至 2027-05-25，请及时申请周期检定（还剩30天）"
    assert "uscc" not in request.timeline[-1]["details"]
