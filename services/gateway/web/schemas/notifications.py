"""The notifier at the edge: an enterprise's settings (what it may turn off), and the
delivery records staff read on a request (issue 29 §2)."""

from marshmallow import Schema, ValidationError, fields, validate, validates

from ...domain.notifications import ENTERPRISE_KINDS, MANDATORY, OPTIONAL_KINDS
from .deliveries import DeliverySchema  # noqa: F401 - where the API's views find it
from .intake import FormSchema, text


class NotificationSettingsSchema(FormSchema):
    """``off``: the kinds the enterprise does not want; every other kind is on. 补正
    (material_requested) and rejection cannot be turned off."""

    off = fields.List(text(40), required=True, validate=validate.Length(
        max=len(ENTERPRISE_KINDS), error="count|min=0;max={max}"))

    @validates("off")
    def _kinds(self, value, **kwargs):
        for kind in value:
            if kind in MANDATORY:
                raise ValidationError(f"notification_mandatory|kind={kind}")
            if kind not in OPTIONAL_KINDS:
                raise ValidationError(f"not_an_option|choices={', '.join(OPTIONAL_KINDS)}")


class NotificationKindSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(ENTERPRISE_KINDS))
    on = fields.Boolean(required=True)
    mandatory = fields.Boolean(required=True, metadata={"description": "补正 and rejection: always sent"})
    label = fields.String(required=True)


class NotificationSettingsViewSchema(Schema):
    kinds = fields.List(fields.Nested(NotificationKindSchema), required=True)
