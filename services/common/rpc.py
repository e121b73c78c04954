"""RPC: ``@rpc``, nameko's entrypoint made to outlive a broker that goes away mid-call;
``ClusterRpc``/``ServiceRpc``, nameko's clients with a reply listener that outlives its
reply queue; and ``ServiceRpcOnDemand``, a client made only when a worker calls through it.

About ``@rpc``: nameko sends the reply and acks the request in the worker's thread,
after the method has returned. If the broker is restarting at that moment, the reply's
publish gives up after its retries (kombu's OperationalError) or the ack meets a reset
socket, and nameko treats any exception there as a bug: it kills the whole service
container, so a call in flight during a broker restart could stop a domain service (the
fault suite saw metrology exit).

Here such a failure costs only that one reply: the caller's bounded wait times out
(RPC_TIMEOUT, DESIGN §6) and it may ask again. The request, unacked, goes back to its
queue with the dead connection and may run again: its idempotency key makes it apply
once (``applied_commands.py``). A request taken after its caller's deadline is not run
at all (``deadlines.py``).
"""

import logging
import sys

from amqp.exceptions import NotFound
from kombu import Connection
from nameko import config
from nameko import rpc as nameko_rpc
from nameko.constants import AMQP_SSL_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY
from nameko.messaging import decode_from_headers
from nameko.rpc import Rpc

from .consumer import BROKER_FAILURES
from .deadlines import CommandExpired, seconds_left

log = logging.getLogger(__name__)


class ResilientRpc(Rpc):
    def handle_message(self, body, message):
        # A request whose caller stopped waiting is answered CommandExpired, never run
        # (deadlines.py): RabbitMQ drops most of them by their expiration, this the rest.
        left = seconds_left(decode_from_headers(message.headers or {}))
        if left is not None and left <= 0:
            log.info("%s.%s arrived %.1f s after its caller stopped waiting; not run",
                     self.container.service_name, self.method_name, -left)
            try:
                raise CommandExpired(self.method_name)
            except CommandExpired:
                self.handle_result(message, None, None, sys.exc_info())
            return
        super().handle_message(body, message)

    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_FAILURES as exc:
            log.warning("could not reply to %s (%s); the caller's wait will time out",
                        self.method_name, exc)
            return result, exc_info


rpc = ResilientRpc.decorator


class ReplyLost(Exception):
    """The reply queue went away while this call waited: its reply can never arrive."""


class ResilientReplyListener(nameko_rpc.ReplyListener):
    """nameko's reply listener, made to survive its reply queue going away.

    On every (re)connection nameko checks that the reply queue still exists and, if it is
    gone with calls waiting, raises ``ReplyQueueExpiredWithPendingReplies``, which kills
    the whole service container. The queue goes away when someone deletes it, or when the
    listener stays away from the broker longer than its ``x-expires`` (5 min). Here the
    waiting calls fail at once with :class:`ReplyLost` (the gateway answers 503), the
    consumer declares the queue again as it connects, and the service carries on.

    It also declares its queue in ``setup()``. nameko starts all of a container's
    extensions at once, so the HTTP server can take a request (``make run``'s first
    ``/health``) before this listener's consumer has connected; that request's calls were
    waiting before anyone had declared the queue, and the consumer's first check then
    found it "gone" (4 of 22 ``make run`` starts died so). ``setup()`` of every extension
    ends before any ``start()`` begins, so the queue now exists before any call is made.
    """

    def setup(self):
        super().setup()
        with self._connection() as connection:
            # A broker not up yet is waited for, as the consumer would wait for it.
            connection.ensure_connection(errback=lambda exc, interval: log.warning(
                "cannot declare the reply queue yet (%s); trying again in %s s", exc, interval))
            self.queue.bind(connection.default_channel).declare()

    def register_for_reply(self, correlation_id):
        wait_for_reply = super().register_for_reply(correlation_id)

        def wait_then_forget():
            # A caller that stops waiting (its time limit) leaves no entry behind: a
            # reply that never comes must not count as lost on the next reconnection.
            try:
                return wait_for_reply()
            finally:
                self.pending.pop(correlation_id, None)

        return wait_then_forget

    def check_for_lost_replies(self):
        if not self.pending or self._queue_exists():
            return
        lost = [self.pending.pop(correlation_id) for correlation_id in list(self.pending)]
        log.warning("reply queue %s is gone: failing %d waiting call(s); declaring it again",
                    self.queue.name, len(lost))
        for reply_event in lost:
            reply_event.send_exception(ReplyLost(self.queue.name))

    def _queue_exists(self):
        # A connection of its own: a passive declare of a missing queue closes its channel.
        with self._connection() as connection:
            try:
                self.queue.bind(connection.default_channel).queue_declare(passive=True)
            except NotFound:
                return False
        return True

    def _connection(self):
        return Connection(self.amqp_uri, ssl=config.get(AMQP_SSL_CONFIG_KEY),
                          login_method=config.get(LOGIN_METHOD_CONFIG_KEY))


# Use these, not nameko's: a container's clients share one listener per listener class,
# and nameko's own would still take the service down with its reply queue.
class ClusterRpc(nameko_rpc.ClusterRpc):
    reply_listener = ResilientReplyListener()


class ServiceRpc(nameko_rpc.ServiceRpc):
    reply_listener = ResilientReplyListener()


class ServiceRpcOnDemand(ServiceRpc):
    """nameko's ``ServiceRpc``, whose client is made the first time a worker uses it.

    nameko injects every dependency into every worker: a client per domain service for
    each of the gateway's HTTP requests and events, few of which call any (py-spy: 3.5 %
    of the gateway's CPU under load went to making them)."""

    def get_dependency(self, worker_ctx):
        return _OnDemand(lambda: super(ServiceRpcOnDemand, self).get_dependency(worker_ctx))


class _OnDemand:
    def __init__(self, make):
        self._make = make
        self._made = None

    def __getattr__(self, name):
        if self._made is None:
            self._made = self._make()
        return getattr(self._made, name)
