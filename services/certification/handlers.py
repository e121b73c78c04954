"""Certification's use cases, over its repositories (in-memory in unit tests, Mongo in service).

Every operator step loads one certification, lets the domain decide, and saves it with
its events in one write. ``now`` is passed in, so the clock-driven rules are tested by
choosing the day.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ..common.clock import china_date
from ..common.commands import Command, decline_work
from ..common.contracts import DispatchedWork, StandardEnded, TerminatedWork
from ..common.documents.issuing import DocumentFile, DocumentFileNotFound, Issuing, document_file
from ..common.idempotency import cancel_once, open_once
from ..common.repository import retry_on_conflict
from ..common.standard_number import normalize_text
from .adapters.repository import CertificationRepository, VerificationRepository
from .domain import documents
from .domain.model import MANAGEMENT_SYSTEM, PRODUCT, Certification
from .domain.verification import Verification
from .exceptions import CertificateNotFound

CERTIFICATE_PREFIX = "SQRZ"


def certificate_number(year: int, sequence: int) -> str:
    """Certificate numbers are unique per certification body and year: ``SQRZ-2026-000001``."""
    return f"{CERTIFICATE_PREFIX}-{year}-{sequence:06d}"


# -- dispatch ------------------------------------------------------------------------------
def receive_dispatched_request(
    certifications: CertificationRepository,
    verifications: VerificationRepository,
    work: DispatchedWork,
    now: datetime,
) -> Certification | Verification | None:
    """RZ01/RZ02 open an application; RZ03 is answered from the registry at once.
    The same dispatch twice changes nothing the second time (None)."""
    if work.item in (PRODUCT, MANAGEMENT_SYSTEM):
        applied: Certification | None = open_once(
            certifications, Certification.open, work, now
        )
        return applied

    def answer(work: DispatchedWork, moment: datetime) -> Verification:
        return Verification.answer_from_registry(work, moment, certifications.by_certificate_number)

    answered: Verification | None = open_once(
        verifications, answer, work, now
    )
    return answered


def stop_terminated_work(certifications: CertificationRepository, work: TerminatedWork, now: datetime) -> bool:
    """The station ended the request after dispatch: stop the application unless it is
    decided (``domain.Cancellable``); once per termination. An RZ03 verification is
    answered the moment it arrives: there is nothing left to stop."""
    if work.item not in (PRODUCT, MANAGEMENT_SYSTEM):
        return False
    return cancel_once(certifications, work, now)


def decline_job(
    certifications: CertificationRepository, request_code: str, command: Command, now: datetime
) -> dict[str, Any]:
    """Decline dispatched work before starting on it: it goes back to the station."""
    return decline_work(certifications, request_code, command, now)


# -- the application -------------------------------------------------------------------------
def get_certification(certifications: CertificationRepository, request_code: str) -> Certification:
    certification: Certification = certifications.get(request_code)
    return certification


CertificationStep = Callable[[CertificationRepository, str, Command, datetime], Certification]
DomainStep = Callable[[Certification, Command, datetime], None]


def _steps_on(find: Callable[[CertificationRepository, str], Certification]) -> Callable[[DomainStep], CertificationStep]:
    """Use cases that each take one step on the certification ``find`` loads (by request
    code, or by certificate number once granted): the domain takes the step with what
    the command says, and the certification is saved with its events in one write."""

    def use_case(step: DomainStep) -> CertificationStep:
        def take(certifications: CertificationRepository, key: str, command: Command, now: datetime) -> Certification:
            return _changed(certifications, find(certifications, key), lambda found: step(found, command, now))
        return take
    return use_case


_on_application = _steps_on(get_certification)
review_application = _on_application(lambda c, command, now: c.review_application(
    command["accepted"], command["comments"], now, command["operator"]))
record_stage1 = _on_application(lambda c, command, now: c.record_stage1(
    _day(command, now), command["ready_for_stage2"], command["findings"], now, command["operator"],
    command.get("auditors")))
record_stage2 = _on_application(lambda c, command, now: c.record_stage2(
    _day(command, now), command["recommendation"], command["major_nonconformities"],
    command["minor_nonconformities"], command["findings"], now, command["operator"], command.get("auditors")))


def record_product_check(
    certifications: CertificationRepository,
    request_code: str,
    step: str,
    command: Command,
    now: datetime,
) -> Certification:
    return _step(
        certifications,
        request_code,
        lambda c: c.record_product_check(
            step,
            _day(command, now),
            command["result"],
            command["reference"],
            command["findings"],
            now,
            command["operator"],
            command.get("auditors"),
        ),
    )


def decide(
    certifications: CertificationRepository,
    request_code: str,
    command: Command,
    now: datetime,
    issuer: str,
) -> Certification:
    """Grant or refuse, by someone who took no part in reviewing or auditing the
    application; a grant draws the next certificate number and names ``issuer`` (the
    certification body) on the certificate."""

    def next_number() -> str:
        year = china_date(now).year
        return certificate_number(year, certifications.next_certificate_sequence(year))

    return _step(
        certifications,
        request_code,
        lambda c: c.decide(command["decision"], command["comments"], now, next_number, issuer, command["operator"]),
    )


def _step(certifications: CertificationRepository, request_code: str,
          change: Callable[[Certification], None]) -> Certification:
    return _changed(certifications, get_certification(certifications, request_code), change)


# -- the certificate ---------------------------------------------------------------------------
def get_certificate(certifications: CertificationRepository, number: str) -> Certification:
    certification = certifications.by_certificate_number(normalize_text(number))
    if certification is None:
        raise CertificateNotFound(number)
    return certification


_on_certificate = _steps_on(get_certificate)
record_surveillance = _on_certificate(lambda c, command, now: c.record_surveillance(
    _day(command, now), command["findings"], now))
suspend = _on_certificate(lambda c, command, now: c.suspend(command["reason"], command["until"], now))
restore = _on_certificate(lambda c, command, now: c.restore(command["comments"], now))
withdraw = _on_certificate(lambda c, command, now: c.withdraw(command["reason"], now))
reduce_scope = _on_certificate(lambda c, command, now: c.reduce_scope(
    command["scope"], command["sites"], command["reason"], now))
recertify = _on_certificate(lambda c, command, now: c.recertify(_day(command, now), command["comments"], now))


def _changed(certifications: CertificationRepository, certification: Certification,
             change: Callable[[Certification], None]) -> Certification:
    """The domain changes the certification; it is saved with its events in one write."""
    change(certification)
    certifications.save(certification)
    return certification


def certificate_file(certifications: CertificationRepository, issuing: Issuing, body: dict[str, Any], number: str,
                     fmt: str, request_code: str | None, now: datetime) -> DocumentFile:
    """The certificate as a signed PDF: the signed original of its current edition while
    it is valid, else a copy stamped with where it stands today (suspended, withdrawn,
    expired). With ``request_code``, only the certificate granted on that request."""
    certification = get_certificate(certifications, number)
    certificate = certification.certificate
    if certificate is None or (request_code is not None and certification.request_code != request_code):
        raise DocumentFileNotFound(number)
    return document_file(issuing, documents.printed(certification, body), certificate.status_on(china_date(now)),
                         fmt, now)


def verify(certifications: CertificationRepository, number: str, now: datetime) -> dict[str, Any]:
    """What the public may know of a certificate today; CertificateNotFound if it is not ours."""
    certificate = get_certificate(certifications, number).certificate
    if certificate is None:  # the number is a granted certificate's: it has one
        raise CertificateNotFound(number)
    return certificate.public_view(china_date(now))


# -- time and the standards watch (system steps: on a concurrent write, simply redo) ---------
def advance_clocks(certifications: CertificationRepository, now: datetime) -> int:
    """Let time decide for every certificate that has something due; returns how many changed."""
    changed = 0
    for certification in certifications.due_for_clock(now.timestamp()):
        changed += retry_on_conflict(certifications, certification.request_code, lambda c: _clock_moved(c, now))
    return changed


def _clock_moved(certification: Certification, now: datetime) -> bool:
    before = certification.next_check_at
    certification.advance_clock(now)
    return bool(certification.new_events) or certification.next_check_at != before


def flag_standard(
    certifications: CertificationRepository, ended: StandardEnded, now: datetime
) -> int:
    """A standard was superseded or withdrawn (``ended``, a StandardEnded): flag the open
    applications and the standing certificates that cite it (once each); returns how
    many were flagged."""
    return sum(
        retry_on_conflict(certifications, certification.request_code,
                          lambda found: found.flag_standard(ended.number, ended.status, ended.replaced_by, now))
        for certification in certifications.citing(ended.number)
    )


def _day(command: Command, now: datetime) -> date:
    """The date a step names, today in China when it names none."""
    day: date = command.get("conducted_on") or china_date(now)
    return day

