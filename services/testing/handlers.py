"""Testing's use cases: plain functions over repositories (in memory in unit tests).

Issuing writes the job and the report: the job reserves the report number first, the
report is inserted under it (a second insert is recognised), the job completes last,
so an interrupted issue resumes without a second number.
"""

from ..common.clock import china_date
from ..common.idempotency import open_once
from ..common.issued import document_number
from ..common.issued_documents import find_issued, issued_status, supersede, withdraw_issued
from ..common.repository import AlreadyExists, retry_on_conflict
from .domain.model import TestJob
from .domain.reports import Report, report_number
from .exceptions import JobNotFound, ReportNotFound

SAMPLE_PREFIX = "SQYP"


def receive_dispatched_request(repository, work, now):
    return open_once(repository, TestJob.open, work, now)


def flag_jobs_citing(jobs, ended, now):
    """The standards watch: flag each open job whose method standard ``ended`` (a
    :class:`~services.common.contracts.StandardEnded`), once each; returns how many."""
    return sum(
        retry_on_conflict(jobs, job.request_code,
                          lambda found: found.flag_standard(ended.number, ended.status, ended.replaced_by, now))
        for job in jobs.open_citing(ended.number)
    )


def get_job(jobs, request_code):
    job = jobs.get_or_none(request_code)
    if job is None:
        raise JobNotFound(request_code)
    return job


def receive_samples(jobs, request_code, command, now):
    """Sample intake: each sample gets the laboratory's unique number (SQYP-2026-000001)."""
    job = get_job(jobs, request_code)
    job.ensure_can_receive_samples()  # before numbers are drawn, so none is wasted
    year = china_date(now).year
    samples = [{"sample_number": document_number(SAMPLE_PREFIX, year, jobs.next_sample_sequence(year)), **sample}
               for sample in command["samples"]]
    job.receive_samples(samples, command["operator"], now)
    jobs.save(job)
    return job


def start_job(jobs, request_code, command, now):
    job = get_job(jobs, request_code)
    job.start(command["operator"], now)
    jobs.save(job)
    return job


def record_results(jobs, request_code, command, now):
    job = get_job(jobs, request_code)
    job.record_results(command, command["operator"], now)
    jobs.save(job)
    return job


def review_results(jobs, request_code, command, now):
    job = get_job(jobs, request_code)
    job.review(command["operator"], command["approved"], command.get("comment"), now)
    jobs.save(job)
    return job


def issue_report(jobs, reports, request_code, command, laboratory, now):
    job = get_job(jobs, request_code)
    job.ensure_issuable()
    if job.report_number is None:
        year = china_date(now).year
        job.reserve_report_number(report_number(year, reports.next_sequence(year)))
        jobs.save(job)
    report = reports.get_or_none(job.report_number)
    if report is None:
        report = Report.issue(job.report_number, job, laboratory, command["operator"], now)
        try:
            reports.add(report)
        except AlreadyExists:
            report = reports.get_or_none(job.report_number)
    job.complete(report, command["operator"], now)
    jobs.save(job)
    return job


def get_report(reports, number):
    return find_issued(reports, number, ReportNotFound)


def report_status(reports, report):
    return issued_status(reports, report)


def amend_report(reports, number, command, now):
    """A new version of the current report (§7.8.8); the old one is never rewritten."""
    return supersede(reports, get_report(reports, number),
                     lambda current: current.amend(command["changes"], command["reason"], command["operator"], now))


def withdraw_report(reports, number, command, now):
    return withdraw_issued(reports, get_report(reports, number), command, now)


def verify_report(reports, number):
    report = get_report(reports, number)
    status, superseded_by = report_status(reports, report)
    return {**report.public_view(status, superseded_by), "current_version": reports.latest_version(report).number}
