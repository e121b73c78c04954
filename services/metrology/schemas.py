"""What metrology's RPC methods take and give."""

from marshmallow import RAISE, Schema, fields, validate


class IssueCertificateSchema(Schema):
    class Meta:
        unknown = RAISE

    summary = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class JobSchema(Schema):
    request_code = fields.String()
    item = fields.String()
    station = fields.String()
    enterprise = fields.Dict()
    status = fields.String()
    received_at = fields.String()
    certificate_number = fields.String(allow_none=True)
    issued_at = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    details = fields.Dict()
