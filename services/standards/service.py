"""The standards service (标准): thin nameko adapter over handlers.py.

Each entrypoint reads its input, calls one use case with the ports ``bootstrap`` built
for the worker, and answers its view.
"""

from nameko.timer import timer

from ..common import domain_service
from ..common.composition import Composition
from ..common.consumer import consume_event
from ..common.contracts import DispatchedWork
from ..common.contracts.schemas import read
from ..common.mongo import MongoDatabase
from ..common.outbox import OutboxRelay
from ..common.rpc import rpc as rpc_entrypoint
from . import bootstrap, handlers
from .adapters.seed import CatalogueSeeder
from .exceptions import REFUSALS
from .schemas import (
    AddStandardSchema,
    AnswerSchema,
    EndStandardSchema,
    FollowsSchema,
    ReviewSchema,
    SearchSchema,
    UnfollowSchema,
)

# A refusal is an answer, not a fault: logged in one line at INFO (exceptions.REFUSALS).
rpc = rpc_entrypoint(expected_exceptions=REFUSALS)

# Replacements take effect on a date: an hourly look is plenty.
REPLACEMENT_CHECK_SECONDS = 3600


class StandardsService(domain_service.DomainService):
    name = "standards"

    seeder = CatalogueSeeder(bootstrap.prepare)
    db = MongoDatabase()
    relay = OutboxRelay(bootstrap.COLLECTIONS)
    standards = Composition(bootstrap.build)  # each worker: its repositories and clock
    # acting, telemetry, metrics, secrets and the health RPC: common/domain_service.py

    decline_job = domain_service.decline_rpc(handlers.decline_job, "cases", REFUSALS)

    # -- events and time ------------------------------------------------------------------
    @consume_event("gateway", "request_dispatched", route="standards")
    def on_request_dispatched(self, envelope):
        ports = self.standards
        handlers.receive_dispatched_request(
            ports.cases, ports.catalogue, ports.follows, read(DispatchedWork, envelope), ports.clock()
        )

    on_request_terminated = domain_service.terminated_work_consumer("standards", handlers.stop_terminated_work,
                                                                    "cases")

    @timer(interval=REPLACEMENT_CHECK_SECONDS, eager=True)
    def supersede_replaced_in_force(self):
        ports = self.standards
        handlers.supersede_replaced_in_force(ports.catalogue, ports.follows, ports.clock())

    # -- the catalogue ------------------------------------------------------------------------
    @rpc
    def search(self, query, limit=20):
        command = SearchSchema().load({"q": query, "limit": limit})
        ports = self.standards
        return handlers.search(ports.catalogue, command["q"], ports.clock(), command["limit"])

    @rpc
    def get_standard(self, number):
        ports = self.standards
        return handlers.get_standard(ports.catalogue, number, ports.clock())

    @rpc
    def add_standard(self, payload):
        ports = self.standards
        return handlers.add_standard(
            ports.catalogue, AddStandardSchema().load(payload or {}), ports.clock()
        )

    @rpc
    def end_standard(self, payload):
        command = EndStandardSchema().load(payload or {})
        ports = self.standards
        return handlers.end_standard(
            ports.catalogue,
            ports.follows,
            command["number"],
            command["status"],
            command["replaced_by"],
            ports.clock(),
        )

    # -- the standards watch -----------------------------------------------------------------------
    @rpc
    def followed_standards(self, uscc):
        command = FollowsSchema().load({"uscc": uscc})
        ports = self.standards
        return handlers.followed_standards(ports.catalogue, ports.follows, command["uscc"], ports.clock())

    @rpc
    def unfollow(self, uscc, number):
        command = UnfollowSchema().load({"uscc": uscc, "number": number})
        ports = self.standards
        return handlers.unfollow(ports.follows, command["uscc"], command["number"])

    # -- cases -----------------------------------------------------------------------------------
    @rpc
    def get_case(self, request_code):
        ports = self.standards
        return _case_view(handlers.case_as_of(ports.cases, ports.catalogue, request_code, ports.clock()))

    @rpc
    def review_declaration(self, request_code, payload=None):
        command = ReviewSchema().load(payload or {})
        ports = self.standards
        return _case_view(
            handlers.review_declaration(
                ports.cases, ports.catalogue, request_code, command, ports.clock()
            )
        )

    @rpc
    def answer_question(self, request_code, payload=None):
        command = AnswerSchema().load(payload or {})
        ports = self.standards
        return _case_view(
            handlers.answer_question(ports.cases, request_code, command, ports.clock())
        )


def _case_view(case):
    fields = (
        "request_code",
        "item",
        "station",
        "enterprise",
        "details",
        "received_at",
        "status",
        "answer",
        "references",
        "unrecognised",
        "review",
    )
    return {name: getattr(case, name) for name in fields}
