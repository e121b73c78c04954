"""The certification service (认证认可): thin nameko adapter over handlers.py.

Each entrypoint reads its input, calls one use case with the ports ``bootstrap`` built
for the worker, and answers its view.
"""

from nameko.timer import timer

from ..common import domain_service
from ..common.composition import Composition
from ..common.consumer import consume_event
from ..common.contracts import DispatchedWork, StandardEnded
from ..common.contracts.schemas import read
from ..common.documents.wiring import IssuingKeysRequired
from ..common.mongo import MongoDatabase
from ..common.outbox import OutboxRelay
from ..common.rpc import rpc as rpc_entrypoint
from . import bootstrap, handlers
from .exceptions import REFUSALS
from .schemas import load_command

# A refusal is an answer, not a fault: logged in one line at INFO (exceptions.REFUSALS).
rpc = rpc_entrypoint(expected_exceptions=REFUSALS)

# How often the clock looks for surveillance audits coming due, expiries and suspensions
# running out. Dates are days, so a minute is more than precise enough.
CLOCK_INTERVAL_SECONDS = 60


def certification_step(use_case, form):
    """The RPC of one step on an application or a certificate (named by its request code
    or its number): the operator's command read as ``form``, then ``use_case``, answering
    the certification. ``name = certification_step(handlers.name, form)`` in the service's
    body: nameko binds the RPC by that attribute's name, which the gateway calls."""

    @rpc
    def step(self, key, payload=None):
        ports = self.certification
        return use_case(ports.certifications, key, load_command(form, payload), ports.clock()).as_dict()

    return step


def certification_read(find):
    """The RPC answering one certification as it stands, found by ``find``: by its
    request code (``handlers.get_certification``) or its certificate's number
    (``handlers.get_certificate``)."""

    @rpc
    def read_one(self, key):
        return find(self.certification.certifications, key).as_dict()

    return read_one


def product_check_step(check):
    """The RPC recording one of a product certification's checks (``type_test``,
    ``factory_inspection``), its command read by the form of the same name."""

    @rpc
    def record_check(self, request_code, payload=None):
        ports = self.certification
        return handlers.record_product_check(
            ports.certifications, request_code, check, load_command(check, payload), ports.clock()
        ).as_dict()

    return record_check


class CertificationService(domain_service.DomainService):
    name = "certification"

    db = MongoDatabase(on_ready=bootstrap.prepare)
    relay = OutboxRelay(bootstrap.COLLECTIONS)
    certification = Composition(bootstrap.build)  # each worker: its repositories and clock
    issuing_keys = IssuingKeysRequired()  # signs certificates: no key (outside dev), no start
    # acting, telemetry, metrics, secrets and the health RPC: common/domain_service.py

    decline_job = domain_service.decline_rpc(handlers.decline_job, "certifications", REFUSALS)

    # -- events ---------------------------------------------------------------------------
    @consume_event("gateway", "request_dispatched", route="certification")
    def on_request_dispatched(self, envelope):
        ports = self.certification
        handlers.receive_dispatched_request(
            ports.certifications, ports.verifications, read(DispatchedWork, envelope), ports.clock()
        )

    on_request_terminated = domain_service.terminated_work_consumer(
        "certification", handlers.stop_terminated_work, "certifications"
    )

    @consume_event("standards", "standard_superseded")
    def on_standard_superseded(self, envelope):
        ports = self.certification
        handlers.flag_standard(ports.certifications, read(StandardEnded, envelope), ports.clock())

    @timer(interval=CLOCK_INTERVAL_SECONDS)
    def advance_clocks(self):
        ports = self.certification
        handlers.advance_clocks(ports.certifications, ports.clock())

    # -- the application --------------------------------------------------------------------
    get_certification = certification_read(handlers.get_certification)

    review_application = certification_step(handlers.review_application, "review")
    record_stage1 = certification_step(handlers.record_stage1, "stage1")
    record_stage2 = certification_step(handlers.record_stage2, "stage2")
    record_type_test = product_check_step("type_test")
    record_factory_inspection = product_check_step("factory_inspection")

    @rpc
    def decide(self, request_code, payload=None):
        ports = self.certification
        return handlers.decide(
            ports.certifications,
            request_code,
            load_command("decision", payload),
            ports.clock(),
            ports.issuer,
        ).as_dict()

    # -- the certificate ------------------------------------------------------------------------
    get_certificate = certification_read(handlers.get_certificate)

    record_surveillance = certification_step(handlers.record_surveillance, "surveillance")
    suspend = certification_step(handlers.suspend, "suspend")
    restore = certification_step(handlers.restore, "restore")
    withdraw = certification_step(handlers.withdraw, "withdraw")
    reduce_scope = certification_step(handlers.reduce_scope, "reduce_scope")
    recertify = certification_step(handlers.recertify, "recertify")

    @rpc
    def document_file(self, number, fmt, request_code=None):
        """A certificate's signed PDF (base64), for the gateway to serve."""
        ports = self.certification
        return handlers.certificate_file(
            ports.certifications, ports.issuing, ports.body, number, fmt, request_code, ports.clock()
        ).as_rpc()

    @rpc
    def verify(self, number):
        """The public answer for a certificate number (CertificateNotFound if not ours)."""
        ports = self.certification
        return handlers.verify(ports.certifications, number, ports.clock())
