"""What every domain service declares alike, as a base class of its nameko service.

Each domain service adds its own database (with the indexes and seed data of its
``bootstrap.prepare``), its outbox relay over its own collections and its composition
root; these it shares: the acting person from the gateway, each call's deadline and
idempotency key (``deadlines.py``), tracing, Prometheus metrics, the secrets check at
start, and the ``health`` RPC the gateway and the probes ask.
"""

from typing import Any

from .acting import ActingPerson
from .commands import DeclineSchema
from .consumer import consume_event
from .contracts import TerminatedWork
from .contracts.schemas import read
from .deadlines import CallDeadline
from .health import health_report
from .metrics_endpoint import MetricsEndpoint
from .rpc import rpc
from .secrets import RequiredSecrets
from .telemetry import Telemetry

# -- what every domain service does with the work a dispatch opens (a job, a case, an
# application), kept in the repository its ports name ``work``. Each is declared in the
# service's body under the name nameko binds (the RPC the gateway calls, the consumer's queue).


def decline_rpc(decline: Any, work: str, refusals: tuple[type[Exception], ...]) -> Any:
    """``decline_job``: dispatched work declined before it was started (``decline``, the
    service's use case); it goes back to the station. ``refusals``: the service's (its
    exceptions.REFUSALS), logged as answers like every RPC of the service."""

    @rpc(expected_exceptions=refusals)
    def decline_job(self: Any, request_code: str, payload: Any) -> Any:
        ports = self.ports
        return decline(getattr(ports, work), request_code, DeclineSchema().load(payload), ports.clock())

    return decline_job


def terminated_work_consumer(service: str, stop: Any, work: str) -> Any:
    """``on_request_terminated``: the station ended a request it dispatched to ``service``;
    ``stop`` (the service's use case) stops the work unless its documents are out."""

    @consume_event("gateway", "request_terminated", route=service)
    def on_request_terminated(self: Any, envelope: dict[str, Any]) -> None:
        ports = self.ports
        stop(getattr(ports, work), read(TerminatedWork, envelope), ports.clock())

    return on_request_terminated


class DomainService:
    name = ""  # the service's name: its queues, its database
    acting = ActingPerson()  # who the work is done for, from the gateway (audit trail)
    deadline = CallDeadline()  # a call's store work ends before its caller stops waiting; it applies once
    telemetry = Telemetry()
    metrics = MetricsEndpoint()  # Prometheus, on METRICS_PORT
    secrets = RequiredSecrets()  # reads none; a secret added later is named here

    @property
    def ports(self) -> Any:
        """The worker's ports: the service's ``Composition``, declared under its name."""
        return getattr(self, self.name)

    @rpc
    def health(self):
        return health_report(self.name, self.db)
