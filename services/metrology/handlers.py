"""Metrology's use cases: plain functions over repositories (in memory in unit tests).

Every state change is one document write (with the events announcing it). Issuing,
which writes a job and a document per instrument, is done in steps that a retry can
resume: the job first reserves its document numbers, each document is inserted under
its number (a second insert of the same number is recognised), the job completes last.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from marshmallow import ValidationError

from ..common.clock import china_date, start_of_day_epoch
from ..common.commands import Command, ResultsReader, not_after
from ..common.contracts import DispatchedWork
from ..common.documents.issuing import DocumentFile, DocumentFileNotFound, Issuing, document_file
from ..common.domain import RuleViolated
from ..common.idempotency import open_once
from ..common.issued_documents import (
    IssuedDocumentRepository,
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
from ..common.repository import AlreadyExists, VersionConflict, retry_on_conflict
from .adapters.repository import (
    CertificateRepository,
    InstrumentRepository,
    InstrumentTypeRepository,
    JobRepository,
    ReferenceStandardRepository,
    StandardCertificateRepository,
)
from .domain.assessment import REFUSE
from .domain.certificates import Certificate, certificate_number, point_error
from .domain.documents import (
    DEFAULT_COVERAGE_PROBABILITY,
    dcc_content,
    printed,
    printed_standard_certificate,
)
from .domain.instrument_types import InstrumentType
from .domain.instruments import Instrument, instrument_key
from .domain.model import VERIFICATION, Job
from .domain.reference_standards import OUT_OF_TOLERANCE, ReferenceStandard
from .domain.standard_certificates import PREFIX as STANDARD_CERTIFICATE_PREFIX
from .domain.standard_certificates import StandardCertificate, standard_certificate_number

Reader = Callable[[], Command]  # reads a command once the job is known to take it


# -- jobs ---------------------------------------------------------------------------------------
def receive_dispatched_request(jobs: JobRepository, work: DispatchedWork, now: datetime) -> Job | None:
    """Open a job for a dispatched JL request; the same dispatch twice opens one job."""
    return open_once(jobs, Job.open, work, now)


def get_job(jobs: JobRepository, request_code: str) -> Job:
    job: Job = jobs.get(request_code)
    return job


def record_results(jobs: JobRepository, standards: ReferenceStandardRepository, types: InstrumentTypeRepository,
                   request_code: str, read_results: ResultsReader, now: datetime) -> Job:
    """Results per instrument, with the reference standards and method resolved now, so
    the certificate shows the traceability that held when the measurement was made.

    ``read_results(item)`` reads the results with the schema of the job's item: only once
    the job is known to take them, so a wrong state is a 409 before any field is judged."""
    job = get_job(jobs, request_code)
    job.ensure_can_record()
    command = read_results(job.item)
    today = china_date(now)
    resolved, errors = [], {}
    for index, entry in enumerate(command["instruments"]):
        result, problems = _resolve_entry(job.item, entry, standards, types, today)
        resolved.append(result)
        if problems:
            errors[index] = problems
    if errors:
        raise ValidationError({"instruments": errors})
    results = {"environment": command["environment"], "performed_on": today.isoformat(), "instruments": resolved}
    job.record_results(results, command["operator"], now)
    jobs.save(job)
    return job


def issue_documents(jobs: JobRepository, certificates: CertificateRepository, types: InstrumentTypeRepository,
                    request_code: str, command: Command, laboratory: dict[str, Any], now: datetime) -> Job:
    """A certificate (or notice of failure) per instrument; then the job is complete."""
    job = get_job(jobs, request_code)
    job.ensure_issuable()
    operator = command["operator"]
    entries = (job.results or {})["instruments"]
    if not job.document_numbers:
        year = china_date(now).year
        job.reserve_document_numbers([certificate_number(year, certificates.next_sequence(year)) for _ in entries])
        jobs.save(job)
    documents = []
    for number, entry in zip(job.document_numbers, entries, strict=True):
        certificate: Certificate | None = certificates.get_or_none(number)
        if certificate is None:
            certificate = Certificate.issue(number, job, entry, laboratory, _period(job, entry, types), operator, now)
            try:
                certificates.add(certificate)
            except AlreadyExists:  # a concurrent retry issued it meanwhile
                certificate = certificates.get(number)
        documents.append({"number": certificate.number, "kind": certificate.kind,
                          "serial_number": certificate.instrument["serial_number"]})
    job.complete(documents, operator, now)
    jobs.save(job)
    return job


# -- JL03 计量标准考核 (domain/assessment.py) -------------------------------------------------------
def review_standard_documents(jobs: JobRepository, request_code: str, read_command: Reader,
                              now: datetime) -> Job:
    """The written review of the applicant's documents. ``read_command()`` reads the
    command only once the job is known to be an assessment (else 409 first)."""
    job = get_job(jobs, request_code)
    job.ensure_is_assessment()
    command = read_command()
    job.review_documents(command["passed"], command.get("comments"), command["operator"], now)
    jobs.save(job)
    return job


def record_standard_assessment(jobs: JobRepository, request_code: str, read_command: Reader,
                               now: datetime) -> Job:
    """The assessment (考评) by its assessors, with what they found."""
    job = get_job(jobs, request_code)
    job.ensure_is_assessment()
    command = read_command()
    job.record_assessment(date.fromisoformat(command["assessed_on"]), command["assessors"], command["findings"],
                          command["conclusion"], command["operator"], now)
    jobs.save(job)
    return job


def decide_standard_assessment(jobs: JobRepository, standard_certificates: StandardCertificateRepository,
                               request_code: str, read_command: Reader, authority: dict[str, Any],
                               now: datetime) -> Job:
    """The decision (审批) by someone who took no part in the assessment: refused, or
    granted with a 计量标准考核证书. A grant reserves the certificate's number first, so a
    retry resumes with the same number; the job completes last."""
    job = get_job(jobs, request_code)
    job.ensure_is_assessment()
    command = read_command()
    operator = command["operator"]
    if command["decision"] == REFUSE:
        job.refuse(command["comments"], operator, now)
        jobs.save(job)
        return job
    if not job.document_numbers:
        year = china_date(now).year
        job.reserve_certificate_number(standard_certificate_number(year, standard_certificates.next_sequence(year)),
                                       operator)
        jobs.save(job)
    number = job.document_numbers[0]
    certificate: StandardCertificate | None = standard_certificates.get_or_none(number)
    if certificate is None:
        certificate = StandardCertificate.issue(number, job, authority, operator, now)
        try:
            standard_certificates.add(certificate)
        except AlreadyExists:  # a concurrent retry issued it meanwhile
            certificate = standard_certificates.get(number)
    job.grant(certificate.summary(), command.get("comments"), operator, now)
    jobs.save(job)
    return job


# -- issued documents ---------------------------------------------------------------------------
def documents_numbered(certificates: CertificateRepository, standard_certificates: StandardCertificateRepository,
                       number: str) -> IssuedDocumentRepository[Any]:
    """Where a number's document is kept: 计量标准考核证书 (SQBK-…) apart from the
    laboratory's certificates (SQJL-…)."""
    if number.strip().upper().startswith(f"{STANDARD_CERTIFICATE_PREFIX}-"):
        return standard_certificates
    return certificates


def get_document(certificates: CertificateRepository, standard_certificates: StandardCertificateRepository,
                 number: str) -> Standing[Any]:
    """Any certificate metrology issued, any version, and where it stands."""
    documents: IssuedDocumentRepository[Any] = documents_numbered(certificates, standard_certificates, number)
    return find_standing(documents, number)


# A correction is proposed for the current certificate, and issued once a second person
# approves it (four eyes), as a report's amendment is.
propose_correction = propose_new_version


def decide_correction(certificates: CertificateRepository, number: str, proposal_id: str, command: Command,
                      now: datetime) -> tuple[dict[str, Any], Standing[Certificate]]:
    """A second person approves the proposed correction, issuing the new version …-R1
    (§7.8.8; the old one is never rewritten), or refuses it."""
    return decide_new_version(
        certificates, number, proposal_id, command, now,
        lambda current, proposal, approver: current.correct(proposal["changes"], proposal["reason"], approver, now))


# Withdrawn like a report (the current version only), and told where it then stands.
withdraw_certificate = withdraw_issued


def certificate_file(certificates: CertificateRepository, standard_certificates: StandardCertificateRepository,
                     issuing: Issuing, number: str, fmt: str, request_code: str | None,
                     now: datetime) -> DocumentFile:
    """A certificate as a signed PDF (or, for a calibration certificate, its DCC or signed
    DCC): its signed original while it stands, else a copy stamped with where it stands
    today (a 计量标准考核证书 past its validity: expired). With ``request_code``, only a
    certificate issued for that request."""
    standing = get_document(certificates, standard_certificates, number)
    certificate = standing.document
    if request_code is not None and certificate.request_code != request_code:
        raise DocumentFileNotFound(number)
    if isinstance(certificate, StandardCertificate):
        status = certificate.public_view(standing.status, standing.superseded_by, china_date(now))["status"]
        return document_file(issuing, printed_standard_certificate(certificate), status, fmt, now)
    return document_file(issuing, printed(certificate), standing.status, fmt, now,
                         dcc=lambda: dcc_content(certificate))


def verify_certificate(certificates: CertificateRepository, standard_certificates: StandardCertificateRepository,
                       number: str, now: datetime) -> dict[str, Any]:
    """The public answer for a number: genuine or not, current, superseded, withdrawn
    (a 计量标准考核证书 past its validity: expired)."""
    numbered: IssuedDocumentRepository[Any] = documents_numbered(certificates, standard_certificates, number)
    standing = find_standing(numbered, number)
    certificate = standing.document
    view: dict[str, Any] = certificate.public_view(standing.status, standing.superseded_by, china_date(now))
    view["current_version"] = numbered.latest_version(certificate).number
    return view


# -- instrument types and their verification periods -------------------------------------------
def seed_instrument_types(types: InstrumentTypeRepository, catalogue_entries: list[dict[str, Any]]) -> int:
    """Add the types of the shipped catalogue that are not there yet (an administrator's
    period is never overwritten by a restart). Returns how many were added."""
    added = 0
    for entry in catalogue_entries:
        instrument_type = InstrumentType.from_catalogue(entry)
        if types.get_or_none(instrument_type.id) is None:
            try:
                types.add(instrument_type)
                added += 1
            except AlreadyExists:
                pass
    return added


def list_instrument_types(types: InstrumentTypeRepository) -> list[InstrumentType]:
    return types.all_by_id()


def get_instrument_type(types: InstrumentTypeRepository, type_id: str) -> InstrumentType:
    instrument_type: InstrumentType = types.get(type_id)
    return instrument_type


def set_verification_period(types: InstrumentTypeRepository, type_id: str, command: Command,
                            now: datetime) -> InstrumentType:
    instrument_type = get_instrument_type(types, type_id)
    instrument_type.set_period(command["period_months"], command["operator"], command.get("note"), now)
    types.save(instrument_type)
    return instrument_type


# -- reference standards ------------------------------------------------------------------------
def list_reference_standards(standards: ReferenceStandardRepository) -> list[ReferenceStandard]:
    return standards.all_by_id()


def register_reference_standard(standards: ReferenceStandardRepository, command: Command,
                                now: datetime) -> ReferenceStandard:
    refuse_future_days(command, now, "last_good_check_on")
    details = {key: value for key, value in command.items() if key != "operator"}
    standard = ReferenceStandard.register(details, command["operator"], now)
    try:
        standards.add(standard)
    except AlreadyExists as exc:
        raise RuleViolated("reference_standard_exists", {"id": standard.id}) from exc
    return standard


def get_reference_standard(standards: ReferenceStandardRepository, standard_id: str) -> ReferenceStandard:
    standard: ReferenceStandard = standards.get(standard_id)
    return standard


def record_reference_check(standards: ReferenceStandardRepository, certificates: CertificateRepository,
                           standard_id: str, command: Command, now: datetime) -> ReferenceStandard:
    """A check of a standard. Out of tolerance: every certificate issued with it since its
    last good check is listed, and each affected enterprise is told (one event each)."""
    refuse_future_days(command, now, "checked_on")
    standard = get_reference_standard(standards, standard_id)
    affected = []
    if command["result"] == OUT_OF_TOLERANCE:
        affected = [
            certificate for certificate in certificates.issued_since(start_of_day_epoch(standard.last_good_check_on))
            if certificate.uses_reference_standard(standard.id)
            and certificates.successor(certificate.number) is None
            and not certificate.withdrawal
        ]
        affected.sort(key=lambda certificate: certificate.number)
    standard.record_check(command["result"], command["checked_on"], command["operator"], command.get("note"),
                          now, affected)
    standards.save(standard)
    return standard


# -- the instrument file and recall ------------------------------------------------------------
def file_instruments(instruments: InstrumentRepository, envelope: dict[str, Any]) -> int:
    """Keep the instrument file up to date with one of metrology's own events; how many
    instruments it changed."""
    return sum(_file_instrument(instruments, uscc, name, serial, envelope)
               for uscc, name, serial in _instruments_named(envelope))


def send_due_reminders(instruments: InstrumentRepository, now: datetime) -> list[dict[str, Any]]:
    """Raise every reminder that has fallen due; each instrument's reminder once."""
    raised = []
    for instrument in instruments.due_for_recall(now.timestamp()):
        reminder = instrument.raise_due_reminder(now)
        try:
            instruments.save(instrument)
        except VersionConflict:
            continue  # another replica (or an event) changed it; the next tick sees it again
        if reminder:
            raised.append(reminder)
    return raised


def enterprise_instruments(instruments: InstrumentRepository, uscc: str) -> list[Instrument]:
    return instruments.of_enterprise(uscc)


def get_instrument(instruments: InstrumentRepository, uscc: str, serial_number: str) -> Instrument:
    instrument: Instrument = instruments.get(instrument_key(uscc, serial_number))
    return instrument


def _instruments_named(envelope: dict[str, Any]) -> list[tuple[str, str, str]]:
    data = envelope["data"]
    if envelope["type"] == "job_accepted":
        if not data.get("instruments"):
            return []
        return [(data["enterprise"]["uscc"], data["enterprise"]["name"], row["serial_number"])
                for row in data["instruments"]]
    if envelope["type"] == "certificates_affected":
        return [(data["uscc"], data["enterprise_name"], serial)
                for serial in sorted({each["serial_number"] for each in data["certificates"]})]
    if "serial_number" in data and "uscc" in data:
        return [(data["uscc"], data.get("enterprise_name", ""), data["serial_number"])]
    return []


def _file_instrument(instruments: InstrumentRepository, uscc: str, name: str, serial: str,
                     envelope: dict[str, Any]) -> bool:
    """Apply the event to one instrument's entry (made if it is new); False if it was there."""
    return retry_on_conflict(instruments, instrument_key(uscc, serial), lambda instrument: instrument.apply(envelope),
                             create=lambda: Instrument.register(uscc, name, serial))


# -- helpers ------------------------------------------------------------------------------------
def refuse_future_days(command: Command, now: datetime, *names: str) -> None:
    """A check cannot have happened after today (in China): 422 on each such field."""
    today = china_date(now)
    errors: dict[str, list[str]] = {}
    for name in names:
        errors.update(not_after(command.get(name), today, name))
    if errors:
        raise ValidationError(errors)


def _resolve_entry(item: str, entry: dict[str, Any], standards: ReferenceStandardRepository,
                   types: InstrumentTypeRepository, today: date) -> tuple[dict[str, Any], dict[str, list[str]]]:
    result = dict(entry)
    problems: dict[str, list[str]] = {}
    result["reference_standards"] = []
    for standard_id in entry["reference_standards"]:
        standard: ReferenceStandard | None = standards.get_or_none(standard_id)
        reason = "unknown_reference_standard" if standard is None else standard.unusable_reason(today)
        if reason:
            problems.setdefault("reference_standards", []).append(f"{reason}|id={standard_id}")
        elif standard is not None:
            result["reference_standards"].append(standard.snapshot())
    if item == VERIFICATION:
        instrument_type: InstrumentType | None = types.get_or_none(entry["instrument_type"])
        if instrument_type is None:
            problems["instrument_type"] = ["unknown_instrument_type"]
        else:
            result["instrument_type"] = {"id": instrument_type.id, "name": instrument_type.name}
            result["method"] = entry.get("method") or instrument_type.regulation
            if result["method"] is None:
                problems["method"] = ["no_regulation_for_type"]
    else:
        result["points"] = [{**point, "error": point_error(point["nominal"], point["measured"]),
                             "coverage_probability": point.get("coverage_probability")
                             or DEFAULT_COVERAGE_PROBABILITY}
                            for point in entry["points"]]
        recalibration = entry.get("recalibration_date")
        if recalibration is not None and date.fromisoformat(recalibration) <= today:
            problems["recalibration_date"] = [f"date_not_after_calibration|performed_on={today.isoformat()}"]
    return result, problems


def _period(job: Job, entry: dict[str, Any], types: InstrumentTypeRepository) -> tuple[int, str] | None:
    if job.item != VERIFICATION:
        return None
    return get_instrument_type(types, entry["instrument_type"]["id"]).effective_period()
