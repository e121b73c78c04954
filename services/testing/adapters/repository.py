"""Testing's aggregates in the testing database: jobs and reports.

Each repository's ``get`` raises testing's own NotFound for its aggregate; the named
queries below are the only questions the use cases ask of a collection.
"""

from ...common.issued_documents import IssuedDocumentRepository
from ...common.repository import AggregateRepository
from ..domain.model import CLOSED_STATUSES, TestJob
from ..domain.reports import Report
from ..exceptions import JobNotFound, ReportNotFound


class TestJobRepository(AggregateRepository):
    """Jobs (collection ``jobs``), keyed by request code."""

    __test__ = False
    aggregate = TestJob
    key = "request_code"
    source = "testing"
    not_found = JobNotFound

    def open_citing(self, number: str) -> list[TestJob]:
        """Open jobs whose method cites the standard ``number``."""
        open_jobs: list[TestJob] = self._find({"status": {"$nin": list(CLOSED_STATUSES)}})
        return [job for job in open_jobs if number in job.cited_standards()]

    def next_sample_sequence(self, year: int) -> int:
        sequence: int = self.store.next_sequence(f"sample:{year}")
        return sequence


class ReportRepository(IssuedDocumentRepository[Report]):
    """Issued reports (collection ``reports``), keyed by number."""

    aggregate = Report
    source = "testing"
    sequence = "report"
    not_found = ReportNotFound
