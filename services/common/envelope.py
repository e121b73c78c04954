"""The one event envelope every service publishes and consumes (DESIGN §2).

An envelope is a plain JSON-able dict::

    {"event_id": "<uuid4>", "type": "request_dispatched", "version": 1,
     "source": "gateway", "occurred_at": "2026-11-26T08:00:00.000000+00:00",
     "request_code": "321322-20261126-00001-7", "route": "metrology",
     "data": {...}, "trace": {"traceparent": "..."}}

It is created by :func:`new_envelope` (which checks what its maker gave by the same
rules), validated by :class:`EnvelopeSchema` before it is published and again when it is
consumed. ``route`` (a domain service name) lets the
broker deliver an event only to the service it concerns: it becomes the second part
of the routing key (see :func:`routing_key`).
"""

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates

from .acting import stamp
from .clock import utc_now
from .contracts.schemas import check_contract
from .tracing import trace_headers

ENVELOPE_VERSION = 1
# Consumers accept the current version and the next one, so a rolling upgrade can
# run old consumers beside new publishers (deploy/README.md).
ACCEPTED_VERSIONS = (ENVELOPE_VERSION, ENVELOPE_VERSION + 1)

EVENT_TYPE = validate.Regexp(r"^[a-z][a-z0-9_]*$", error="event types are snake_case")
SERVICE_NAME = validate.Regexp(r"^[a-z][a-z0-9_]*$", error="service names are snake_case")


Envelope = dict[str, Any]


class AnnouncedEvent(Protocol):
    """What an aggregate announces (``common.domain.DomainEvent``)."""

    type: str
    data: dict[str, Any]
    route: str | None


class InvalidEnvelope(ValueError):
    """A message that is not a valid envelope; retrying it cannot help."""


class EnvelopeSchema(Schema):
    class Meta:
        # A newer publisher may add fields; an older consumer ignores them.
        unknown = INCLUDE

    event_id = fields.String(required=True, validate=validate.Length(equal=36))
    type = fields.String(required=True, validate=EVENT_TYPE)
    version = fields.Integer(required=True, strict=True)
    source = fields.String(required=True, validate=SERVICE_NAME)
    occurred_at = fields.String(required=True)
    request_code = fields.String(required=True, allow_none=True)
    route = fields.String(load_default=None, allow_none=True, validate=SERVICE_NAME)
    data = fields.Dict(keys=fields.String(), required=True)
    trace = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)

    @validates("event_id")
    def _event_id_is_uuid(self, value: str, **kwargs: Any) -> None:
        try:
            uuid.UUID(value)
        except ValueError as exc:
            raise ValidationError("not a UUID") from exc

    @validates("version")
    def _version_is_understood(self, value: int, **kwargs: Any) -> None:
        if value not in ACCEPTED_VERSIONS:
            raise ValidationError(f"version {value} is not one of {ACCEPTED_VERSIONS}")

    @validates("occurred_at")
    def _occurred_at_is_iso(self, value: str, **kwargs: Any) -> None:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError("not an ISO 8601 timestamp") from exc
        if moment.tzinfo is None:
            raise ValidationError("timestamp must carry its UTC offset")


_schema = EnvelopeSchema()


def new_envelope(source: str, event_type: str, data: dict[str, Any], request_code: str | None = None,
                 route: str | None = None, trace: dict[str, str] | None = None,
                 occurred_at: datetime | None = None) -> Envelope:
    """``occurred_at`` is the writer's clock (a repository's: a test's, when it moves time),
    else the services' clock. ``trace`` defaults to the context of the work under way (an HTTP request, a consumed
    event), so the event continues its trace when the relay publishes it later."""
    envelope = {
        "event_id": str(uuid.uuid4()),
        "type": event_type,
        "version": ENVELOPE_VERSION,
        "source": source,
        "occurred_at": (occurred_at or utc_now()).isoformat(),
        "request_code": request_code,
        "route": route,
        "data": data,
        "trace": dict(trace) if trace is not None else trace_headers(),
    }
    return _announceable(envelope)


def _announceable(envelope: Envelope) -> Envelope:
    """The envelope just made, if what its maker gave (source, type, route, code, data,
    trace) is what :class:`EnvelopeSchema` takes; :class:`InvalidEnvelope` otherwise. Its
    id, version and moment are right by construction. The schema itself checks it at the
    edges, before it is published and when it is consumed: here, on the request's path
    of every write that announces something, the same rules without loading it through
    marshmallow (a tenth of intake's work, issue 30), so nothing the relay would refuse
    ever enters an outbox."""
    problems: dict[str, list[str]] = {}
    for name, rule in (("type", EVENT_TYPE), ("source", SERVICE_NAME), ("route", SERVICE_NAME)):
        value = envelope[name]
        if name == "route" and value is None:
            continue
        if not isinstance(value, str):
            problems[name] = ["Not a valid string."]
            continue
        try:
            rule(value)
        except ValidationError as exc:
            problems[name] = list(exc.messages)
    if envelope["request_code"] is not None and not isinstance(envelope["request_code"], str):
        problems["request_code"] = ["Not a valid string."]
    if not isinstance(envelope["data"], dict) or not all(isinstance(key, str) for key in envelope["data"]):
        problems["data"] = ["Not a valid mapping with string keys."]
    if not all(isinstance(key, str) and isinstance(value, str) for key, value in envelope["trace"].items()):
        problems["trace"] = ["Not a valid mapping of strings."]
    if problems:
        raise InvalidEnvelope(str(problems))
    envelope["data"] = dict(envelope["data"])
    return envelope


def validate_envelope(message: Any) -> Envelope:
    """The envelope as loaded by the schema; :class:`InvalidEnvelope` if it is not one."""
    if not isinstance(message, dict):
        raise InvalidEnvelope(f"an envelope is a JSON object, not {type(message).__name__}")
    try:
        loaded: Envelope = _schema.load(message)
        return loaded
    except ValidationError as exc:
        raise InvalidEnvelope(str(exc.messages)) from exc


def routing_key(envelope: Envelope) -> str:
    """``type`` for broadcast events, ``type.route`` for events meant for one service."""
    if envelope.get("route"):
        return f"{envelope['type']}.{envelope['route']}"
    return str(envelope["type"])


def envelopes_for(source: str, request_code: str | None, events: Iterable[AnnouncedEvent],
                  now: datetime) -> list[Envelope]:
    """Envelopes for an aggregate's new domain events (objects with type, data, route),
    written ``now`` and stamped with the person acting, if any (``acting.py``). An event
    that crosses services is checked against its contract before it is announced."""
    return [
        new_envelope(source, event.type, stamp(check_contract(source, event.type, event.data)),
                     request_code=request_code, route=event.route, occurred_at=now)
        for event in events
    ]
