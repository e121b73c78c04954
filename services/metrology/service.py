"""The metrology service (计量): thin nameko adapter over handlers.py.

RPC methods take plain dicts (validated by schemas.py) and return views; errors are
raised as the exceptions of exceptions.py (the gateway maps them). The service also
consumes its own events to keep the instrument file, and checks for due recalls on a
timer (``RECALL_CHECK_SECONDS``). Each entrypoint reads its input, calls one use case
with the ports ``bootstrap`` built for the worker, and answers its view.
"""

from ..common import domain_service, lab_service
from ..common.commands import OperatorSchema
from ..common.composition import Composition
from ..common.consumer import consume_event
from ..common.documents.wiring import IssuingKeysRequired
from ..common.lab_service import as_dict, standing_view
from ..common.mongo import MongoDatabase
from ..common.outbox import OutboxRelay
from ..common.rpc import rpc as rpc_entrypoint
from ..common.timer import timer
from . import bootstrap, handlers
from .exceptions import REFUSALS
from .schemas import (
    AssessmentDecisionSchema,
    AssessmentSchema,
    CorrectionSchema,
    DocumentReviewSchema,
    ReferenceCheckSchema,
    ReferenceStandardSchema,
    VerificationPeriodSchema,
    results_schema,
)

# A refusal is an answer, not a fault: logged in one line at INFO (exceptions.REFUSALS).
rpc = rpc_entrypoint(expected_exceptions=REFUSALS)


class MetrologyService(lab_service.LabService):
    name = "metrology"

    db = MongoDatabase(on_ready=bootstrap.prepare)
    relay = OutboxRelay(bootstrap.COLLECTIONS)
    metrology = Composition(bootstrap.build)  # each worker: its repositories, laboratory and clock
    issuing_keys = IssuingKeysRequired()  # signs certificates: no key (outside dev), no start
    # the job steps every laboratory takes alike: common/lab_service.py; acting, telemetry,
    # metrics, secrets and the health RPC: common/domain_service.py

    # -- events -----------------------------------------------------------------------------
    on_request_dispatched = lab_service.dispatched_work_consumer("metrology", handlers.receive_dispatched_request)
    on_request_terminated = domain_service.terminated_work_consumer("metrology", handlers.stop_terminated_work,
                                                                    "jobs")

    @consume_event("metrology", "#")
    def keep_instrument_file(self, envelope):
        handlers.file_instruments(self.metrology.instruments, envelope)

    @timer("RECALL_CHECK_SECONDS")
    def send_due_reminders(self):
        ports = self.metrology
        handlers.send_due_reminders(ports.instruments, ports.clock())

    # -- jobs -------------------------------------------------------------------------------
    @rpc
    def record_results(self, request_code, payload):
        ports = self.metrology
        job = handlers.record_results(ports.jobs, ports.reference_standards, ports.instrument_types, request_code,
                                      lambda item: results_schema(item).load(payload), ports.clock())
        return as_dict(job)

    @rpc
    def issue_documents(self, request_code, payload):
        ports = self.metrology
        job = handlers.issue_documents(ports.jobs, ports.certificates, ports.instrument_types, request_code,
                                       OperatorSchema().load(payload), ports.laboratory, ports.clock())
        return as_dict(job)

    # -- JL03 计量标准考核 ------------------------------------------------------------------------
    @rpc
    def review_standard_documents(self, request_code, payload):
        ports = self.metrology
        return as_dict(handlers.review_standard_documents(ports.jobs, request_code,
                                                          lambda: DocumentReviewSchema().load(payload), ports.clock()))

    @rpc
    def record_standard_assessment(self, request_code, payload):
        ports = self.metrology
        return as_dict(handlers.record_standard_assessment(ports.jobs, request_code,
                                                           lambda: AssessmentSchema().load(payload), ports.clock()))

    @rpc
    def decide_standard_assessment(self, request_code, payload):
        ports = self.metrology
        return as_dict(handlers.decide_standard_assessment(
            ports.jobs, ports.standard_certificates, request_code, lambda: AssessmentDecisionSchema().load(payload),
            ports.assessment_authority, ports.clock()))

    # -- certificates -------------------------------------------------------------------------
    @rpc
    def get_certificate(self, number):
        """Any certificate metrology issued (SQJL-…, and SQBK-… 计量标准考核证书)."""
        ports = self.metrology
        return standing_view(handlers.get_document(ports.certificates, ports.standard_certificates, number))

    # A correction is issued as …-R1 once a second person approves it.
    propose_correction = lab_service.proposal_rpc(handlers.propose_correction, "certificates", CorrectionSchema)
    decide_correction = lab_service.decision_rpc(handlers.decide_correction, "certificates")
    withdraw_certificate = lab_service.withdrawal_rpc(handlers.withdraw_certificate, "certificates")

    @rpc
    def document_file(self, number, fmt, request_code=None):
        """A certificate's signed PDF, DCC or signed DCC (base64), for the gateway to serve."""
        ports = self.metrology
        return handlers.certificate_file(ports.certificates, ports.standard_certificates, ports.issuing, number,
                                         fmt, request_code, ports.clock()).as_rpc()

    @rpc
    def verify(self, number):
        ports = self.metrology
        return handlers.verify_certificate(ports.certificates, ports.standard_certificates, number, ports.clock())

    # -- instrument types ---------------------------------------------------------------------
    @rpc
    def list_instrument_types(self):
        return [each.view() for each in handlers.list_instrument_types(self.metrology.instrument_types)]

    @rpc
    def set_verification_period(self, type_id, payload):
        ports = self.metrology
        return handlers.set_verification_period(ports.instrument_types, type_id,
                                                VerificationPeriodSchema().load(payload), ports.clock()).view()

    # -- reference standards ------------------------------------------------------------------
    @rpc
    def list_reference_standards(self):
        return [as_dict(each) for each in handlers.list_reference_standards(self.metrology.reference_standards)]

    @rpc
    def register_reference_standard(self, payload):
        ports = self.metrology
        return as_dict(handlers.register_reference_standard(ports.reference_standards,
                                                            ReferenceStandardSchema().load(payload), ports.clock()))

    @rpc
    def get_reference_standard(self, standard_id):
        return as_dict(handlers.get_reference_standard(self.metrology.reference_standards, standard_id))

    @rpc
    def record_reference_check(self, standard_id, payload):
        ports = self.metrology
        standard = handlers.record_reference_check(ports.reference_standards, ports.certificates, standard_id,
                                                   ReferenceCheckSchema().load(payload), ports.clock())
        return as_dict(standard)

    # -- the instrument file --------------------------------------------------------------------
    @rpc
    def enterprise_instruments(self, uscc):
        return [each.view() for each in handlers.enterprise_instruments(self.metrology.instruments, uscc)]

    @rpc
    def get_instrument(self, uscc, serial_number):
        return handlers.get_instrument(self.metrology.instruments, uscc, serial_number).view()
