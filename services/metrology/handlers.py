"""Metrology's use cases, over a JobRepository (in-memory in unit tests, Mongo in service)."""

from ..common.idempotency import open_once
from .domain.model import Job, certificate_number
from .exceptions import JobNotFound


def receive_dispatched_request(jobs, envelope, now):
    """Open a job for a dispatched JL request; the same dispatch twice opens one job."""
    return open_once(jobs, Job.open, envelope, now)


def issue_certificate(jobs, request_code, now, summary=None):
    job = get_job(jobs, request_code)
    job.issue_certificate(certificate_number(now.year, jobs.next_certificate_sequence(now.year)), now, summary)
    jobs.save(job)
    return job


def get_job(jobs, request_code):
    job = jobs.get(request_code)
    if job is None:
        raise JobNotFound(request_code)
    return job
