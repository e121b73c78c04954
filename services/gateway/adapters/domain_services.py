"""The gateway's RPC clients to the four domain services, as one dependency.

Each worker gets :class:`DomainServiceCalls`: ``call(service, method, *args)`` sends the
RPC and waits at most ``RPC_TIMEOUT`` seconds; no answer is :class:`ServiceUnavailable`
(the gateway answers 503), never a wait without end. The request lives only as long as
that wait (its AMQP expiration and the deadline in its headers, ``common/deadlines.py``)
and carries an idempotency key, so a command answered 503 never runs later and one sent
again applies once. Each client is made only when a worker calls through it (most HTTP
requests call none).
"""

import functools
import hashlib
import itertools
import time
import uuid
from collections.abc import Callable
from typing import Any

import eventlet
from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider
from nameko.rpc import Client
from werkzeug.wrappers import Request

from ...common.acting import ACTOR_USERNAME_KEY
from ...common.config import setting
from ...common.deadlines import call_headers
from ...common.rpc import ReplyLost, ServiceRpcOnDemand
from ..exceptions import ServiceUnavailable, StoreUnavailable

IDEMPOTENCY_HEADER = "Idempotency-Key"
# What a domain service's store raises when it does not answer (pymongo's errors, by
# name, as they come back over RPC): the service is up, its database is not.
STORE_FAILURES = frozenset({
    "ServerSelectionTimeoutError", "AutoReconnect", "NetworkTimeout", "ConnectionFailure", "ExecutionTimeout",
    "WaitQueueTimeoutError", "NotPrimaryError", "WTimeoutError",
})


class DomainServiceCalls:
    def __init__(self, clients: dict[str, Any], timeout: float,
                 command_key: Callable[[], str | None] = lambda: None) -> None:
        self.clients = clients
        self.timeout = timeout
        self._command_key = command_key
        self._calls = itertools.count(1)

    @functools.cached_property
    def command_key(self) -> str:
        """The key this worker's calls are known by: each call is the n-th of it, so the
        same request sent again (the same Idempotency-Key) sends the same keys."""
        return self._command_key() or uuid.uuid4().hex

    def call(self, service: str, method: str, *args: Any, not_found: type[Exception] | None = None,
             timeout: float | None = None) -> Any:
        """An RPC to a domain service, bounded: no answer in time is ServiceUnavailable, and
        so is a reply lost with the gateway's reply queue (answered at once); the service's
        store not answering is StoreUnavailable. With ``not_found``, the service's own
        "not found" refusal is raised as that; ``timeout`` lengthens the bound for a call
        known to take longer (rendering a document): the command expires with that wait."""
        wait = max(self.timeout, timeout or 0)
        headers = call_headers(wait, f"{self.command_key}:{next(self._calls)}:{service}.{method}",
                               now=time.time())
        reply = bounded(getattr(self.clients[service], method), wait, headers).call_async(*args)
        with eventlet.Timeout(wait, ServiceUnavailable(service)):
            try:
                return reply.result()
            except ReplyLost:
                raise ServiceUnavailable(service) from None
            except RemoteError as exc:
                if exc.exc_type in STORE_FAILURES:
                    raise StoreUnavailable(service) from exc
                if not_found is not None and exc.exc_type.endswith("NotFound"):
                    raise not_found() from exc
                raise


def bounded(method_client: Any, timeout: float, headers: dict[str, Any]) -> Any:
    """nameko's client of one method (a copy of its own for each attribute access),
    publishing with the AMQP expiration ``timeout`` and these context headers."""
    if isinstance(method_client, Client):
        method_client.publish = functools.partial(method_client.publish, expiration=timeout)
        method_client.context_data = {**method_client.context_data, **headers}
    return method_client


class DomainServices(DependencyProvider):
    """Each worker's :class:`DomainServiceCalls`, over the RPC clients declared beside it."""

    def get_dependency(self, worker_ctx: Any) -> DomainServiceCalls:
        clients = {dependency.target_service: dependency.get_dependency(worker_ctx)
                   for dependency in self.container.dependencies if isinstance(dependency, ServiceRpcOnDemand)}
        return DomainServiceCalls(clients, float(setting("RPC_TIMEOUT")), lambda: command_key_of(worker_ctx))


def command_key_of(worker_ctx: Any) -> str | None:
    """The key of the commands an HTTP request sends: from its ``Idempotency-Key`` and who
    sent it, so the same request sent again is known for the same commands; None (a key
    of its own) without one."""
    request = worker_ctx.args[0] if worker_ctx.args and isinstance(worker_ctx.args[0], Request) else None
    given = request.headers.get(IDEMPOTENCY_HEADER) if request is not None else None
    if not given:
        return None
    who = worker_ctx.data.get(ACTOR_USERNAME_KEY) or ""
    return hashlib.sha256(f"{who}\n{given}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
