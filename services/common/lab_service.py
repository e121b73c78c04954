"""What the two laboratories' nameko services (metrology, testing) share, as their base
class: the entrypoints of the job steps every laboratory takes alike (``lab_work``:
get, decline, start, review, and the written answer to a consulting item), and the views
they answer with. Each laboratory adds its own: opening a job, results,
issuing, its documents.

A laboratory's ports are its ``Composition`` declared under the service's own name
(``metrology = Composition(bootstrap.build)``), as in every service; ``ports`` finds them.
"""

import dataclasses
from typing import Any

from . import domain_service, lab_work
from .commands import (
    ConsultingAnswerSchema,
    LabReviewSchema,
    OperatorSchema,
    ProposalDecisionSchema,
    WithdrawalSchema,
)
from .consumer import consume_event
from .contracts import DispatchedWork
from .contracts.schemas import read
from .issued import PROPOSED
from .issued_documents import Standing
from .refusals import REFUSALS
from .rpc import rpc as rpc_entrypoint

# A refusal is an answer, not a fault: logged in one line at INFO (common/refusals.py).
rpc = rpc_entrypoint(expected_exceptions=REFUSALS)


def as_dict(aggregate: Any) -> dict[str, Any]:
    """An aggregate as plain data, without its unpublished events."""
    return {key: value for key, value in dataclasses.asdict(aggregate).items() if key != "new_events"}


def standing_view(standing: Standing[Any]) -> dict[str, Any]:
    """A certificate or report in full, with where it stands (current, superseded, withdrawn)
    and the new versions proposed for it (``open_proposals``: those awaiting a second person)."""
    document = as_dict(standing.document)
    return {**document, "status": standing.status, "superseded_by": standing.superseded_by,
            "open_proposals": [proposal for proposal in document.get("proposals") or []
                               if proposal["status"] == PROPOSED]}


def proposal_view(decided: tuple[dict[str, Any], Standing[Any]]) -> dict[str, Any]:
    """A proposal and where its document now stands (the new version, once approved)."""
    proposal, standing = decided
    return {"proposal": proposal, "document": standing_view(standing)}


def dispatched_work_consumer(laboratory: str, receive: Any) -> Any:
    """The consumer of the work the station dispatches to ``laboratory``: ``receive`` (the
    laboratory's use case) opens its job. Declared in the service's body as
    ``on_request_dispatched = dispatched_work_consumer(name, handlers.receive_dispatched_request)``:
    nameko binds it, and names its queue, by that attribute."""

    @consume_event("gateway", "request_dispatched", route=laboratory)
    def on_request_dispatched(self: Any, envelope: dict[str, Any]) -> None:
        ports = self.ports
        receive(ports.jobs, read(DispatchedWork, envelope), ports.clock())

    return on_request_dispatched


# -- the RPCs of a laboratory's issued documents (certificates, reports): each made for the
# laboratory's use case and repository (``documents``: its name among the ports), and
# declared in the service's body under the RPC's name, which nameko binds and the gateway calls.
def proposal_rpc(propose: Any, documents: str, change_schema: Any) -> Any:
    """A new version of a current document proposed (a correction, an amendment); it is
    issued once a second person approves it (four eyes). Answers the proposal."""

    @rpc
    def propose_new_version(self: Any, number: str, payload: Any) -> Any:
        ports = self.ports
        proposal, _ = propose(getattr(ports, documents), number, change_schema().load(payload), ports.clock())
        return proposal

    return propose_new_version


def decision_rpc(decide: Any, documents: str) -> Any:
    """A second person's decision on a proposed version: answers the proposal and where the
    document then stands."""

    @rpc
    def decide_proposal(self: Any, number: str, proposal_id: str, payload: Any) -> Any:
        ports = self.ports
        return proposal_view(decide(getattr(ports, documents), number, proposal_id,
                                    ProposalDecisionSchema().load(payload), ports.clock()))

    return decide_proposal


def withdrawal_rpc(withdraw: Any, documents: str) -> Any:
    """A current document withdrawn: answers where it then stands."""

    @rpc
    def withdraw_document(self: Any, number: str, payload: Any) -> Any:
        ports = self.ports
        return standing_view(withdraw(getattr(ports, documents), number, WithdrawalSchema().load(payload),
                                      ports.clock()))

    return withdraw_document


class LabService(domain_service.DomainService):
    decline_job = domain_service.decline_rpc(lab_work.decline_job, "jobs", REFUSALS)

    @rpc
    def get_job(self, request_code):
        return as_dict(lab_work.get_job(self.ports.jobs, request_code))

    @rpc
    def start_job(self, request_code, payload):
        ports = self.ports
        return as_dict(lab_work.start_job(ports.jobs, request_code, OperatorSchema().load(payload), ports.clock()))

    @rpc
    def answer_question(self, request_code, payload):
        """A consulting item (JL04, JC03) answered in writing: the request completes."""
        ports = self.ports
        return as_dict(lab_work.answer_question(ports.jobs, request_code, lambda: ConsultingAnswerSchema().load(payload),
                                                ports.clock()))

    @rpc
    def review_results(self, request_code, payload):
        ports = self.ports
        return as_dict(lab_work.review_results(ports.jobs, request_code, LabReviewSchema().load(payload), ports.clock()))
