"""A due reminder becomes one new JL01 request, through the normal intake, once."""

from datetime import timedelta

import pytest

from services.common.domain import RuleViolated
from services.gateway.adapters.repository import RequestRepository
from services.gateway.bootstrap import reference_data
from services.gateway.handlers import intake as gateway_intake
from services.gateway.handlers.renewals import (
    EnterpriseNotFound,
    RenewalRepository,
    enterprise_request,
    renew,
)
from services.gateway.web.schemas.intake import load_submission
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JL01_BODY, NOW

CATALOGUE, STATIONS = reference_data()
USCC = "91321322MA1ABC123P"
DUE_INSTRUMENT = {
    "serial_number": "PG-0001", "name": "一般压力表", "model": "Y-100", "measuring_range": "0-1.6 MPa",
    "accuracy_class": "1.6级", "current": {"number": "SQJL-2026-000001", "valid_until": "2027-05-25"},
    "due": {"days_before": 30, "valid_until": "2027-05-25"},
}


@pytest.fixture
def requests():
    return RequestRepository(InMemoryDocumentStore())


@pytest.fixture
def renewals():
    return RenewalRepository(InMemoryDocumentStore())


def intake(requests):
    def submit(form):
        submission = load_submission(form, CATALOGUE, STATIONS)
        return gateway_intake.submit(requests, None, submission, CATALOGUE, NOW)[0]
    return submit


@pytest.fixture
def known(requests):
    intake(requests)(JL01_BODY)
    return enterprise_request(requests, USCC, "13912345678")


def test_the_enterprise_is_known_by_its_credit_code_and_a_contact_phone(requests, known):
    assert known.enterprise["uscc"] == USCC
    with pytest.raises(EnterpriseNotFound):
        enterprise_request(requests, USCC, "13800000000")
    with pytest.raises(EnterpriseNotFound):
        enterprise_request(requests, "91321300MA1XYZ789T", "13912345678")


def test_a_due_reminder_becomes_a_jl01_request_for_that_instrument(requests, renewals, known):
    request, created = renew(renewals, requests, DUE_INSTRUMENT, known, intake(requests), NOW)
    assert created and request.item == "JL01" and request.code != known.code
    assert request.details["instruments"][0]["serial_number"] == "PG-0001"
    assert request.contact == known.contact and request.station == "321322"
    assert requests.store.pending_envelopes()[-1]["type"] == "request_submitted"


def test_asking_again_answers_with_the_same_request(requests, renewals, known):
    first, _ = renew(renewals, requests, DUE_INSTRUMENT, known, intake(requests), NOW)
    again, created = renew(renewals, requests, DUE_INSTRUMENT, known, intake(requests), NOW + timedelta(days=20))
    assert not created and again.code == first.code
    assert len(requests.store.find({"item": "JL01"})) == 2  # the original and one renewal


def test_an_instrument_without_a_due_reminder_is_not_renewed(requests, renewals, known):
    with pytest.raises(RuleViolated) as refused:
        renew(renewals, requests, {**DUE_INSTRUMENT, "due": None}, known, intake(requests), NOW)
    assert refused.value.code == "no_due_reminder"


def test_a_renewal_being_submitted_is_not_submitted_twice_but_a_stale_claim_is_taken_over(requests, renewals, known):
    def crash(form):
        raise RuntimeError("the process died here")

    with pytest.raises(RuntimeError):
        renew(renewals, requests, DUE_INSTRUMENT, known, crash, NOW)
    with pytest.raises(RuleViolated) as busy:
        renew(renewals, requests, DUE_INSTRUMENT, known, intake(requests), NOW + timedelta(seconds=5))
    assert busy.value.code == "renewal_in_progress"
    request, created = renew(renewals, requests, DUE_INSTRUMENT, known, intake(requests), NOW + timedelta(minutes=5))
    assert created and request.item == "JL01"
