"""RPC: ``@rpc``, nameko's entrypoint made to outlive a broker that goes away mid-call,
and ``ServiceRpcOnDemand``, a client dependency made only when a worker calls through it.

About ``@rpc``: nameko sends the reply and acks the request in the worker's thread,
after the method has returned. If the broker is restarting at that moment, the reply's
publish gives up after its retries (kombu's OperationalError) or the ack meets a reset
socket, and nameko treats any exception there as a bug: it kills the whole service
container, so a call in flight during a broker restart could stop a domain service (the
fault suite saw metrology exit).

Here such a failure costs only that one reply: the caller's bounded wait times out
(RPC_TIMEOUT, DESIGN §6) and it may ask again. The request, unacked, goes back to its
queue with the dead connection and may run again: a step of a job's state machine run a
second time is refused as an invalid transition, not applied twice.
"""

import logging

from nameko.rpc import Rpc, ServiceRpc

from .consumer import BROKER_FAILURES

log = logging.getLogger(__name__)


class ResilientRpc(Rpc):
    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except BROKER_FAILURES as exc:
            log.warning("could not reply to %s (%s); the caller's wait will time out",
                        self.method_name, exc)
            return result, exc_info


rpc = ResilientRpc.decorator


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
