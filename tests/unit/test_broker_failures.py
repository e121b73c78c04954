"""A broker that goes away under a worker costs one message or one reply, never the service.

nameko kills the whole service container when a worker thread raises after the handler
has run (while acking, requeueing or replying), and a broker restart surfaces there as a
reset socket or as kombu giving up on a publish. The fault suite (tests/faults) restarts
the real broker; these pin the exact failures down.
"""

from kombu.exceptions import OperationalError

from services.common.consumer import consume_event
from services.common.rpc import ResilientRpc, rpc


class Service:
    name = "listener"

    @consume_event("sender", "thing_happened")
    def handle(self, envelope):
        pass

    @rpc
    def health(self):
        return {"status": "ok"}


class Message:
    payload = {"type": "thing_happened"}
    headers = {}
    properties = {"reply_to": "rpc.reply-caller", "correlation_id": "c1"}


def entrypoint_of(method):
    (entrypoint,) = method.nameko_entrypoints
    return entrypoint


def test_an_ack_that_meets_a_reset_socket_leaves_the_message_to_the_broker(caplog):
    class ResetSocket:
        def ack_message(self, message):
            raise ConnectionResetError(104, "Connection reset by peer")

    entrypoint = entrypoint_of(Service.handle)
    entrypoint.method_name, entrypoint.consumer = "handle", ResetSocket()
    entrypoint.handle_message_processed(Message())  # must not raise
    assert "will deliver it again" in caplog.text


def test_a_reply_that_cannot_be_published_is_given_up_without_raising(caplog):
    class BrokerGone:
        def handle_result(self, message, result, exc_info):
            raise OperationalError("[Errno 111] Connection refused")

    entrypoint = entrypoint_of(Service.health)
    assert isinstance(entrypoint, ResilientRpc)
    entrypoint.method_name, entrypoint.rpc_consumer = "health", BrokerGone()
    assert entrypoint.handle_result(Message(), None, {"status": "ok"}, None) == ({"status": "ok"}, None)
    assert "could not reply to health" in caplog.text
