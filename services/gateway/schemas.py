"""Marshmallow schemas at the gateway's edge.

The one form is validated in two steps: the common part (item, enterprise, contact)
by :class:`RequestFormSchema`, then ``details`` by a schema built from the item's field
list in the catalogue (:func:`details_schema`), so a new catalogue item needs no code.
Error messages are message keys (see ``messages.py``), translated at the edge.
"""

import re
from functools import cache

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from .domain.uscc import InvalidCreditCode, normalize_credit_code

MOBILE_PHONE = re.compile(r"^1[3-9]\d{9}$")
FIELD_ERRORS = {"required": "required", "null": "null"}


class FormSchema(Schema):
    """Base of every input schema: unknown fields are refused, messages are keys."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "unknown_field", "type": "not_object"}


class Text(fields.String):
    """Text with surrounding whitespace removed; blank text is refused."""

    default_error_messages = {
        **FIELD_ERRORS,
        "invalid": "not_text",
        "invalid_utf8": "not_text",
        "blank": "blank",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        stripped = super()._deserialize(value, attr, data, **kwargs).strip()
        if not stripped:
            raise self.make_error("blank")
        return stripped


def text(max_length, required=True, choices=None):
    validators = [validate.Length(max=max_length, error="too_long|max={max}")]
    if choices is not None:
        listed = ", ".join(choices)
        validators.append(validate.OneOf(choices, error=f"not_an_option|choices={listed}"))
    return Text(required=required, allow_none=not required, validate=validators)


def integer(minimum, maximum, required=True):
    return fields.Integer(
        required=required,
        allow_none=not required,
        validate=validate.Range(min=minimum, max=maximum, error="range|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_integer", "too_large": "not_integer"},
    )


def boolean(required=False):
    return fields.Boolean(
        required=required,
        allow_none=not required,
        error_messages={**FIELD_ERRORS, "invalid": "not_boolean"},
    )


def nested(schema, required=True):
    return fields.Nested(schema, required=required, error_messages={**FIELD_ERRORS, "type": "not_object"})


def nested_list(schema, min_items, max_items, required=True):
    return fields.List(
        nested(schema),
        required=required,
        validate=validate.Length(min=min_items, max=max_items, error="count|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_list"},
    )


class EnterpriseSchema(FormSchema):
    name = text(100)
    uscc = text(40)
    station = text(6)  # checked against the station registry in load_request_form

    @validates("uscc")
    def _credit_code(self, value, **kwargs):
        try:
            normalize_credit_code(value)
        except InvalidCreditCode as exc:
            raise ValidationError(f"uscc_{exc.reason}") from exc


class ContactSchema(FormSchema):
    name = text(50)
    phone = text(20)

    @validates("phone")
    def _mobile(self, value, **kwargs):
        if not MOBILE_PHONE.match(value):
            raise ValidationError("mobile_phone")


class RequestFormSchema(FormSchema):
    item = text(10)
    enterprise = nested(EnterpriseSchema)
    contact = nested(ContactSchema)
    details = fields.Dict(
        keys=fields.String(),
        required=True,
        error_messages={**FIELD_ERRORS, "invalid": "not_object"},
    )


# -- item details, built from the catalogue -------------------------------------------
def _field_from_spec(spec):
    required = spec.get("required", False)
    kind = spec["type"]
    if kind in ("text", "textarea"):
        return text(spec.get("max_length", 2000), required=required)
    if kind == "choice":
        return text(200, required=required, choices=[option["value"] for option in spec["options"]])
    if kind == "integer":
        return integer(spec.get("min", 0), spec.get("max", 10**9), required=required)
    if kind == "boolean":
        return boolean(required=required)
    if kind == "group":
        return nested_list(
            _schema_from_specs(spec["name"], spec["fields"]),
            spec.get("min_items", 1),
            spec.get("max_items", 100),
            required=required,
        )
    raise ValueError(f"catalogue field type {kind!r} is not supported")


def _schema_from_specs(name, specs):
    declared = {spec["name"]: _field_from_spec(spec) for spec in specs}
    return FormSchema.from_dict(declared, name=f"{name}Details")


@cache
def details_schema(item):
    """The schema of one catalogue item's ``details`` (items are immutable, so cached)."""
    return _schema_from_specs(item.code, item.fields)()


def load_request_form(body, catalogue, stations):
    """The validated form and its catalogue item, or ``ValidationError`` listing every
    field's problem at once."""
    errors = {}
    try:
        form = RequestFormSchema().load(body)
    except ValidationError as exc:
        errors = exc.messages
        form = None
    station = body.get("enterprise", {}).get("station") if _is_dict(body.get("enterprise")) else None
    if isinstance(station, str) and station.strip() and stations.get(station.strip()) is None:
        errors.setdefault("enterprise", {}).setdefault("station", []).append("unknown_station")
    item_code = body.get("item")
    item = catalogue.item(item_code.strip()) if isinstance(item_code, str) else None
    if isinstance(item_code, str) and item_code.strip() and item is None:
        errors.setdefault("item", []).append("unknown_item")
    details = None
    if item is not None and _is_dict(body.get("details")):
        try:
            details = details_schema(item).load(body["details"])
        except ValidationError as exc:
            errors["details"] = exc.messages
    if errors:
        raise ValidationError(errors)
    form["details"] = details
    form["enterprise"]["uscc"] = normalize_credit_code(form["enterprise"]["uscc"])
    return form, item


def _is_dict(value):
    return isinstance(value, dict)


class CompleteJobSchema(FormSchema):
    summary = text(500, required=False)
