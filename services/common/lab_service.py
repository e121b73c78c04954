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
from .commands import ConsultingAnswerSchema, DeclineSchema, LabReviewSchema, OperatorSchema
from .consumer import consume_event
from .contracts import DispatchedWork, TerminatedWork
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


def terminated_work_consumer(laboratory: str) -> Any:
    """The consumer of the station ending a request it dispatched to ``laboratory``: the
    work stops unless its documents are out (``lab_work.stop_terminated_work``)."""

    @consume_event("gateway", "request_terminated", route=laboratory)
    def on_request_terminated(self: Any, envelope: dict[str, Any]) -> None:
        ports = self.ports
        lab_work.stop_terminated_work(ports.jobs, read(TerminatedWork, envelope), ports.clock())

    return on_request_terminated


class LabService(domain_service.DomainService):
    @property
    def ports(self) -> Any:
        return getattr(self, self.name)

    @rpc
    def decline_job(self, request_code, payload):
        """Decline dispatched work before starting on it: it goes back to the station."""
        ports = self.ports
        return lab_work.decline_job(ports.jobs, request_code, DeclineSchema().load(payload), ports.clock())

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
