"""Certification as a nameko service on the real broker and a real Mongo-wire server."""

from datetime import UTC, datetime, timedelta
from functools import partial

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook

from services.certification import bootstrap
from services.certification.service import CertificationService
from services.common.composition import Composition

from ..support.data import RZ02_DETAILS
from ..support.events import dispatch_envelope, standard_ended_envelope
from ..support.rpc import rpc
from .broker import EventWatcher, publish, wait_until

pytestmark = pytest.mark.integration

CODE = "321322-20261126-00001-6"


@pytest.fixture
def certification(container_factory, service_config):
    container = container_factory(CertificationService)
    container.start()
    return container


def set_clock(container, monkeypatch, clock):
    """The workers the container makes from now on read the time from ``clock``."""
    composition = next(each for each in container.extensions if isinstance(each, Composition))
    monkeypatch.setattr(composition, "build", partial(bootstrap.build, clock=clock))


@pytest.fixture
def events(amqp_uri):
    watcher = EventWatcher(amqp_uri, "certification")
    yield watcher
    watcher.close()


@pytest.fixture
def certifications(mongo_client, db_prefix):
    return mongo_client[f"{db_prefix}certification"].certifications




def granted(amqp_uri, certifications):
    publish(amqp_uri, "gateway", dispatch_envelope(CODE, "RZ02", "certification", RZ02_DETAILS))
    assert wait_until(lambda: certifications.find_one({"_id": CODE}))
    rpc(amqp_uri, "certification", "review_application", CODE, {"accepted": True, "operator": "评审员甲"})
    rpc(amqp_uri, "certification", "record_stage1", CODE, {"ready_for_stage2": True, "operator": "审核员乙"})
    rpc(amqp_uri, "certification", "record_stage2", CODE, {"recommendation": "grant", "operator": "审核员乙"})
    return rpc(amqp_uri, "certification", "decide", CODE, {"decision": "grant", "operator": "认证决定人丙"})


def test_an_application_becomes_a_certificate_over_rpc_and_each_step_is_announced(
    certification, events, certifications, amqp_uri
):
    decided = granted(amqp_uri, certifications)
    number = decided["certificate_number"]
    assert decided["certificate"]["issuer"] == bootstrap.certification_body()["name"]
    announced = events.wait_for(lambda e: e["type"] == "certificate_granted")
    assert (
        announced[0]["request_code"] == CODE
        and announced[0]["data"]["certificate_number"] == number
    )
    assert {
        "job_accepted",
        "application_accepted",
        "stage1_audit_recorded",
        "stage2_audit_recorded",
    } <= {e["type"] for e in events.seen}
    assert rpc(amqp_uri, "certification", "verify", number)["status"] == "valid"


def test_a_refused_step_is_a_remote_invalid_transition_and_stores_nothing(
    certification, certifications, amqp_uri
):
    publish(amqp_uri, "gateway", dispatch_envelope(CODE, "RZ02", "certification", RZ02_DETAILS))
    assert wait_until(lambda: certifications.find_one({"_id": CODE}))
    with pytest.raises(Exception) as caught:
        rpc(amqp_uri, "certification", "record_stage2", CODE, {"recommendation": "grant", "operator": "审核员乙"})
    # a RemoteError naming it, or the exception itself where the gateway registered it
    assert getattr(caught.value, "exc_type", type(caught.value).__name__) == "InvalidTransition"
    assert certifications.find_one({"_id": CODE})["version"] == 1


def test_the_clock_announces_a_surveillance_audit_coming_due_once(
    certification, events, certifications, amqp_uri, monkeypatch
):
    granted(amqp_uri, certifications)
    eleven_months_on = datetime.now(UTC) + timedelta(days=340)
    set_clock(certification, monkeypatch, lambda: eleven_months_on)
    for _ in range(2):
        with entrypoint_hook(certification, "advance_clocks") as tick:
            tick()
    due = events.wait_for(lambda e: e["type"] == "surveillance_due")
    assert due and due[0]["data"]["visit"] == 1
    eventlet.sleep(0.5)
    assert [e["type"] for e in events.drain()].count("surveillance_due") == 1


def test_a_superseded_standard_flags_the_certificate_that_cites_it(
    certification, events, certifications, amqp_uri
):
    granted(amqp_uri, certifications)
    publish(amqp_uri, "standards", standard_ended_envelope("GB/T 19001-2016", replaced_by="GB/T 19001-2026"))
    flagged = events.wait_for(lambda e: e["type"] == "standard_flagged")
    assert flagged and flagged[0]["request_code"] == CODE
    assert (
        certifications.find_one({"_id": CODE})["standard_alerts"][0]["number"] == "GB/T 19001-2016"
    )


def test_a_verification_request_is_answered_on_arrival(
    certification, events, certifications, amqp_uri
):
    number = granted(amqp_uri, certifications)["certificate_number"]
    rz03 = "321322-20261126-00002-4"
    publish(
        amqp_uri,
        "gateway",
        dispatch_envelope(
            rz03,
            "RZ03",
            "certification",
            {"certificate_number": number, "certificate_holder": None},
        ),
    )
    answered = events.wait_for(lambda e: e["type"] == "verification_answered")
    assert (
        answered[0]["request_code"] == rz03 and answered[0]["data"]["result"]["certificate_status"] == "valid"
    )
