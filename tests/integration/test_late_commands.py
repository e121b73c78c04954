"""A command lives only as long as its caller waits, and applies once (issue 26 §3):
metrology as a nameko service on the real broker and a real Mongo-wire server, called
as the gateway calls it (``common/deadlines.py``)."""

import time
import uuid

import eventlet
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcClient

from services.common.deadlines import COMMAND_KEY, DEADLINE_KEY
from services.metrology.service import MetrologyService

from ..support.data import REFERENCE_STANDARD
from ..support.rpc import rpc

pytestmark = pytest.mark.integration

CHECK = {"operator": "王工", "checked_on": "2026-07-02", "result": "within_tolerance"}


@pytest.fixture
def metrology(container_factory, service_config):
    container = container_factory(MetrologyService)
    container.start()
    return container


def call(amqp_uri, method, *args, context=None, timeout=10, **publisher_options):
    with ClusterRpcClient(uri=amqp_uri, context_data=dict(context or {}), **publisher_options) as cluster:
        reply = getattr(cluster.metrology, method).call_async(*args)
        with eventlet.Timeout(timeout):
            return reply.result()


def registered(amqp_uri):
    standard = {**REFERENCE_STANDARD, "id": f"RS-{uuid.uuid4().hex[:6].upper()}"}
    rpc(amqp_uri, "metrology", "register_reference_standard", standard)
    return standard["id"]


def test_a_command_taken_after_its_callers_deadline_is_not_run(metrology, amqp_uri):
    standard = registered(amqp_uri)
    with pytest.raises(RemoteError) as expired:
        call(amqp_uri, "record_reference_check", standard, CHECK,
             context={DEADLINE_KEY: time.time() - 1, COMMAND_KEY: "late-1"})
    assert expired.value.exc_type == "CommandExpired"
    assert rpc(amqp_uri, "metrology", "get_reference_standard", standard)["checks"] == []


def test_a_command_in_time_runs(metrology, amqp_uri):
    standard = registered(amqp_uri)
    checked = call(amqp_uri, "record_reference_check", standard, CHECK,
                   context={DEADLINE_KEY: time.time() + 10, COMMAND_KEY: "in-time-1"})
    assert len(checked["checks"]) == 1


def test_a_command_delivered_again_with_its_key_applies_once(metrology, amqp_uri):
    standard = registered(amqp_uri)
    context = {DEADLINE_KEY: time.time() + 30, COMMAND_KEY: f"again-{uuid.uuid4().hex}"}
    call(amqp_uri, "record_reference_check", standard, CHECK, context=context)
    with pytest.raises(RemoteError) as again:
        call(amqp_uri, "record_reference_check", standard, CHECK, context=context)
    assert again.value.exc_type == "CommandAlreadyApplied"
    assert len(rpc(amqp_uri, "metrology", "get_reference_standard", standard)["checks"]) == 1


def test_a_request_nobody_took_before_its_expiration_is_dropped_by_the_broker(container_factory, service_config,
                                                                             amqp_uri):
    first = container_factory(MetrologyService)
    first.start()
    standard = registered(amqp_uri)
    first.stop()  # its queue stays; the request waits there with nobody to take it
    with ClusterRpcClient(uri=amqp_uri, expiration=1) as cluster:
        cluster.metrology.record_reference_check.call_async(standard, CHECK)  # whose caller gives up
        eventlet.sleep(2)
    second = container_factory(MetrologyService)
    second.start()
    eventlet.sleep(1)  # the service had every chance to take it
    assert rpc(amqp_uri, "metrology", "get_reference_standard", standard)["checks"] == []
