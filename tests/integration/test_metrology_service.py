"""Metrology as a nameko service on the real broker and a real Mongo-wire server."""

import eventlet
import pytest
from nameko.standalone.rpc import ClusterRpcClient

from services.common.envelope import new_envelope
from services.metrology.service import MetrologyService

from ..unit.fixtures import JL02_BODY
from .broker import EventWatcher, publish, wait_until

pytestmark = pytest.mark.integration

CODE = "321322-20261126-00001-6"


def dispatch(route="metrology", code=CODE):
    work = {"code": code, "item": "JL02", "domain": route, "station": "321322",
            "enterprise": JL02_BODY["enterprise"], "contact": JL02_BODY["contact"],
            "details": JL02_BODY["details"]}
    return new_envelope("gateway", "request_dispatched", work, request_code=code, route=route)


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


def rpc(amqp_uri, method, *args):
    with ClusterRpcClient(uri=amqp_uri) as cluster:
        reply = getattr(cluster.metrology, method).call_async(*args)
        with eventlet.Timeout(10):
            return reply.result()


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


def test_an_operator_issues_the_certificate_over_rpc(metrology, events, jobs, amqp_uri):
    publish(amqp_uri, "gateway", dispatch())
    assert wait_until(lambda: jobs.find_one({"_id": CODE}))
    job = rpc(amqp_uri, "issue_certificate", CODE, {"summary": "合格"})
    assert job["status"] == "certificate_issued"
    issued = events.wait_for(lambda e: e["type"] == "certificate_issued")
    assert issued[0]["data"]["certificate_number"] == job["certificate_number"]


def test_health_answers_with_the_store_state(metrology, amqp_uri):
    assert rpc(amqp_uri, "health") == {"service": "metrology", "status": "ok", "mongodb": True}
