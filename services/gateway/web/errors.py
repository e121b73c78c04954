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
import math

from marshmallow import ValidationError
from nameko.exceptions import RemoteError, UnknownService, deserialize_to_instance
from werkzeug.exceptions import NotFound as WerkzeugNotFound
from werkzeug.wrappers import Response

from ...common.domain import InvalidTransition, RuleViolated
from ..adapters.probes import STORE_DOWN
from ..domain.access import Forbidden
from ..domain.account import InvalidAccount
from ..domain.files import AttachmentUnavailable, FileRefused
from ..domain.idempotency import (
    MAX_KEY_LENGTH,
    BadIdempotencyKey,
    IdempotencyKeyExpired,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
)
from ..domain.model import InvalidRating, MissingReason
from ..domain.request_code import MalformedCode, WrongCheckCharacter
from ..domain.throttle import TooManyRequests
from ..exceptions import (
    DocumentNotFound,
    EnterpriseAccountNotFound,
    EnterpriseNotFound,
    FileNotFound,
    InstrumentNotFound,
    RequestNotFound,
    ServiceUnavailable,
    StaleAccount,
    StaleRequest,
    StoreUnavailable,
)
from ..handlers.accounts import AccountNotVerified, SessionExpired
from ..handlers.enterprise_accounts import AccountExists
from ..handlers.operators import UnknownStep
from ..handlers.station import UnknownStation
from . import replays
from .auth import Unauthenticated
from .messages import MESSAGES, localize, message, negotiate_language

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


class ApiError(Exception):
    def __init__(self, status, code, fields=None, extra=None, message_key=None, **params):
        super().__init__(code)
        self.status = status
        self.code = code
        self.fields = fields or {}
        self.extra = extra or {}  # more of the answer, e.g. the current state on a conflict
        self.message_key = message_key or code  # the words, when one code has several
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


# A file the platform does not take: too large, not an allowed type (or named as another); else empty.
FILE_REFUSALS = {"file_too_large": 413, "file_type_not_allowed": 415, "file_type_mismatch": 415}


def refused_file(refused):
    """The message names the file; ``file`` says which of the files posted it was."""
    return ApiError(FILE_REFUSALS.get(refused.code, 422), refused.code, **refused.params,
                    extra={"file": {"index": refused.params.get("index", 0), "name": refused.params.get("name")}})


def service_unavailable(service):
    return ApiError(503, "service_unavailable", service=service)


def store_unavailable(service=None):
    """503 naming the store that does not answer: a domain service's database, or (no
    ``service``) the gateway's own, which the message calls the platform's."""
    if service is None:
        return ApiError(503, "store_unavailable", message_key="platform_store_unavailable")
    return ApiError(503, "store_unavailable", service=service)


IDEMPOTENCY_REFUSALS = (BadIdempotencyKey, IdempotencyKeyReused, IdempotencyKeyExpired, IdempotencyKeyInUse)


def idempotency_refusal(exc):
    """An ``Idempotency-Key`` that is no key (400), means another request (422), has
    outlived its day (422) or whose first request is still being answered (409)."""
    if isinstance(exc, BadIdempotencyKey):
        return ApiError(400, "bad_idempotency_key", max=MAX_KEY_LENGTH)
    if isinstance(exc, IdempotencyKeyInUse):
        return ApiError(409, "idempotency_key_in_use")
    code = "idempotency_key_expired" if isinstance(exc, IdempotencyKeyExpired) else "idempotency_key_reused"
    return ApiError(422, code, fields={"Idempotency-Key": [code]})


# exception class → (HTTP status, error code)
MAPPED_ERRORS = {
    MalformedCode: (400, "malformed_code"),
    WrongCheckCharacter: (400, "wrong_check_character"),
    RequestNotFound: (404, "request_not_found"),
    DocumentNotFound: (404, "document_not_found"),
    FileNotFound: (404, "file_not_found"),
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
    "CommandAlreadyApplied": (409, "command_already_applied"),  # a command sent again (common/applied_commands.py)
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


def error_message(error, lang):
    """An error in words, in its reader's language."""
    params = {key: _param(key, value, lang) for key, value in error.params.items()}
    return message(error.message_key, lang, **params)


def error_response(error, lang):
    body = {
        "error": error.code,
        "message": error_message(error, lang),
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
    if isinstance(exc, StoreUnavailable):
        return store_unavailable(exc.service)
    if isinstance(exc, ServiceUnavailable):
        return service_unavailable(exc.service)
    if isinstance(exc, MissingReason):
        return ApiError(422, "validation_failed", fields={"reason": ["required"]})
    if isinstance(exc, RuleViolated):
        return ApiError(409, exc.code, **exc.params)
    if isinstance(exc, FileRefused):
        return refused_file(exc)
    if isinstance(exc, AttachmentUnavailable):  # a reference to an upload, as the field error of its place
        return ApiError(422, "validation_failed", fields={"attachments": {str(exc.index): [exc.reason]}})
    if isinstance(exc, TooManyRequests):
        return ApiError(429, exc.code, retry_after=exc.retry_after)
    if isinstance(exc, IDEMPOTENCY_REFUSALS):
        return idempotency_refusal(exc)
    for cls, (status, code) in MAPPED_ERRORS.items():
        if isinstance(exc, cls):
            return ApiError(status, code)
    if isinstance(exc, UnknownService):
        return service_unavailable(str(exc.args[0]))
    if isinstance(exc, STORE_DOWN):
        log.warning("the store is not answering: %s", exc)
        return store_unavailable()
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
    """Wrap an ``@http`` handler: dict results become JSON, exceptions mapped errors; a
    POST with an ``Idempotency-Key`` is answered once per key (replays.py)."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        def respond():
            return _answer(handler, self, request, *args, **kwargs)

        if not replays.replayable(wrapper, request):
            return respond()
        try:
            return replays.answered_once(self.gateway, request, read_body(request), respond)
        except Exception as exc:  # noqa: BLE001 - the key's own refusals, mapped here too
            return _error_answer(handler, request, exc)

    return wrapper


def _answer(handler, service, request, *args, **kwargs):
    try:
        result = handler(service, request, *args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - this is the one place errors are mapped
        return _error_answer(handler, request, exc)
    if isinstance(result, Response):
        return result
    status, payload = result if isinstance(result, tuple) else (200, result)
    return json_response(status, payload)


def _error_answer(handler, request, exc):
    error = as_api_error(exc)
    if error is None:
        log.exception("unexpected error in %s", handler.__name__)
        error = ApiError(500, "internal_error")
    else:
        log_refusal(request, error)
    return error_response(error, request_language(request))


def read_json_object(request):
    """The request body as a dict: 413 over the limit, 400 if not a JSON object or
    nested deeper than ``MAX_JSON_DEPTH``, 422 naming each text that is no text (a lone
    surrogate) and each number that is not finite (``NaN``, ``1e999``)."""
    raw = read_body(request)
    try:
        body = json.loads(raw.decode("utf-8"))
    except RecursionError as exc:  # deeper than the parser itself goes
        raise ApiError(400, "too_deeply_nested", depth=MAX_JSON_DEPTH) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, "malformed_json") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "not_an_object")
    problems = plain_json_problems(body)
    if problems:
        raise ValidationError(problems)
    return body


def read_body(request):
    """The raw request body, read once (later calls get the same bytes): 413 over the limit."""
    cached = request.environ.get(_BODY_KEY)
    if cached is not None:
        return cached
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", limit=MAX_BODY_BYTES)
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", limit=MAX_BODY_BYTES)
    request.environ[_BODY_KEY] = raw
    return raw


_BODY_KEY = "qi.body"
# Deeper than any body the API takes (a multi-item form's details are five levels): a
# deeper one is refused before anything walks it (RecursionError in the schemas, the
# encoder, the store).
MAX_JSON_DEPTH = 20


def plain_json_problems(body):
    """Field errors (marshmallow's shape) for every string that is not valid text (a
    lone surrogate, which no encoder can write) and every number that is not finite;
    ApiError 400 if the body nests deeper than ``MAX_JSON_DEPTH``. Iterative, so depth
    cannot exhaust the stack here either."""
    problems = {}
    pending = [(body, (), 1)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise ApiError(400, "too_deeply_nested", depth=MAX_JSON_DEPTH)
        if isinstance(value, dict):
            for key, item in value.items():
                name = _printable(key)
                if name != key:
                    _note(problems, (*path, name), "invalid_text")
                pending.append((item, (*path, name), depth + 1))
        elif isinstance(value, list):
            pending.extend((item, (*path, index), depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str) and _printable(value) != value:
            _note(problems, path, "invalid_text")
        elif isinstance(value, float) and not math.isfinite(value):
            _note(problems, path, "not_finite")
    return problems


def _printable(text):
    """``text`` itself, or with each lone surrogate written as an escape."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _note(problems, path, key):
    node = problems
    for part in path[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            return  # the field has a message already
    node.setdefault(path[-1] if path else "_schema", []).append(key)
