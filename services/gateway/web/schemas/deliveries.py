"""A request's delivery records as staff read them (issue 29 §2)."""

from marshmallow import Schema, fields, validate

from ...domain.notifications import CHANNELS, KINDS, STATES


class DeliverySchema(Schema):
    """One delivery of one event to one recipient on one channel."""

    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    recipient = fields.String(required=True, metadata={"description": "masked: 139****5678, z***@example.com"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    status = fields.String(required=True, validate=validate.OneOf(STATES))
    attempts = fields.Integer(required=True)
    created_at = fields.String(required=True)
    not_before = fields.String(required=True, metadata={"description": "an SMS waits out 21:00-08:00 Beijing time"})
    sent_at = fields.String(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "why the last try failed"})
