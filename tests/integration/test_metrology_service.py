"""Metrology as a nameko service on the real broker and a real Mongo-wire server."""

import eventlet
import pytest
from marshmallow import ValidationError

import services.gateway.web.errors  # noqa: F401 - rebuilds domain errors that cross RPC, as the gateway does
from services.common.domain import InvalidTransition
from services.metrology.service import MetrologyService

from ..support.data import JL02_BODY, REFERENCE_STANDARD, calibration_results
from ..support.events import dispatch_envelope
from ..support.rpc import rpc
from .broker import EventWatcher, publish, wait_until

pytestmark = pytest.mark.integration

CODE = "321322-20261126-00001-6"


def dispatch(route="metrology", code=CODE):
    return dispatch_envelope(code, "JL02", route, JL02_BODY["details"])


@pytest.fixture
def metrology(container_factory, service_config):
    container = container_factory(MetrologyService)
    container.start()
    return container


@pytest.fixture
def events(amqp_uri):
    watcher = EventWatcher(amqp_uri, "metrology")
    yield watcher
    watcher.close()


@pytest.fixture
def jobs(mongo_client, db_prefix):
    return mongo_client[f"{db_prefix}metrology"].jobs




def test_a_dispatched_request_becomes_a_job_and_job_accepted_goes_out(metrology, events, jobs, amqp_uri):
    publish(amqp_uri, "gateway", dispatch())
    accepted = events.wait_for(lambda e: e["type"] == "job_accepted")
    assert accepted and accepted[0]["request_code"] == CODE
    assert jobs.find_one({"_id": CODE})["status"] == "received"


def test_the_same_dispatch_delivered_twice_makes_one_job_and_one_announcement(metrology, events, jobs, amqp_uri):
    envelope = dispatch()
    publish(amqp_uri, "gateway", envelope)
    publish(amqp_uri, "gateway", envelope)
    assert events.wait_for(lambda e: e["type"] == "job_accepted")
    eventlet.sleep(1.0)  # give a duplicate every chance to show up
    assert jobs.count_documents({}) == 1
    assert [e["type"] for e in events.drain()].count("job_accepted") == 1


def test_a_dispatch_to_another_domain_is_not_metrologys(metrology, events, jobs, amqp_uri):
    publish(amqp_uri, "gateway", dispatch(route="testing", code="321322-20261126-00002-4"))
    publish(amqp_uri, "gateway", dispatch())
    assert events.wait_for(lambda e: e["type"] == "job_accepted")
    assert [job["_id"] for job in jobs.find()] == [CODE]


def test_an_operator_works_the_job_over_rpc_and_the_certificate_is_announced(metrology, events, jobs, amqp_uri):
    publish(amqp_uri, "gateway", dispatch())
    assert wait_until(lambda: jobs.find_one({"_id": CODE}))
    rpc(amqp_uri, "metrology", "register_reference_standard", REFERENCE_STANDARD)
    rpc(amqp_uri, "metrology", "start_job", CODE, {"operator": "李工"})
    rpc(amqp_uri, "metrology", "record_results", CODE, calibration_results())
    rpc(amqp_uri, "metrology", "review_results", CODE, {"operator": "赵工", "approved": True})
    job = rpc(amqp_uri, "metrology", "issue_documents", CODE, {"operator": "钱主任"})
    assert job["status"] == "completed"
    issued = events.wait_for(lambda e: e["type"] == "certificate_issued")
    assert issued[0]["data"]["certificate_number"] == job["documents"][0]["number"]
    assert issued[0]["request_code"] == CODE


def test_refusals_cross_rpc_as_what_they_are(metrology, jobs, amqp_uri):
    publish(amqp_uri, "gateway", dispatch())
    assert wait_until(lambda: jobs.find_one({"_id": CODE}))
    with pytest.raises(InvalidTransition) as out_of_order:
        rpc(amqp_uri, "metrology", "issue_documents", CODE, {"operator": "钱主任"})
    assert out_of_order.value.current == "received"
    with pytest.raises(ValidationError) as no_name:
        rpc(amqp_uri, "metrology", "start_job", CODE, {})
    assert no_name.value.messages == {"operator": ["required"]}


def test_health_answers_with_the_store_state(metrology, amqp_uri):
    assert rpc(amqp_uri, "metrology", "health") == {"service": "metrology", "status": "ok", "mongodb": True}
