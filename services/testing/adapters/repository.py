"""Testing's aggregates in the testing database: jobs and reports."""

from ...common.issued import successor_number
from ...common.repository import AggregateRepository
from ..domain.model import CLOSED_STATUSES, TestJob
from ..domain.reports import Report


class TestJobRepository(AggregateRepository):
    """Jobs (collection ``jobs``), keyed by request code."""

    __test__ = False
    aggregate = TestJob
    key = "request_code"
    source = "testing"

    def open_citing(self, number):
        """Open jobs whose method cites the standard ``number``."""
        return [job for job in self.find({"status": {"$nin": list(CLOSED_STATUSES)}})
                if number in job.cited_standards()]

    def next_sample_sequence(self, year):
        return self.store.next_sequence(f"sample:{year}")


class ReportRepository(AggregateRepository):
    """Issued reports (collection ``reports``), keyed by number."""

    aggregate = Report
    key = "number"
    source = "testing"

    def request_code_of(self, report):
        return report.request_code

    def next_sequence(self, year):
        return self.store.next_sequence(f"report:{year}")

    def successor(self, number):
        return self.get_or_none(successor_number(number))

    def latest_version(self, report):
        while (following := self.successor(report.number)) is not None:
            report = following
        return report
