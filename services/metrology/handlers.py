"""Metrology's use cases: plain functions over repositories (in memory in unit tests).

Every state change is one document write (with the events announcing it). Issuing,
which writes a job and a document per instrument, is done in steps that a retry can
resume: the job first reserves its document numbers, each document is inserted under
its number (a second insert of the same number is recognised), the job completes last.
"""

from marshmallow import ValidationError

from ..common.clock import china_date, start_of_day_epoch
from ..common.domain import RuleViolated
from ..common.idempotency import open_once
from ..common.issued_documents import find_issued, issued_status, supersede, withdraw_issued
from ..common.repository import AlreadyExists, VersionConflict
from .domain.certificates import Certificate, certificate_number, point_error
from .domain.instrument_types import InstrumentType
from .domain.instruments import Instrument, instrument_key
from .domain.model import VERIFICATION, Job
from .domain.reference_standards import OUT_OF_TOLERANCE, ReferenceStandard
from .exceptions import (
    CertificateNotFound,
    InstrumentNotFound,
    InstrumentTypeNotFound,
    JobNotFound,
    ReferenceStandardNotFound,
)


# -- jobs ---------------------------------------------------------------------------------------
def receive_dispatched_request(jobs, work, now):
    """Open a job for a dispatched JL request; the same dispatch twice opens one job."""
    return open_once(jobs, Job.open, work, now)


def get_job(jobs, request_code):
    job = jobs.get_or_none(request_code)
    if job is None:
        raise JobNotFound(request_code)
    return job


def start_job(jobs, request_code, command, now):
    job = get_job(jobs, request_code)
    job.start(command["operator"], now)
    jobs.save(job)
    return job


def record_results(jobs, standards, types, request_code, command, now):
    """Results per instrument, with the reference standards and method resolved now, so
    the certificate shows the traceability that held when the measurement was made."""
    job = get_job(jobs, request_code)
    job.ensure_can_record()
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


def review_results(jobs, request_code, command, now):
    job = get_job(jobs, request_code)
    job.review(command["operator"], command["approved"], command.get("comment"), now)
    jobs.save(job)
    return job


def issue_documents(jobs, certificates, types, request_code, command, laboratory, now):
    """A certificate (or notice of failure) per instrument; then the job is complete."""
    job = get_job(jobs, request_code)
    job.ensure_issuable()
    operator = command["operator"]
    if not job.document_numbers:
        year = china_date(now).year
        job.reserve_document_numbers(
            [certificate_number(year, certificates.next_sequence(year)) for _ in job.results["instruments"]]
        )
        jobs.save(job)
    documents = []
    for number, entry in zip(job.document_numbers, job.results["instruments"], strict=True):
        certificate = certificates.get_or_none(number)
        if certificate is None:
            certificate = Certificate.issue(number, job, entry, laboratory, _period(job, entry, types), operator, now)
            try:
                certificates.add(certificate)
            except AlreadyExists:  # a concurrent retry issued it meanwhile
                certificate = certificates.get_or_none(number)
        documents.append({"number": certificate.number, "kind": certificate.kind,
                          "serial_number": certificate.instrument["serial_number"]})
    job.complete(documents, operator, now)
    jobs.save(job)
    return job


# -- issued documents ---------------------------------------------------------------------------
def get_certificate(certificates, number):
    return find_issued(certificates, number, CertificateNotFound)


def certificate_status(certificates, certificate):
    return issued_status(certificates, certificate)


def correct_certificate(certificates, number, command, now):
    """A new version of the current certificate (§7.8.8); the old one is never rewritten."""
    return supersede(certificates, get_certificate(certificates, number),
                     lambda current: current.correct(command["changes"], command["reason"], command["operator"], now))


def withdraw_certificate(certificates, number, command, now):
    return withdraw_issued(certificates, get_certificate(certificates, number), command, now)


def verify_certificate(certificates, number, now):
    """The public answer for a number: genuine or not, current, superseded or withdrawn."""
    certificate = get_certificate(certificates, number)
    status, superseded_by = certificate_status(certificates, certificate)
    view = certificate.public_view(status, superseded_by, china_date(now))
    view["current_version"] = certificates.latest_version(certificate).number
    return view


# -- instrument types and their verification periods -------------------------------------------
def seed_instrument_types(types, catalogue_entries):
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


def get_instrument_type(types, type_id):
    instrument_type = types.get_or_none(type_id)
    if instrument_type is None:
        raise InstrumentTypeNotFound(type_id)
    return instrument_type


def set_verification_period(types, type_id, command, now):
    instrument_type = get_instrument_type(types, type_id)
    instrument_type.set_period(command["period_months"], command["operator"], command.get("note"), now)
    types.save(instrument_type)
    return instrument_type


# -- reference standards ------------------------------------------------------------------------
def register_reference_standard(standards, command, now):
    details = {key: value for key, value in command.items() if key != "operator"}
    standard = ReferenceStandard.register(details, command["operator"], now)
    try:
        standards.add(standard)
    except AlreadyExists as exc:
        raise RuleViolated("reference_standard_exists", {"id": standard.id}) from exc
    return standard


def get_reference_standard(standards, standard_id):
    standard = standards.get_or_none(standard_id)
    if standard is None:
        raise ReferenceStandardNotFound(standard_id)
    return standard


def record_reference_check(standards, certificates, standard_id, command, now):
    """A check of a standard. Out of tolerance: every certificate issued with it since its
    last good check is listed, and each affected enterprise is told (one event each)."""
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
def file_instruments(instruments, envelope):
    """Keep the instrument file up to date with one of metrology's own events."""
    changed = 0
    for uscc, name, serial in _instruments_named(envelope):
        changed += _apply_to_instrument(instruments, uscc, name, serial, envelope)
    return changed


def send_due_reminders(instruments, now):
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


def enterprise_instruments(instruments, uscc):
    return instruments.of_enterprise(uscc)


def get_instrument(instruments, uscc, serial_number):
    instrument = instruments.get_or_none(instrument_key(uscc, serial_number))
    if instrument is None:
        raise InstrumentNotFound(serial_number)
    return instrument


def _instruments_named(envelope):
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


def _apply_to_instrument(instruments, uscc, name, serial, envelope, attempts=5):
    for _ in range(attempts):
        instrument = instruments.get_or_none(instrument_key(uscc, serial))
        is_new = instrument is None
        if is_new:
            instrument = Instrument.register(uscc, name, serial)
        if not instrument.apply(envelope):
            return 0
        try:
            instruments.add(instrument) if is_new else instruments.save(instrument)
            return 1
        except (AlreadyExists, VersionConflict):
            continue
    raise VersionConflict(instrument_key(uscc, serial))


# -- helpers ------------------------------------------------------------------------------------
def _resolve_entry(item, entry, standards, types, today):
    result, problems = dict(entry), {}
    result["reference_standards"] = []
    for standard_id in entry["reference_standards"]:
        standard = standards.get_or_none(standard_id)
        reason = "unknown_reference_standard" if standard is None else standard.unusable_reason(today)
        if reason:
            problems.setdefault("reference_standards", []).append(f"{reason}|id={standard_id}")
        else:
            result["reference_standards"].append(standard.snapshot())
    if item == VERIFICATION:
        instrument_type = types.get_or_none(entry["instrument_type"])
        if instrument_type is None:
            problems["instrument_type"] = ["unknown_instrument_type"]
        else:
            result["instrument_type"] = {"id": instrument_type.id, "name": instrument_type.name}
            result["method"] = entry.get("method") or instrument_type.regulation
            if result["method"] is None:
                problems["method"] = ["no_regulation_for_type"]
    else:
        result["points"] = [{**point, "error": point_error(point["nominal"], point["measured"])}
                            for point in entry["points"]]
    return result, problems


def _period(job, entry, types):
    if job.item != VERIFICATION:
        return None
    return get_instrument_type(types, entry["instrument_type"]["id"]).effective_period()
