"""Metrology on an in-memory store: a dispatch opens one job; a certificate completes it."""

import pytest

from services.common.domain import InvalidTransition
from services.common.envelope import new_envelope
from services.common.store import InMemoryDocumentStore
from services.metrology import handlers
from services.metrology.adapters.repository import JobRepository
from services.metrology.exceptions import JobNotFound

from .fixtures import JL02_BODY, NOW

CODE = "321322-20261126-00001-6"


@pytest.fixture
def store():
    return InMemoryDocumentStore()


@pytest.fixture
def jobs(store):
    return JobRepository(store)


def dispatch_envelope():
    work = {"code": CODE, "item": "JL02", "domain": "metrology", "station": "321322",
            "enterprise": JL02_BODY["enterprise"], "contact": JL02_BODY["contact"],
            "details": JL02_BODY["details"]}
    return new_envelope("gateway", "request_dispatched", work, request_code=CODE, route="metrology")


def test_a_dispatched_request_opens_a_job_and_announces_it(jobs, store):
    job = handlers.receive_dispatched_request(jobs, dispatch_envelope(), NOW)
    assert job.status == "received"
    assert jobs.get(CODE).details["instruments"][0]["model"] == "YB-150"
    assert [e["type"] for e in store.pending_envelopes()] == ["job_accepted"]


def test_the_same_dispatch_twice_opens_one_job(jobs, store):
    envelope = dispatch_envelope()
    handlers.receive_dispatched_request(jobs, envelope, NOW)
    assert handlers.receive_dispatched_request(jobs, envelope, NOW) is None
    assert len(store.documents) == 1
    assert [e["type"] for e in store.pending_envelopes()] == ["job_accepted"]


def test_issuing_a_certificate_numbers_it_and_announces_it(jobs, store):
    handlers.receive_dispatched_request(jobs, dispatch_envelope(), NOW)
    job = handlers.issue_certificate(jobs, CODE, NOW, summary="合格")
    assert job.certificate_number == "SQJL-2026-000001"
    issued = store.pending_envelopes()[-1]
    assert issued["type"] == "certificate_issued"
    assert issued["data"]["certificate_number"] == "SQJL-2026-000001"


def test_a_certificate_is_issued_once(jobs):
    handlers.receive_dispatched_request(jobs, dispatch_envelope(), NOW)
    handlers.issue_certificate(jobs, CODE, NOW)
    with pytest.raises(InvalidTransition):
        handlers.issue_certificate(jobs, CODE, NOW)


def test_an_unknown_job_is_named_as_such(jobs):
    with pytest.raises(JobNotFound):
        handlers.issue_certificate(jobs, CODE, NOW)
