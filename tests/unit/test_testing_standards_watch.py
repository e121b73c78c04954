"""Testing's part of the standards watch: open jobs citing a superseded method are flagged."""

import pytest

from services.common.envelope import new_envelope
from services.common.store import InMemoryDocumentStore
from services.testing import handlers, standards_watch
from services.testing.adapters.repository import (
    TestJobRepository as JobRepository,  # not a test class
)

from .fixtures import NOW, dispatch_envelope

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
    return new_envelope(
        "standards",
        "standard_superseded",
        {
            "number": number,
            "status": "superseded",
            "replaced_by": "GB 5009.12-2023",
            "followers": [],
        },
    )


def open_job(jobs, code, details=JC01_DETAILS):
    return handlers.receive_dispatched_request(
        jobs, dispatch_envelope(code, "JC01", "testing", details), NOW
    )


def test_an_open_job_citing_the_superseded_method_is_flagged_once_on_its_timeline(jobs):
    open_job(jobs, "321322-20261126-00001-6")
    open_job(
        jobs, "321322-20261126-00002-4", {**JC01_DETAILS, "method_standard": "GB 5009.268-2016"}
    )
    assert standards_watch.flag_jobs_citing(jobs, superseded(), NOW) == 1
    assert standards_watch.flag_jobs_citing(jobs, superseded(), NOW) == 0
    job = jobs.get("321322-20261126-00001-6")
    assert job.standard_alerts[0]["replaced_by"] == "GB 5009.12-2023"
    flagged = [
        e["request_code"] for e in jobs.store.pending_envelopes() if e["type"] == "standard_flagged"
    ]
    assert flagged == ["321322-20261126-00001-6"]


def test_a_closed_job_is_left_alone(jobs):
    job = open_job(jobs, "321322-20261126-00001-6")
    job = jobs.get(job.request_code)
    job.status = "report_issued"
    jobs.save(job)
    assert standards_watch.flag_jobs_citing(jobs, superseded(), NOW) == 0
