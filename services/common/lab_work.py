"""The use cases of a laboratory job that metrology and testing take alike (the job is a
``common.lab.LabWorkflow``): looking it up, declining, starting and reviewing it,
answering a consulting item, stopping work the station ended. Opening, recording
results and issuing documents are each laboratory's own."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .commands import Command, decline_work
from .contracts import TerminatedWork
from .idempotency import cancel_once
from .lab import LabWorkflow
from .repository import AggregateRepository


def decline_job(jobs: AggregateRepository, request_code: str, command: Command, now: datetime) -> dict[str, Any]:
    """Decline dispatched work before starting on it: it goes back to the station."""
    return decline_work(jobs, request_code, command, now)


def stop_terminated_work(jobs: AggregateRepository, work: TerminatedWork, now: datetime) -> bool:
    """The station ended the request after dispatch: stop the job unless issuing has
    begun (``domain.Cancellable``); once per termination."""
    return cancel_once(jobs, work, now)


def get_job(jobs: AggregateRepository, request_code: str) -> Any:
    """The job (the repository's own NotFound if there is none)."""
    return jobs.get(request_code)


def start_job(jobs: AggregateRepository, request_code: str, command: Command, now: datetime) -> LabWorkflow:
    job: LabWorkflow = jobs.get(request_code)
    job.start(command["operator"], now)
    jobs.save(job)
    return job


def answer_question(jobs: AggregateRepository, request_code: str, read_answer: Callable[[], Command],
                    now: datetime) -> LabWorkflow:
    """A consulting job answered in writing. ``read_answer()`` reads the answer only once
    the job is known to take one, so another item or state is a 409 before any field is
    judged."""
    job: LabWorkflow = jobs.get(request_code)
    job.ensure_can_answer()
    command = read_answer()
    job.answer_question(command["answer"], command["attachments"], command["operator"], now)
    jobs.save(job)
    return job


def review_results(jobs: AggregateRepository, request_code: str, command: Command, now: datetime) -> LabWorkflow:
    """The second person's check of the recorded results: approved, or sent back."""
    job: LabWorkflow = jobs.get(request_code)
    job.review(command["operator"], command["approved"], command.get("comment"), now)
    jobs.save(job)
    return job
