"""Testing's use cases: plain functions over repositories (in memory in unit tests).

Issuing writes the job and the report: the job reserves the report number first, the
report is inserted under it (a second insert is recognised), the job completes last,
so an interrupted issue resumes without a second number.
"""

from datetime import datetime
from typing import Any

from marshmallow import ValidationError

from ..common.clock import china_date
from ..common.commands import Command, ResultsReader, not_after
from ..common.contracts import DispatchedWork, StandardEnded
from ..common.documents.issuing import DocumentFile, DocumentFileNotFound, Issuing, document_file
from ..common.idempotency import open_once
from ..common.issued import document_number
from ..common.issued_documents import (
    Standing,
    decide_new_version,
    find_standing,
    propose_new_version,
    withdraw_issued,
)

# The steps every laboratory job takes alike, listed here with the service's own.
from ..common.lab_work import answer_question as answer_question
from ..common.lab_work import decline_job as decline_job
from ..common.lab_work import review_results as review_results
from ..common.lab_work import start_job as start_job
from ..common.lab_work import stop_terminated_work as stop_terminated_work
from ..common.repository import AlreadyExists, retry_on_conflict
from .adapters.repository import ReportRepository, TestJobRepository
from .domain import documents
from .domain.model import TestJob
from .domain.reports import Report, report_number

SAMPLE_PREFIX = "SQYP"


def receive_dispatched_request(repository: TestJobRepository, work: DispatchedWork, now: datetime) -> TestJob | None:
    return open_once(repository, TestJob.open, work, now)


def flag_jobs_citing(jobs: TestJobRepository, ended: StandardEnded, now: datetime) -> int:
    """The standards watch: flag each open job whose method standard ``ended`` (a
    :class:`~services.common.contracts.StandardEnded`), once each; returns how many."""
    return sum(
        retry_on_conflict(jobs, job.request_code,
                          lambda found: found.flag_standard(ended.number, ended.status, ended.replaced_by, now))
        for job in jobs.open_citing(ended.number)
    )


def get_job(jobs: TestJobRepository, request_code: str) -> TestJob:
    job: TestJob = jobs.get(request_code)
    return job


def receive_samples(jobs: TestJobRepository, request_code: str, command: Command, now: datetime) -> TestJob:
    """Sample intake: each sample gets the laboratory's unique number (SQYP-2026-000001)."""
    today = china_date(now)
    arrived_later = {index: problems for index, sample in enumerate(command["samples"])
                     if (problems := not_after(sample.get("received_at"), today, "received_at"))}
    if arrived_later:
        raise ValidationError({"samples": arrived_later})
    job = get_job(jobs, request_code)
    job.ensure_can_receive_samples()  # before numbers are drawn, so none is wasted
    year = china_date(now).year
    samples = [{"sample_number": document_number(SAMPLE_PREFIX, year, jobs.next_sample_sequence(year)), **sample}
               for sample in command["samples"]]
    job.receive_samples(samples, command["operator"], now)
    jobs.save(job)
    return job


def record_results(jobs: TestJobRepository, request_code: str, read_results: ResultsReader,
                   now: datetime) -> TestJob:
    """``read_results(item)`` reads the results with the schema of the job's item: only once
    the job is known to take them, so a wrong state is a 409 before any field is judged."""
    job = get_job(jobs, request_code)
    job.ensure_can_record()
    command = read_results(job.item)
    job.record_results(command, command["operator"], now)
    jobs.save(job)
    return job


def issue_report(jobs: TestJobRepository, reports: ReportRepository, request_code: str, command: Command,
                 laboratory: dict[str, Any], now: datetime) -> TestJob:
    job = get_job(jobs, request_code)
    job.ensure_issuable()
    if job.report_number is None:
        year = china_date(now).year
        job.reserve_report_number(report_number(year, reports.next_sequence(year)))
        jobs.save(job)
    number = job.report_number
    assert number is not None  # reserved above, or by an earlier (interrupted) issue
    report: Report | None = reports.get_or_none(number)
    if report is None:
        report = Report.issue(number, job, laboratory, command["operator"], now)
        try:
            reports.add(report)
        except AlreadyExists:  # a concurrent retry issued it meanwhile
            report = reports.get(number)
    job.complete(report, command["operator"], now)
    jobs.save(job)
    return job


def get_report(reports: ReportRepository, number: str) -> Standing[Report]:
    """A report, any version, and where it stands (current, superseded, withdrawn)."""
    return find_standing(reports, number)


# An amendment is proposed for the current report, and issued once a second person
# approves it (four eyes), as a certificate's correction is.
propose_amendment = propose_new_version


def decide_amendment(reports: ReportRepository, number: str, proposal_id: str, command: Command,
                     now: datetime) -> tuple[dict[str, Any], Standing[Report]]:
    """A second person approves the proposed amendment, issuing the new version (§7.8.8;
    the old one is never rewritten), or refuses it."""
    return decide_new_version(
        reports, number, proposal_id, command, now,
        lambda current, proposal, approver: current.amend(proposal["changes"], proposal["reason"], approver, now))


# Withdrawn like a certificate (the current version only), and told where it then stands.
withdraw_report = withdraw_issued


def report_file(reports: ReportRepository, issuing: Issuing, number: str, fmt: str, request_code: str | None,
                now: datetime) -> DocumentFile:
    """The report as a signed PDF: its signed original while it is current, else a copy
    stamped with where it stands today. With ``request_code``, only a report of that request."""
    standing = get_report(reports, number)
    report = standing.document
    if request_code is not None and report.request_code != request_code:
        raise DocumentFileNotFound(number)
    return document_file(issuing, documents.printed(report), standing.status, fmt, now)


def verify_report(reports: ReportRepository, number: str) -> dict[str, Any]:
    standing = get_report(reports, number)
    report = standing.document
    return {**report.public_view(standing.status, standing.superseded_by),
            "current_version": reports.latest_version(report).number}
