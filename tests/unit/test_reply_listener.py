"""The gateway's reply listener fails waiting calls instead of its service when its reply
queue is gone (issue 24 §2); tests/e2e/test_reply_queue.py does it on the real broker."""

import eventlet
import pytest
from kombu import Queue
from nameko import rpc as nameko_rpc

from services.common.rpc import ClusterRpc, ReplyLost, ResilientReplyListener, ServiceRpc
from services.gateway.adapters.domain_services import DomainServiceCalls
from services.gateway.exceptions import ServiceUnavailable
from services.gateway.service import GatewayService
from services.gateway.web.errors import as_api_error


def listener_whose_queue(exists):
    listener = ResilientReplyListener()
    listener.queue = Queue("rpc.reply-gateway-test")
    listener._queue_exists = lambda: exists
    return listener


def test_every_rpc_client_of_the_gateway_has_the_resilient_listener():
    clients = [value for value in vars(GatewayService).values() if isinstance(value, nameko_rpc.ClusterRpc)]
    assert len(clients) == 4
    assert {type(client.reply_listener) for client in clients} == {ResilientReplyListener}
    assert type(ClusterRpc.reply_listener) is type(ServiceRpc.reply_listener) is ResilientReplyListener


def test_calls_waiting_when_the_reply_queue_is_gone_fail_with_reply_lost():
    listener = listener_whose_queue(exists=False)
    waits = [listener.register_for_reply(f"call-{n}") for n in range(2)]
    listener.check_for_lost_replies()  # what the consumer does as it (re)connects
    for wait in waits:
        with pytest.raises(ReplyLost):
            wait()
    assert listener.pending == {}


def test_calls_waiting_when_the_reply_queue_is_still_there_keep_waiting_for_their_replies():
    listener = listener_whose_queue(exists=True)
    wait = listener.register_for_reply("call-1")
    listener.check_for_lost_replies()
    assert set(listener.pending) == {"call-1"}
    listener.pending["call-1"].send({"result": "ok", "error": None})
    assert wait() == {"result": "ok", "error": None}


def test_a_caller_that_stops_waiting_leaves_no_call_behind():
    listener = listener_whose_queue(exists=False)
    wait = listener.register_for_reply("call-1")
    with eventlet.Timeout(0.01, False):
        wait()
    assert listener.pending == {}


class LostReply:
    def result(self):
        raise ReplyLost("rpc.reply-gateway-test")


class LosingClient:
    def __getattr__(self, method):
        return type("Method", (), {"call_async": staticmethod(lambda *args: LostReply())})


def test_a_lost_reply_is_the_service_being_unavailable():
    services = DomainServiceCalls({"standards": LosingClient()}, timeout=5)
    with pytest.raises(ServiceUnavailable) as refused:
        services.call("standards", "search", "GB")
    assert as_api_error(refused.value).status == 503
