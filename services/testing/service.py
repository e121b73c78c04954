"""The testing service (检验检测): thin nameko adapter over handlers.py."""

import json
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from ..common.acting import ActingPerson
from ..common.commands import DeclineSchema, WithdrawalSchema, decline_work
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
from .adapters.repository import ReportRepository, TestJobRepository
from .exceptions import REFUSALS, JobNotFound
from .schemas import (
    AmendmentSchema,
    OperatorSchema,
    ReviewSchema,
    SampleIntakeSchema,
    as_dict,
    results_schema,
)

# A refusal is an answer, not a fault: logged in one line at INFO (exceptions.REFUSALS).
rpc = rpc_entrypoint(expected_exceptions=REFUSALS)


@cache
def laboratory():
    lab = json.loads((resources.files("services.testing") / "data" / "laboratory.json").read_text(encoding="utf-8"))
    return {key: lab[key] for key in ("name", "address", "authorization")}


def store(database, collection="jobs", relay=None):
    return MongoDocumentStore(database[collection], database.counters, relay)


def create_indexes(database):
    store(database, "jobs").ensure_indexes()
    store(database, "reports").ensure_indexes()


def now():
    return datetime.now(UTC)


class TestingService:
    __test__ = False
    name = "testing"

    db = MongoDatabase(on_ready=create_indexes)
    relay = OutboxRelay(["jobs", "reports"])
    acting = ActingPerson()  # who the work is done for, from the gateway (audit trail)
    telemetry = Telemetry()
    metrics = MetricsEndpoint()  # Prometheus, on METRICS_PORT
    secrets = RequiredSecrets()  # reads none; a secret added later is named here

    @property
    def repository(self):
        return TestJobRepository(store(self.db, "jobs", self.relay))

    @property
    def reports(self):
        return ReportRepository(store(self.db, "reports", self.relay))

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @rpc
    def decline_job(self, request_code, payload):
        """Decline dispatched work before starting on it: it goes back to the station."""
        answer = decline_work(self.repository, request_code, DeclineSchema().load(payload), now(), JobNotFound)
        return answer

    @consume_event("gateway", "request_dispatched", route="testing")
    def on_request_dispatched(self, envelope):
        handlers.receive_dispatched_request(self.repository, read(DispatchedWork, envelope), now())

    @consume_event("standards", "standard_superseded")
    def on_standard_superseded(self, envelope):
        handlers.flag_jobs_citing(self.repository, read(StandardEnded, envelope), now())

    # -- jobs -------------------------------------------------------------------------------
    @rpc
    def get_job(self, request_code):
        return as_dict(handlers.get_job(self.repository, request_code))

    @rpc
    def receive_samples(self, request_code, payload):
        return self._step(handlers.receive_samples, request_code, SampleIntakeSchema().load(payload))

    @rpc
    def start_job(self, request_code, payload):
        return self._step(handlers.start_job, request_code, OperatorSchema().load(payload))

    @rpc
    def record_results(self, request_code, payload):
        job = handlers.get_job(self.repository, request_code)
        job.ensure_can_record()  # a wrong state is a 409 before any field is judged
        return self._step(handlers.record_results, request_code, results_schema(job.item).load(payload))

    @rpc
    def review_results(self, request_code, payload):
        return self._step(handlers.review_results, request_code, ReviewSchema().load(payload))

    @rpc
    def issue_report(self, request_code, payload):
        command = OperatorSchema().load(payload)
        job = handlers.issue_report(self.repository, self.reports, request_code, command, laboratory(), now())
        return as_dict(job)

    def _step(self, handler, request_code, command):
        job = handler(self.repository, request_code, command, now())
        return as_dict(job)

    # -- reports ----------------------------------------------------------------------------
    @rpc
    def get_report(self, number):
        report = handlers.get_report(self.reports, number)
        status, superseded_by = handlers.report_status(self.reports, report)
        return {**as_dict(report), "status": status, "superseded_by": superseded_by}

    @rpc
    def amend_report(self, number, payload):
        amended = handlers.amend_report(self.reports, number, AmendmentSchema().load(payload), now())
        return self.get_report(amended.number)

    @rpc
    def withdraw_report(self, number, payload):
        handlers.withdraw_report(self.reports, number, WithdrawalSchema().load(payload), now())
        return self.get_report(number)

    @rpc
    def verify(self, number):
        return handlers.verify_report(self.reports, number)
