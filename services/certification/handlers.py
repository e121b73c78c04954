"""Certification's use cases, over its repositories (in-memory in unit tests, Mongo in service).

Every operator step loads one certification, lets the domain decide, and saves it with
its events in one write. ``now`` is passed in, so the clock-driven rules are tested by
choosing the day.
"""


from ..common.clock import china_date
from ..common.idempotency import open_once
from ..common.repository import retry_on_conflict
from ..common.standard_number import normalize_text
from .domain.model import MANAGEMENT_SYSTEM, PRODUCT, Certification
from .domain.verification import Verification
from .exceptions import CertificateNotFound, CertificationNotFound

CERTIFICATE_PREFIX = "SQRZ"


def certificate_number(year, sequence):
    """Certificate numbers are unique per certification body and year: ``SQRZ-2026-000001``."""
    return f"{CERTIFICATE_PREFIX}-{year}-{sequence:06d}"


# -- dispatch ------------------------------------------------------------------------------
def receive_dispatched_request(certifications, verifications, work, now):
    """RZ01/RZ02 open an application; RZ03 is answered from the registry at once.
    The same dispatch twice changes nothing the second time (None)."""
    if work.item in (PRODUCT, MANAGEMENT_SYSTEM):
        return open_once(certifications, Certification.open, work, now)

    def answer(work, moment):
        return Verification.answer_from_registry(work, moment, certifications.by_certificate_number)

    return open_once(verifications, answer, work, now)


# -- the application -------------------------------------------------------------------------
def get_certification(certifications, request_code):
    certification = certifications.get_or_none(request_code)
    if certification is None:
        raise CertificationNotFound(request_code)
    return certification


def review_application(certifications, request_code, command, now):
    return _step(
        certifications,
        request_code,
        lambda c: c.review_application(command["accepted"], command["comments"], now),
    )


def record_stage1(certifications, request_code, command, now):
    return _step(
        certifications,
        request_code,
        lambda c: c.record_stage1(
            _day(command, now), command["ready_for_stage2"], command["findings"], now
        ),
    )


def record_stage2(certifications, request_code, command, now):
    return _step(
        certifications,
        request_code,
        lambda c: c.record_stage2(
            _day(command, now),
            command["recommendation"],
            command["major_nonconformities"],
            command["minor_nonconformities"],
            command["findings"],
            now,
        ),
    )


def record_product_check(certifications, request_code, step, command, now):
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
        ),
    )


def decide(certifications, request_code, command, now, issuer):
    def next_number():
        year = china_date(now).year
        return certificate_number(year, certifications.next_certificate_sequence(year))

    return _step(
        certifications,
        request_code,
        lambda c: c.decide(command["decision"], command["comments"], now, next_number, issuer),
    )


def _step(certifications, request_code, change):
    certification = get_certification(certifications, request_code)
    change(certification)
    certifications.save(certification)
    return certification


# -- the certificate ---------------------------------------------------------------------------
def get_certificate(certifications, number):
    certification = certifications.by_certificate_number(normalize_text(number))
    if certification is None:
        raise CertificateNotFound(number)
    return certification


def record_surveillance(certifications, number, command, now):
    return _certificate_step(
        certifications,
        number,
        lambda c: c.record_surveillance(_day(command, now), command["findings"], now),
    )


def suspend(certifications, number, command, now):
    return _certificate_step(
        certifications, number, lambda c: c.suspend(command["reason"], command["until"], now)
    )


def restore(certifications, number, command, now):
    return _certificate_step(certifications, number, lambda c: c.restore(command["comments"], now))


def withdraw(certifications, number, command, now):
    return _certificate_step(certifications, number, lambda c: c.withdraw(command["reason"], now))


def reduce_scope(certifications, number, command, now):
    return _certificate_step(
        certifications,
        number,
        lambda c: c.reduce_scope(command["scope"], command["sites"], command["reason"], now),
    )


def recertify(certifications, number, command, now):
    return _certificate_step(
        certifications, number, lambda c: c.recertify(_day(command, now), command["comments"], now)
    )


def _certificate_step(certifications, number, change):
    certification = get_certificate(certifications, number)
    change(certification)
    certifications.save(certification)
    return certification


def verify(certifications, number, now):
    """What the public may know of a certificate today; CertificateNotFound if it is not ours."""
    certification = get_certificate(certifications, number)
    return certification.certificate.public_view(china_date(now))


# -- time and the standards watch (system steps: on a concurrent write, simply redo) ---------
def advance_clocks(certifications, now):
    """Let time decide for every certificate that has something due; returns how many changed."""
    changed = 0
    for certification in certifications.due_for_clock(now.timestamp()):
        changed += retry_on_conflict(certifications, certification.request_code, lambda c: _clock_moved(c, now))
    return changed


def _clock_moved(certification, now):
    before = certification.next_check_at
    certification.advance_clock(now)
    return bool(certification.new_events) or certification.next_check_at != before


def flag_standard(certifications, ended, now):
    """A standard was superseded or withdrawn (``ended``, a StandardEnded): flag the open
    applications and the standing certificates that cite it (once each); returns how
    many were flagged."""
    return sum(
        retry_on_conflict(certifications, certification.request_code,
                          lambda found: found.flag_standard(ended.number, ended.status, ended.replaced_by, now))
        for certification in certifications.citing(ended.number)
    )


def _day(command, now):
    """The date a step names, today in China when it names none."""
    return command.get("conducted_on") or china_date(now)
