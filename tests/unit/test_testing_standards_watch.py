"""Testing's part of the standards watch: open jobs citing a superseded method are flagged."""

from datetime import timedelta

import pytest

from services.common.contracts import StandardEnded
from services.testing import handlers
from services.testing.adapters.repository import (
    TestJobRepository as JobRepository,  # not a test class
)
from services.testing.domain.model import TestJob
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import NOW
from ..support.events import dispatched_work

JC01_DETAILS = {
    "samples": [{"name": "挂面", "specification": "500g/袋", "quantity": 3}],
    "test_items": "铅",
    "method_standard": "GB 5009.12-2017 食品中铅的测定",
    "report_use": "internal",
}


@pytest.fixture
def jobs():
    return JobRepository(InMemoryDocumentStore())


def superseded(number="GB 5009.12-2017"):
    return StandardEnded(number=number, status="superseded", on="2026-11-26", replaced_by="GB 5009.12-2023")


def open_job(jobs, code, details=JC01_DETAILS):
    return handlers.receive_dispatched_request(
        jobs, dispatched_work(code, "JC01", "testing", details), NOW
    )


def test_an_open_job_citing_the_superseded_method_is_flagged_once_on_its_timeline(jobs):
    open_job(jobs, "321322-20261126-00001-6")
    open_job(
        jobs, "321322-20261126-00002-4", {**JC01_DETAILS, "method_standard": "GB 5009.268-2016"}
    )
    assert handlers.flag_jobs_citing(jobs, superseded(), NOW) == 1
    assert handlers.flag_jobs_citing(jobs, superseded(), NOW) == 0
    job = jobs.get("321322-20261126-00001-6")
    assert job.standard_alerts[0]["replaced_by"] == "GB 5009.12-2023"
    flagged = [
        e["request_code"] for e in jobs.store.pending_envelopes() if e["type"] == "standard_flagged"
    ]
    assert flagged == ["321322-20261126-00001-6"]


def test_a_closed_job_is_left_alone(jobs):
    job = open_job(jobs, "321322-20261126-00001-6")
    job = jobs.get(job.request_code)
    job.status = "completed"
    jobs.save(job)
    assert handlers.flag_jobs_citing(jobs, superseded(), NOW) == 0


def test_a_job_s_events_are_written_at_the_moment_its_repository_s_clock_says():
    """The clock is injected: a test that moves time sees its moment on the envelopes
    (occurred_at, which the service levels count by), not the machine's."""
    later = NOW + timedelta(days=400)
    jobs = JobRepository(InMemoryDocumentStore(), clock=lambda: later)
    jobs.add(TestJob.open(dispatched_work("321322-20261126-00001-6", "JC01", "testing", JC01_DETAILS), NOW))
    (accepted,) = jobs.store.pending_envelopes()
    assert accepted["type"] == "job_accepted"
    assert accepted["occurred_at"] == later.isoformat()
    assert accepted["data"]["received_at"] == NOW.isoformat()
