"""The gateway's RPC clients to the four domain services, as one dependency.

Each worker gets :class:`DomainServiceCalls`: ``call(service, method, *args)`` sends the
RPC and waits at most ``RPC_TIMEOUT`` seconds; no answer is :class:`ServiceUnavailable`
(the gateway answers 503), never a wait without end. Each client is made only when a
worker calls through it (most HTTP requests call none).
"""

from typing import Any

import eventlet
from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider

from ...common.config import setting
from ...common.rpc import ReplyLost, ServiceRpcOnDemand
from ..exceptions import ServiceUnavailable


class DomainServiceCalls:
    def __init__(self, clients: dict[str, Any], timeout: float) -> None:
        self.clients = clients
        self.timeout = timeout

    def call(self, service: str, method: str, *args: Any, not_found: type[Exception] | None = None,
             timeout: float | None = None) -> Any:
        """An RPC to a domain service, bounded: no answer in time is ServiceUnavailable, and
        so is a reply lost with the gateway's reply queue (answered at once). With
        ``not_found``, the service's own "not found" refusal is raised as that; ``timeout``
        lengthens the bound for a call known to take longer (rendering a document)."""
        reply = getattr(self.clients[service], method).call_async(*args)
        with eventlet.Timeout(max(self.timeout, timeout or 0), ServiceUnavailable(service)):
            try:
                return reply.result()
            except ReplyLost:
                raise ServiceUnavailable(service) from None
            except RemoteError as exc:
                if not_found is not None and exc.exc_type.endswith("NotFound"):
                    raise not_found() from exc
                raise


class DomainServices(DependencyProvider):
    """Each worker's :class:`DomainServiceCalls`, over the RPC clients declared beside it."""

    def get_dependency(self, worker_ctx: Any) -> DomainServiceCalls:
        clients = {dependency.target_service: dependency.get_dependency(worker_ctx)
                   for dependency in self.container.dependencies if isinstance(dependency, ServiceRpcOnDemand)}
        return DomainServiceCalls(clients, float(setting("RPC_TIMEOUT")))
