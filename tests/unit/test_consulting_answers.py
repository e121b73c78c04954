"""Consulting items (JL04 计量咨询, JC03 检测能力咨询) are answered in writing by an operator
of their laboratory, and the request completes with the answer the enterprise reads."""

import pytest
from marshmallow import ValidationError

from services.common.commands import ConsultingAnswerSchema
from services.common.domain import InvalidTransition, RuleViolated
from services.gateway.adapters.repository import RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.handlers import intake as gateway
from services.gateway.web.schemas.intake import load_submission
from services.gateway.web.views import request_view
from services.metrology import handlers as metrology
from services.metrology.adapters.repository import JobRepository
from services.testing import handlers as testing
from services.testing.adapters.repository import TestJobRepository
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL02_BODY, NOW, project, reader, through_the_station
from ..support.events import dispatched_work

CATALOGUE, STATIONS = reference_data()
CODE = "321322-20261126-00001-6"
DIGEST = "ab" * 32
LABS = {
    "metrology": ("JL04", {"topic": "selection", "question": "压力表选用几级精度合适？"}, JobRepository, metrology),
    "testing": ("JC03", {"question": "贵中心能否检测大米中的镉？"}, TestJobRepository, testing),
}


def answer(text="建议选用0.4级精密压力表。", attachments=(), operator="王工"):
    return lambda: ConsultingAnswerSchema().load({"operator": operator, "answer": text,
                                                  "attachments": list(attachments)})


def opened(domain, item=None, details=None):
    consulting, questions, repository, handlers = LABS[domain]
    jobs = repository(InMemoryDocumentStore())
    handlers.receive_dispatched_request(jobs, dispatched_work(CODE, item or consulting, domain,
                                                              details or questions), NOW)
    return jobs, handlers


@pytest.mark.parametrize("domain", sorted(LABS))
class TestAConsultingJob:
    def test_is_answered_in_writing_and_completes_with_the_answer_announced(self, domain):
        jobs, handlers = opened(domain)
        # what the gateway tells of an upload the answer names (handlers/files.answer_with_files)
        attachment = {"id": "5e" * 16, "name": "选型说明.pdf", "size": 20480, "sha256": DIGEST.upper(),
                      "content_type": "application/pdf"}
        job = handlers.answer_question(jobs, CODE, answer(attachments=[attachment]), NOW)
        assert job.status == "completed" and job.completed_at == NOW.isoformat()
        assert job.answer["text"] == "建议选用0.4级精密压力表。" and job.answer["answered_by"] == "王工"
        assert job.answer["attachments"] == [{**attachment, "sha256": DIGEST}]
        announced = [e for e in jobs.store.pending_envelopes() if e["type"] == "question_answered"][-1]
        assert announced["data"]["result"]["answer"] == "建议选用0.4级精密压力表。"
        assert announced["data"]["result"]["attachments"][0]["name"] == "选型说明.pdf"
        assert announced["data"]["result"]["attachments"][0]["id"] == "5e" * 16  # the enterprise downloads it by id

    def test_is_answered_once(self, domain):
        jobs, handlers = opened(domain)
        handlers.answer_question(jobs, CODE, answer(), NOW)
        with pytest.raises(InvalidTransition):
            handlers.answer_question(jobs, CODE, answer("再答一次"), NOW)

    def test_does_not_take_the_laboratory_path(self, domain):
        jobs, handlers = opened(domain)
        with pytest.raises(RuleViolated) as refused:
            handlers.start_job(jobs, CODE, {"operator": "王工"}, NOW)
        assert refused.value.code == "not_a_lab_item"

    def test_an_answer_without_words_or_with_a_bad_digest_is_refused_field_by_field(self, domain):
        jobs, handlers = opened(domain)
        with pytest.raises(ValidationError) as refused:
            handlers.answer_question(jobs, CODE, answer(" ", [{"name": "a.pdf", "size": 1, "sha256": "x"}]), NOW)
        assert refused.value.messages == {"answer": ["blank"], "attachments": {0: {"sha256": ["not_a_sha256"]}}}
        assert jobs.get(CODE).status == "received"


@pytest.mark.parametrize("domain, item, details", [
    ("metrology", "JL02", JL02_BODY["details"]),
    ("testing", "JC01", {"samples": [{"name": "大米", "quantity": 1}], "test_items": "镉"}),
])
def test_another_item_is_not_answered_in_writing_and_its_fields_are_not_judged_first(domain, item, details):
    jobs, handlers = opened(domain, item, details)
    with pytest.raises(RuleViolated) as refused:
        handlers.answer_question(jobs, CODE, lambda: pytest.fail("read before the item was checked"), NOW)
    assert (refused.value.code, refused.value.params) == ("not_a_consulting_item", {"item": item})


def test_the_enterprise_reads_the_answer_on_its_completed_request():
    requests = RequestRepository(InMemoryDocumentStore())
    body = {**JL02_BODY, "item": "JC03", "details": {"question": "贵中心能否检测大米中的镉？"}}
    request, _ = gateway.submit(requests, None, load_submission(body, CATALOGUE, STATIONS), CATALOGUE, NOW)
    through_the_station(requests, request.code)
    jobs, _ = opened("testing")
    job = testing.answer_question(jobs, CODE, answer("可以，依据 GB 5009.15-2023。"), NOW)
    envelope = [e for e in jobs.store.pending_envelopes() if e["type"] == "question_answered"][-1]
    project(requests, {**envelope, "request_code": request.code})
    view = request_view(requests.get(request.code), reader())
    assert view["status"] == "completed" and view["result"]["answer"] == job.answer["text"]
    assert view["timeline"][-1]["label"] == "已书面答复"
