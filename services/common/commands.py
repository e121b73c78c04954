"""Schemas for the commands a domain service takes over RPC.

Unknown fields are refused and every error is a message key of ``gateway/web/messages.py``
(``"too_long|max=100"``: a key, then parameters), so the gateway can show a refusal field
by field in the reader's language: it rebuilds the ``ValidationError`` that crossed RPC
(``gateway/web/errors.py``). Values are loaded into what a document store keeps as is:
measurements as decimal text (no binary rounding of a reading), dates as ISO text.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
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

from .clock import CHINA
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


# The platform's years: its working-day calendar runs 2000-2100, and no date a person
# types into it (a check, an audit, a period of figures, a calibration's validity) lies
# outside them. A field that means history (a standard issued in 1987) says so itself.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


class FiniteDecimal(fields.Field[str]):
    """A number (JSON number or text) kept as normalised decimal text: finite, at most
    ``MAX_MAGNITUDE`` in size and ``MAX_PLACES`` decimal places. ``NaN``, ``sNaN``,
    ``Infinity`` and exponents like ``1E+999999999`` are refused here, at the edge, so no
    arithmetic on a stored reading can overflow or meet a value that is no number."""

    MAX_LENGTH = 40  # digits enough for any reading; a megabyte of them is not one
    MAX_MAGNITUDE = Decimal("1E+12")
    MAX_PLACES = 12
    default_error_messages = {
        **FIELD_ERRORS, "invalid": "not_a_number", "too_long": f"too_long|max={MAX_LENGTH}",
        "not_finite": "not_finite", "too_large": f"magnitude|max={MAX_MAGNITUDE}",
        "too_precise": f"too_precise|places={MAX_PLACES}",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.make_error("invalid")
        if len(str(value)) > self.MAX_LENGTH:
            raise self.make_error("too_long")
        return str(self.checked(str(value).strip()))

    @classmethod
    def checked(cls, text: str) -> Decimal:
        """``text`` as a plausible Decimal, or a ValidationError with the message key."""
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(cls.default_error_messages["invalid"]) from exc
        if not number.is_finite():
            raise ValidationError(cls.default_error_messages["not_finite"])
        if number.copy_abs() > cls.MAX_MAGNITUDE:  # copy_abs: no context, which would overflow
            raise ValidationError(cls.default_error_messages["too_large"])
        exponent = number.as_tuple().exponent  # an int: the number is finite
        if isinstance(exponent, int) and -exponent > cls.MAX_PLACES:  # places as written: "1.600" keeps its zeros
            raise ValidationError(cls.default_error_messages["too_precise"])
        return number


class PlausibleDay(fields.Date):
    """A calendar date, ``YYYY-MM-DD``, between ``earliest`` and ``latest`` (by default
    the platform's years), kept as ISO text (``as_text``) or as a ``date``."""

    default_error_messages = {**FIELD_ERRORS, "invalid": "not_a_date", "format": "not_a_date",
                              "too_early": "date_too_early|earliest={earliest}",
                              "too_late": "date_too_late|latest={latest}"}

    def __init__(self, *, earliest: date = EARLIEST_DAY, latest: date = LATEST_DAY, as_text: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.earliest, self.latest, self.as_text = earliest, latest, as_text

    # ISO text where marshmallow's Date gives a date: a document store keeps text as is.
    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str | date:
        day: date = super()._deserialize(value, attr, data, **kwargs)
        if day < self.earliest:
            raise self.make_error("too_early", earliest=self.earliest.isoformat())
        if day > self.latest:
            raise self.make_error("too_late", latest=self.latest.isoformat())
        return day.isoformat() if self.as_text else day


class PlausibleMoment(fields.Field[str]):
    """A moment, ISO 8601 (``2026-12-07T09:30:00+08:00``, or a bare date for the start of
    that day), within the platform's years; one without an offset is China time. Kept as
    ISO text in UTC, as the platform keeps every moment, so moments compare as text."""

    default_error_messages = {**FIELD_ERRORS, "invalid": "not_a_moment",
                              "too_early": f"date_too_early|earliest={EARLIEST_DAY.isoformat()}",
                              "too_late": f"date_too_late|latest={LATEST_DAY.isoformat()}"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or len(value) > 40:
            raise self.make_error("invalid")
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise self.make_error("invalid") from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=CHINA)
        if moment.date() < EARLIEST_DAY:
            raise self.make_error("too_early")
        if moment.date() > LATEST_DAY:
            raise self.make_error("too_late")
        return moment.astimezone(UTC).isoformat()


def moment(required: bool = True) -> PlausibleMoment:
    return PlausibleMoment(required=required, allow_none=not required)


def dates_in_order(data: dict[str, Any], earlier: str, later: str) -> None:
    """A ValidationError on ``later`` if it comes before ``earlier`` (both given, as dates
    or ISO text): a standard in force before it was issued, a period that ends first."""
    first, last = data.get(earlier), data.get(later)
    if first is not None and last is not None and str(last) < str(first):
        raise ValidationError({later: [f"date_before|other={earlier}"]})


def not_after(day_text: str | None, today: date, field: str) -> dict[str, list[str]]:
    """A field error if the day ``day_text`` (ISO, or a moment's ISO text: its day in
    China) lies after ``today``: a check, an audit or a reading cannot have happened yet."""
    if day_text is None:
        return {}
    day = date.fromisoformat(day_text) if len(day_text) == 10 else datetime.fromisoformat(day_text).astimezone(
        CHINA).date()
    return {field: ["date_in_future"]} if day > today else {}


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
) -> FiniteDecimal:
    validators: list[Callable[[str], None]] = []
    if minimum is not None or maximum is not None:
        validators.append(_decimal_range(minimum, maximum))
    return FiniteDecimal(required=required, allow_none=not required, validate=validators)


def boolean(required: bool = False, default: bool = False) -> fields.Boolean:
    optional: dict[str, Any] = {} if required else {"load_default": default}
    return fields.Boolean(
        required=required, error_messages={**FIELD_ERRORS, "invalid": "not_boolean"}, **optional
    )


def day(required: bool = True, earliest: date = EARLIEST_DAY, latest: date = LATEST_DAY) -> PlausibleDay:
    return PlausibleDay(required=required, allow_none=not required, earliest=earliest, latest=latest)


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
