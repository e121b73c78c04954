"""HTTP errors of the gateway, mapped in one place.

Every JSON endpoint is wrapped by :func:`json_endpoint`; whatever it raises becomes
``{"error": CODE, "message": ..., "fields": {...}}`` in the user's language, with the
status below. Errors raised inside a domain service come back over RPC as nameko
``RemoteError`` carrying the exception's class name; ``REMOTE_ERRORS`` maps those.
Anything unexpected is logged and answered 500 without internals.
"""

import functools
import json
import logging

from marshmallow import ValidationError
from nameko.exceptions import RemoteError, UnknownService, deserialize_to_instance
from werkzeug.exceptions import NotFound as WerkzeugNotFound
from werkzeug.wrappers import Response

from ...common.domain import InvalidTransition, RuleViolated
from ..adapters.probes import STORE_DOWN
from ..domain.access import Forbidden
from ..domain.account import InvalidAccount
from ..domain.model import InvalidRating, MissingReason
from ..domain.request_code import MalformedCode, WrongCheckCharacter
from ..domain.throttle import TooManyRequests
from ..exceptions import (
    DocumentNotFound,
    EnterpriseAccountNotFound,
    EnterpriseNotFound,
    InstrumentNotFound,
    RequestNotFound,
    ServiceUnavailable,
    StaleAccount,
    StaleRequest,
)
from ..handlers.accounts import AccountNotVerified, SessionExpired
from ..handlers.enterprise_accounts import AccountExists
from ..handlers.operators import UnknownStep
from ..handlers.station import UnknownStation
from .auth import Unauthenticated
from .messages import MESSAGES, localize, message, negotiate_language

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


class ApiError(Exception):
    def __init__(self, status, code, fields=None, extra=None, **params):
        super().__init__(code)
        self.status = status
        self.code = code
        self.fields = fields or {}
        self.extra = extra or {}  # more of the answer, e.g. the current state on a conflict
        self.params = params


class Unauthorized(ApiError):
    def __init__(self):
        super().__init__(401, "unauthorized")


def stale_request_error(exc):
    """409 with the request as it is now, so the person sees what changed."""
    current = exc.current
    last = current.timeline[-1] if current.timeline else {}
    return ApiError(409, "stale_request", current=current.status, extra={"current": {
        "code": current.code, "status": current.status, "version": current.version, "station": current.station,
        "last_change": {key: last.get(key) for key in ("at", "event", "from", "status", "actor", "reason")},
    }})


def service_unavailable(service):
    return ApiError(503, "service_unavailable", service=service)


# exception class → (HTTP status, error code)
MAPPED_ERRORS = {
    MalformedCode: (400, "malformed_code"),
    WrongCheckCharacter: (400, "wrong_check_character"),
    RequestNotFound: (404, "request_not_found"),
    DocumentNotFound: (404, "document_not_found"),
    UnknownStep: (404, "not_found"),
    WerkzeugNotFound: (404, "not_found"),
    InvalidTransition: (409, "invalid_transition"),
    EnterpriseNotFound: (404, "enterprise_not_found"),
    InstrumentNotFound: (404, "instrument_not_found"),
    EnterpriseAccountNotFound: (404, "enterprise_account_not_found"),
    InvalidRating: (422, "validation_failed"),
    AccountExists: (409, "account_exists"),
    AccountNotVerified: (403, "account_not_verified"),
    StaleAccount: (409, "concurrent_change"),
}

# exception class name raised in a domain service → (HTTP status, error code)
REMOTE_ERRORS = {
    "JobNotFound": (404, "job_not_found"),
    "NotFound": (404, "job_not_found"),
    "InvalidTransition": (409, "invalid_transition"),
    "ValidationError": (422, "validation_failed"),
    "CertificateNotFound": (404, "document_not_found"),
    "ReportNotFound": (404, "document_not_found"),
    "ProposalNotFound": (404, "proposal_not_found"),
    "InstrumentTypeNotFound": (404, "instrument_type_not_found"),
    "ReferenceStandardNotFound": (404, "reference_standard_not_found"),
    "InstrumentNotFound": (404, "instrument_not_found"),
    "VersionConflict": (409, "concurrent_change"),
    # certification
    "CertificationNotFound": (404, "job_not_found"),
    "AuditIncomplete": (409, "audit_incomplete"),
    "GrantNotSupported": (409, "grant_not_supported"),
    "RecertificationNotDue": (409, "recertification_not_due"),
    "SurveillanceOutstanding": (409, "surveillance_outstanding"),
    "NoSurveillancePlanned": (409, "no_surveillance_planned"),
    "DateOutOfRange": (422, "date_out_of_range"),
    "ScopeNotReduced": (422, "scope_not_reduced"),
    # standards
    "CaseNotFound": (404, "job_not_found"),
    "StandardNotFound": (404, "standard_not_found"),
    "StandardExists": (409, "standard_exists"),
    "UnknownReplacement": (422, "unknown_replacement"),
    "FlaggedReferences": (409, "flagged_references"),
}

# Domain errors that carry what the user must read (field errors, the current state, the
# rule refused) come back over RPC as themselves rather than as a bare RemoteError.
for _carries_detail in (ValidationError, InvalidTransition, RuleViolated):
    deserialize_to_instance(_carries_detail)


def json_response(status, payload, headers=None):
    return Response(
        json.dumps(payload, ensure_ascii=False),
        status=status,
        mimetype="application/json",
        headers=headers,
    )


def state_label(value, lang):
    """A state named in a message, as its reader calls it ("已受理", not "accepted"):
    a request's status, or the state of a service's work; never the internal name."""
    for key in (f"status.{value}", f"state.{value}"):
        if key in MESSAGES:
            return message(key, lang)
    return message("state.unknown", lang)


def _param(key, value, lang):
    """A refusal's detail as its reader reads it: a state in words, a part someone took
    (``role.assessor``) in their language."""
    if key == "current":
        return state_label(value, lang)
    if key == "role" and isinstance(value, str) and value in MESSAGES:
        return message(value, lang)
    return value


def error_response(error, lang):
    params = {key: _param(key, value, lang) for key, value in error.params.items()}
    body = {
        "error": error.code,
        "message": message(error.code, lang, **params),
        "fields": localize(error.fields, lang),
        **error.extra,
    }
    headers = {"WWW-Authenticate": 'Bearer realm="qi"'} if error.status == 401 else None
    if error.status == 429:
        headers = {"Retry-After": str(error.params["retry_after"])}
    return json_response(error.status, body, headers)


def request_language(request):
    return negotiate_language(request.args.get("lang"), request.headers.get("Accept-Language"))


def as_api_error(exc):
    """The ApiError an exception stands for, or None if it is a bug."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ValidationError):
        return ApiError(422, "validation_failed", fields=exc.messages)
    if isinstance(exc, InvalidTransition):
        return ApiError(409, "invalid_transition", current=exc.current)
    if isinstance(exc, Unauthenticated | SessionExpired):
        return ApiError(401, "unauthorized")
    if isinstance(exc, Forbidden):
        return ApiError(403, "forbidden")
    if isinstance(exc, StaleRequest):
        return stale_request_error(exc)
    if isinstance(exc, UnknownStation | InvalidAccount):
        return ApiError(422, "validation_failed", fields={exc.field: [exc.reason]})
    if isinstance(exc, ServiceUnavailable):
        return service_unavailable(exc.service)
    if isinstance(exc, MissingReason):
        return ApiError(422, "validation_failed", fields={"reason": ["required"]})
    if isinstance(exc, RuleViolated):
        return ApiError(409, exc.code, **exc.params)
    if isinstance(exc, TooManyRequests):
        return ApiError(429, exc.code, retry_after=exc.retry_after)
    for cls, (status, code) in MAPPED_ERRORS.items():
        if isinstance(exc, cls):
            return ApiError(status, code)
    if isinstance(exc, UnknownService):
        return service_unavailable(str(exc.args[0]))
    if isinstance(exc, STORE_DOWN):
        log.warning("the store is not answering: %s", exc)
        return service_unavailable("gateway")
    if isinstance(exc, RemoteError) and exc.exc_type in REMOTE_ERRORS:
        status, code = REMOTE_ERRORS[exc.exc_type]
        return ApiError(status, code)
    return None


def log_refusal(request, error):
    """One line, no traceback: a 4xx is the caller's mistake, answered as designed; a
    mapped 5xx (a service or the store not answering) is worth a WARNING."""
    level = logging.INFO if error.status < 500 else logging.WARNING
    log.log(level, "%s %s answered %d %s", request.method, request.path, error.status, error.code)


def json_endpoint(handler):
    """Wrap an ``@http`` handler: dict results become JSON, exceptions mapped errors."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        lang = request_language(request)
        try:
            result = handler(self, request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - this is the one place errors are mapped
            error = as_api_error(exc)
            if error is None:
                log.exception("unexpected error in %s", handler.__name__)
                error = ApiError(500, "internal_error")
            else:
                log_refusal(request, error)
            return error_response(error, lang)
        if isinstance(result, Response):
            return result
        status, payload = result if isinstance(result, tuple) else (200, result)
        return json_response(status, payload)

    return wrapper


def read_json_object(request):
    """The request body as a dict: 413 over the limit, 400 if not a JSON object."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", limit=MAX_BODY_BYTES)
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", limit=MAX_BODY_BYTES)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, "malformed_json") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "not_an_object")
    return body
