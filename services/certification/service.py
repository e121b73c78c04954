"""The certification service (认证认可): thin nameko adapter over handlers.py."""

import json
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from nameko.timer import timer

from ..common.acting import ActingPerson
from ..common.commands import DeclineSchema, decline_work
from ..common.consumer import consume_event
from ..common.contracts import DispatchedWork, StandardEnded
from ..common.contracts.schemas import read
from ..common.health import health_report
from ..common.metrics_endpoint import MetricsEndpoint
from ..common.mongo import MongoDatabase
from ..common.outbox import OutboxRelay
from ..common.rpc import rpc as rpc_entrypoint
from ..common.secrets import RequiredSecrets
from ..common.store import MongoDocumentStore
from ..common.telemetry import Telemetry
from . import handlers
from .adapters.repository import INDEXES, CertificationRepository, VerificationRepository
from .exceptions import REFUSALS, CertificationNotFound
from .schemas import load_command

# A refusal is an answer, not a fault: logged in one line at INFO (exceptions.REFUSALS).
rpc = rpc_entrypoint(expected_exceptions=REFUSALS)

# How often the clock looks for surveillance audits coming due, expiries and suspensions
# running out. Dates are days, so a minute is more than precise enough.
CLOCK_INTERVAL_SECONDS = 60


@cache
def certification_body():
    """Who issues the certificates (data, so a deployment sets its own identity)."""
    path = resources.files("services.certification") / "data" / "certification-body.json"
    return json.loads(path.read_text(encoding="utf-8"))


def utc_now():
    """The one place the service reads the time (tests move it)."""
    return datetime.now(UTC)


def certification_store(database, relay=None):
    return MongoDocumentStore(database.certifications, database.counters, relay)


def verification_store(database, relay=None):
    return MongoDocumentStore(database.verifications, database.counters, relay)


def create_indexes(database):
    certification_store(database).ensure_indexes(*INDEXES)
    verification_store(database).ensure_indexes()


class CertificationService:
    name = "certification"

    db = MongoDatabase(on_ready=create_indexes)
    relay = OutboxRelay(["certifications", "verifications"])
    acting = ActingPerson()  # who the work is done for, from the gateway (audit trail)
    telemetry = Telemetry()
    metrics = MetricsEndpoint()  # Prometheus, on METRICS_PORT
    secrets = RequiredSecrets()  # reads none; a secret added later is named here

    @property
    def certifications(self):
        return CertificationRepository(certification_store(self.db, self.relay))

    @property
    def verifications(self):
        return VerificationRepository(verification_store(self.db, self.relay))

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @rpc
    def decline_job(self, request_code, payload):
        """Decline dispatched work before starting on it: it goes back to the station."""
        answer = decline_work(self.certifications, request_code, DeclineSchema().load(payload), utc_now(), CertificationNotFound)
        return answer

    # -- events ---------------------------------------------------------------------------
    @consume_event("gateway", "request_dispatched", route="certification")
    def on_request_dispatched(self, envelope):
        handlers.receive_dispatched_request(
            self.certifications, self.verifications, read(DispatchedWork, envelope), utc_now()
        )

    @consume_event("standards", "standard_superseded")
    def on_standard_superseded(self, envelope):
        handlers.flag_standard(self.certifications, read(StandardEnded, envelope), utc_now())

    @timer(interval=CLOCK_INTERVAL_SECONDS)
    def advance_clocks(self):
        handlers.advance_clocks(self.certifications, utc_now())

    # -- the application --------------------------------------------------------------------
    @rpc
    def get_certification(self, request_code):
        return handlers.get_certification(self.certifications, request_code).as_dict()

    @rpc
    def review_application(self, request_code, payload=None):
        return self._step(handlers.review_application, request_code, "review", payload)

    @rpc
    def record_stage1(self, request_code, payload=None):
        return self._step(handlers.record_stage1, request_code, "stage1", payload)

    @rpc
    def record_stage2(self, request_code, payload=None):
        return self._step(handlers.record_stage2, request_code, "stage2", payload)

    @rpc
    def record_type_test(self, request_code, payload=None):
        command = load_command("type_test", payload)
        return self._view(
            handlers.record_product_check(
                self.certifications, request_code, "type_test", command, utc_now()
            )
        )

    @rpc
    def record_factory_inspection(self, request_code, payload=None):
        command = load_command("factory_inspection", payload)
        return self._view(
            handlers.record_product_check(
                self.certifications, request_code, "factory_inspection", command, utc_now()
            )
        )

    @rpc
    def decide(self, request_code, payload=None):
        command = load_command("decision", payload)
        return self._view(
            handlers.decide(
                self.certifications, request_code, command, utc_now(), certification_body()["name"]
            )
        )

    # -- the certificate ------------------------------------------------------------------------
    @rpc
    def get_certificate(self, number):
        return handlers.get_certificate(self.certifications, number).as_dict()

    @rpc
    def record_surveillance(self, number, payload=None):
        return self._step(handlers.record_surveillance, number, "surveillance", payload)

    @rpc
    def suspend(self, number, payload=None):
        return self._step(handlers.suspend, number, "suspend", payload)

    @rpc
    def restore(self, number, payload=None):
        return self._step(handlers.restore, number, "restore", payload)

    @rpc
    def withdraw(self, number, payload=None):
        return self._step(handlers.withdraw, number, "withdraw", payload)

    @rpc
    def reduce_scope(self, number, payload=None):
        return self._step(handlers.reduce_scope, number, "reduce_scope", payload)

    @rpc
    def recertify(self, number, payload=None):
        return self._step(handlers.recertify, number, "recertify", payload)

    @rpc
    def verify(self, number):
        """The public answer for a certificate number (CertificateNotFound if not ours)."""
        return handlers.verify(self.certifications, number, utc_now())

    # -- internals ------------------------------------------------------------------------------
    def _step(self, handler, key, command_name, payload):
        command = load_command(command_name, payload)
        return self._view(handler(self.certifications, key, command, utc_now()))

    def _view(self, certification):
        return certification.as_dict()
