"""The gateway's reply listener on the real broker (issue 24 §2).

nameko starts a container's extensions all at once, so the gateway's HTTP server can take
a request before the reply listener's consumer has connected. A call made then waits on a
reply queue nobody had declared yet: nameko's listener, connecting, found the queue
missing, raised "Lost replies for correlation ids" and took the gateway down (4 of ~22
``make run`` starts). These pin the order down without racing for it.
"""

import eventlet
import pytest
from kombu import Connection
from nameko import config as nameko_config
from nameko.rpc import get_rpc_exchange

from services.common.rpc import ReplyLost, ResilientReplyListener

from .broker import wait_until

pytestmark = pytest.mark.integration


class Container:
    """As much of a nameko container as a reply listener uses."""

    service_name = "caller"

    def __init__(self):
        self.threads = []

    def spawn_managed_thread(self, run, identifier=None):
        self.threads.append(eventlet.spawn(run))
        return self.threads[-1]


@pytest.fixture
def listener(amqp_uri):
    with nameko_config.patch({"AMQP_URI": amqp_uri}):
        listener = ResilientReplyListener()
        listener.container = Container()
        listener.setup()  # every extension's setup ends before any starts
        yield listener
        listener.stop()
        for thread in listener.container.threads:
            thread.wait()  # the consumer's thread ends (or raises what killed it)


def reply(amqp_uri, listener, correlation_id, result):
    """What a domain service's responder publishes for a call."""
    with Connection(amqp_uri) as connection:
        connection.Producer().publish({"result": result, "error": None}, exchange=get_rpc_exchange(),
                                      routing_key=listener.routing_key, correlation_id=correlation_id,
                                      serializer="json")


def test_a_call_made_before_the_listener_connects_gets_its_reply(amqp_uri, listener):
    wait = listener.register_for_reply("early")  # a request taken before start() has connected
    reply(amqp_uri, listener, "early", "ok")  # answered at once

    with eventlet.Timeout(20):
        listener.start()  # connects, checks for lost replies, consumes
        assert wait() == {"result": "ok", "error": None}


def test_calls_waiting_when_the_reply_queue_is_deleted_fail_then_the_queue_is_back(amqp_uri, listener):
    listener.start()
    wait = listener.register_for_reply("waiting")
    with Connection(amqp_uri) as connection:
        connection.default_channel.queue_delete(listener.queue.name)

    with eventlet.Timeout(20):
        with pytest.raises(ReplyLost):
            wait()
        again = listener.register_for_reply("after")
        assert wait_until(lambda: queue_exists(amqp_uri, listener.queue), timeout=10)
        reply(amqp_uri, listener, "after", "ok")
        assert again() == {"result": "ok", "error": None}
    assert not any(thread.dead for thread in listener.container.threads), "the listener's consumer died"


def queue_exists(amqp_uri, queue):
    with Connection(amqp_uri) as connection:
        try:
            queue.bind(connection.default_channel).queue_declare(passive=True)
            return True
        except Exception:  # noqa: BLE001 - NotFound, and the channel it closed
            return False
