"""Schemas for the commands a domain service takes over RPC.

Unknown fields are refused and every error is a message key of ``gateway/web/messages.py``
(``"too_long|max=100"``: a key, then parameters), so the gateway can show a refusal field
by field in the reader's language: it rebuilds the ``ValidationError`` that crossed RPC
(``gateway/web/errors.py``). Values are loaded into what a document store keeps as is:
measurements as decimal text (no binary rounding of a reading), dates as ISO text.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from .repository import AggregateRepository

FIELD_ERRORS = {"required": "required", "null": "null"}
Command = dict[str, Any]  # what a service's schema loaded from an RPC payload
ResultsReader = Callable[[str], Command]  # the results as the schema of a job's item reads them


class CommandSchema(Schema):
    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "unknown_field", "type": "not_object"}


class Text(fields.String):
    """Text with surrounding whitespace removed; blank text is refused."""

    default_error_messages = {**FIELD_ERRORS, "invalid": "not_text", "invalid_utf8": "not_text", "blank": "blank"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        stripped = super()._deserialize(value, attr, data, **kwargs).strip()
        if not stripped:
            raise self.make_error("blank")
        return stripped


class DecimalText(fields.Field[str]):
    """A number written as JSON number or text, kept as normalised decimal text."""

    MAX_LENGTH = 40  # digits enough for any reading; a megabyte of them is not one
    default_error_messages = {**FIELD_ERRORS, "invalid": "not_a_number", "too_long": f"too_long|max={MAX_LENGTH}"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.make_error("invalid")
        if len(str(value)) > self.MAX_LENGTH:
            raise self.make_error("too_long")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise self.make_error("invalid") from exc
        if not number.is_finite():
            raise self.make_error("invalid")
        return str(number)


class Day(fields.Date):
    """A calendar date, ``YYYY-MM-DD``, kept as that text."""

    default_error_messages = {**FIELD_ERRORS, "invalid": "not_a_date", "format": "not_a_date"}

    # ISO text where marshmallow's Date gives a date: a document store keeps text as is.
    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str:
        return super()._deserialize(value, attr, data, **kwargs).isoformat()


def text(max_length: int, required: bool = True, choices: Sequence[str] | None = None) -> Text:
    validators: list[validate.Validator] = [
        validate.Length(max=max_length, error="too_long|max={max}")
    ]
    if choices is not None:
        listed = ", ".join(choices)
        validators.append(validate.OneOf(choices, error=f"not_an_option|choices={listed}"))
    return Text(required=required, allow_none=not required, validate=validators)


def integer(minimum: int, maximum: int, required: bool = True) -> fields.Integer:
    return fields.Integer(
        required=required,
        allow_none=not required,
        strict=True,
        validate=validate.Range(min=minimum, max=maximum, error="range|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_integer", "too_large": "not_integer"},
    )


def number(
    required: bool = True, minimum: float | None = None, maximum: float | None = None
) -> DecimalText:
    validators: list[Callable[[str], None]] = []
    if minimum is not None or maximum is not None:
        validators.append(_decimal_range(minimum, maximum))
    return DecimalText(required=required, allow_none=not required, validate=validators)


def boolean(required: bool = False, default: bool = False) -> fields.Boolean:
    optional: dict[str, Any] = {} if required else {"load_default": default}
    return fields.Boolean(
        required=required, error_messages={**FIELD_ERRORS, "invalid": "not_boolean"}, **optional
    )


def day(required: bool = True) -> Day:
    return Day(required=required, allow_none=not required)


def nested(schema: type[Schema], required: bool = True) -> fields.Nested:
    return fields.Nested(
        schema, required=required, allow_none=not required,
        error_messages={**FIELD_ERRORS, "type": "not_object"},
    )


def nested_list(
    schema: type[Schema], min_items: int, max_items: int, required: bool = True
) -> fields.List[dict[str, Any]]:
    return fields.List(
        nested(schema),
        required=required,
        validate=validate.Length(min=min_items, max=max_items, error="count|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_list"},
    )


def text_list(
    max_length: int, min_items: int, max_items: int, required: bool = True
) -> fields.List[str]:
    return fields.List(
        text(max_length),
        required=required,
        validate=validate.Length(min=min_items, max=max_items, error="count|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_list"},
    )


def operator() -> Text:
    """Who does the step. Until accounts arrive (issue 6) operators give their name."""
    return text(50)


class OperatorSchema(CommandSchema):
    """A step that takes nothing but who does it."""

    operator = operator()


class LabReviewSchema(CommandSchema):
    """The second person's check of a laboratory job's results: approved, or sent back."""

    operator = operator()
    approved = boolean(required=True)
    comment = text(500, required=False)


def _decimal_range(minimum: float | None, maximum: float | None) -> Callable[[str], None]:
    def check(value: str) -> None:
        number = Decimal(value)
        if (minimum is not None and number < Decimal(str(minimum))) or (
            maximum is not None and number > Decimal(str(maximum))
        ):
            raise ValidationError(_range_message(minimum, maximum))

    return check


def _range_message(minimum: float | None, maximum: float | None) -> str:
    """The message key for a bound (or two) a number broke: an open side is not named."""
    if minimum is None:
        return f"at_most|max={maximum}"
    if maximum is None:
        return f"at_least|min={minimum}"
    return f"range|min={minimum};max={maximum}"


class DeclineSchema(CommandSchema):
    """A domain service declines dispatched work: who, and why (the station reads it)."""

    operator = Text(required=True, validate=validate.Length(max=100, error="too_long|max={max}"))
    reason = Text(required=True, validate=validate.Length(max=500, error="too_long|max={max}"))


def decline_work(repository: AggregateRepository, request_code: str, command: dict[str, Any],
                 now: datetime) -> dict[str, Any]:
    """Decline the aggregate of a dispatched request (see ``domain.Declinable``); the
    repository's own NotFound if there is none."""
    aggregate = repository.get(request_code)
    aggregate.decline(command["operator"], command["reason"], now)
    repository.save(aggregate)
    return {"request_code": request_code, "status": aggregate.status}


# -- issued documents (common/issued_documents.py) -----------------------------------------------
class DocumentChangesSchema(CommandSchema):
    """Base of what a new version of a certificate or report changes: something must."""

    @validates_schema
    def _something_changes(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not any(data.values()):
            raise ValidationError("nothing_to_change")


class AttachmentSchema(CommandSchema):
    """What an answer records of an attached file: the gateway's file ``id`` (it keeps the
    bytes, issue 28 §4), its name, size and SHA-256 digest (so the file the enterprise is
    handed can be checked against it)."""

    id = text(64, required=False)
    name = text(200)
    size = integer(0, 2 * 1024**3)
    sha256 = Text(required=True, validate=[validate.Regexp(r"^[0-9a-fA-F]{64}$", error="not_a_sha256")])
    content_type = text(100, required=False)

    @post_load
    def _lower_case_digest(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {"content_type": None, **data, "sha256": data["sha256"].lower()}


def attachments() -> fields.List[dict[str, Any]]:
    return fields.List(
        nested(AttachmentSchema), load_default=list,
        validate=validate.Length(max=20, error="count|min=0;max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_list"},
    )


class ConsultingAnswerSchema(CommandSchema):
    """The written answer to a consulting request (JL04, JC03)."""

    operator = operator()
    answer = text(4000)
    attachments = attachments()


class ProposalDecisionSchema(CommandSchema):
    """A second person's decision on a proposed correction or amendment; a refusal says why."""

    operator = operator()
    approved = boolean(required=True)
    comment = text(500, required=False)

    @validates_schema
    def _refusal_says_why(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("approved") is False and not data.get("comment"):
            raise ValidationError("required", "comment")


class WithdrawalSchema(CommandSchema):
    """Withdrawing an issued certificate or report."""

    operator = operator()
    reason = text(500)
