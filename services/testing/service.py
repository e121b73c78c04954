"""The testing service (检验检测): thin nameko adapter over handlers.py.

Each entrypoint reads its input (schemas.py), calls one use case with the ports
``bootstrap`` built for the worker, and answers its view.
"""

from ..common import domain_service, lab_service
from ..common.commands import OperatorSchema
from ..common.composition import Composition
from ..common.consumer import consume_event
from ..common.contracts import StandardEnded
from ..common.contracts.schemas import read
from ..common.documents.wiring import IssuingKeysRequired
from ..common.lab_service import as_dict, standing_view
from ..common.mongo import MongoDatabase
from ..common.outbox import OutboxRelay
from ..common.rpc import rpc as rpc_entrypoint
from . import bootstrap, handlers
from .exceptions import REFUSALS
from .schemas import (
    AmendmentSchema,
    SampleIntakeSchema,
    results_schema,
)

# A refusal is an answer, not a fault: logged in one line at INFO (exceptions.REFUSALS).
rpc = rpc_entrypoint(expected_exceptions=REFUSALS)


class TestingService(lab_service.LabService):
    __test__ = False
    name = "testing"

    db = MongoDatabase(on_ready=bootstrap.prepare)
    relay = OutboxRelay(bootstrap.COLLECTIONS)
    testing = Composition(bootstrap.build)  # each worker: its repositories, laboratory and clock
    issuing_keys = IssuingKeysRequired()  # signs reports: no key (outside dev), no start
    # the job steps every laboratory takes alike: common/lab_service.py; acting, telemetry,
    # metrics, secrets and the health RPC: common/domain_service.py

    on_request_dispatched = lab_service.dispatched_work_consumer("testing", handlers.receive_dispatched_request)
    on_request_terminated = domain_service.terminated_work_consumer("testing", handlers.stop_terminated_work,
                                                                    "jobs")

    @consume_event("standards", "standard_superseded")
    def on_standard_superseded(self, envelope):
        ports = self.testing
        handlers.flag_jobs_citing(ports.jobs, read(StandardEnded, envelope), ports.clock())

    # -- jobs -------------------------------------------------------------------------------
    @rpc
    def receive_samples(self, request_code, payload):
        ports = self.testing
        return as_dict(handlers.receive_samples(ports.jobs, request_code, SampleIntakeSchema().load(payload),
                                                ports.clock()))

    @rpc
    def record_results(self, request_code, payload):
        ports = self.testing
        return as_dict(handlers.record_results(ports.jobs, request_code,
                                               lambda item: results_schema(item).load(payload), ports.clock()))

    @rpc
    def issue_report(self, request_code, payload):
        ports = self.testing
        return as_dict(handlers.issue_report(ports.jobs, ports.reports, request_code, OperatorSchema().load(payload),
                                             ports.laboratory, ports.clock()))

    # -- reports ----------------------------------------------------------------------------
    @rpc
    def get_report(self, number):
        return standing_view(handlers.get_report(self.testing.reports, number))

    propose_amendment = lab_service.proposal_rpc(handlers.propose_amendment, "reports", AmendmentSchema)
    decide_amendment = lab_service.decision_rpc(handlers.decide_amendment, "reports")
    withdraw_report = lab_service.withdrawal_rpc(handlers.withdraw_report, "reports")

    @rpc
    def document_file(self, number, fmt, request_code=None):
        """A report's signed PDF (base64), for the gateway to serve."""
        ports = self.testing
        return handlers.report_file(ports.reports, ports.issuing, number, fmt, request_code, ports.clock()).as_rpc()

    @rpc
    def verify(self, number):
        return handlers.verify_report(self.testing.reports, number)
