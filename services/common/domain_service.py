"""What every domain service declares alike, as a base class of its nameko service.

Each domain service adds its own database (with the indexes and seed data of its
``bootstrap.prepare``), its outbox relay over its own collections and its composition
root; these it shares: the acting person from the gateway, each call's deadline and
idempotency key (``deadlines.py``), tracing, Prometheus metrics, the secrets check at
start, and the ``health`` RPC the gateway and the probes ask.
"""

from .acting import ActingPerson
from .deadlines import CallDeadline
from .health import health_report
from .metrics_endpoint import MetricsEndpoint
from .rpc import rpc
from .secrets import RequiredSecrets
from .telemetry import Telemetry


class DomainService:
    name = ""  # the service's name: its queues, its database
    acting = ActingPerson()  # who the work is done for, from the gateway (audit trail)
    deadline = CallDeadline()  # a call's store work ends before its caller stops waiting; it applies once
    telemetry = Telemetry()
    metrics = MetricsEndpoint()  # Prometheus, on METRICS_PORT
    secrets = RequiredSecrets()  # reads none; a secret added later is named here

    @rpc
    def health(self):
        return health_report(self.name, self.db)
