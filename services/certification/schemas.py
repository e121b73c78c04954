"""What certification's RPC methods take and give.

The gateway validates the same commands for people (with messages in their language);
these schemas guard the service's own edge, so a caller that skips the gateway cannot
store nonsense.
"""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..common.commands import PlausibleDay
from .domain.model import GRANT, PASS, REFUSE

TEXT = validate.Length(min=1, max=2000)
FINDINGS = validate.Length(max=4000)


class Command(Schema):
    class Meta:
        unknown = RAISE


OPERATOR = validate.Length(min=1, max=100)


def operator():
    """Who takes the step (the gateway names the signed-in person)."""
    return fields.String(required=True, validate=OPERATOR)


def auditors():
    """Who audited (the audit team); the one who records it when none is named."""
    return fields.List(fields.String(validate=validate.Length(min=1, max=50)), load_default=None, allow_none=True,
                       validate=validate.Length(min=1, max=10))


class ReviewSchema(Command):
    operator = operator()
    accepted = fields.Boolean(required=True)
    comments = fields.String(load_default=None, allow_none=True, validate=TEXT)

    @validates_schema
    def _refusal_says_why(self, data, **kwargs):
        if not data.get("accepted") and not data.get("comments"):
            raise ValidationError("required", "comments")


class Stage1Schema(Command):
    operator = operator()
    auditors = auditors()
    conducted_on = PlausibleDay(load_default=None, allow_none=True, as_text=False)
    ready_for_stage2 = fields.Boolean(required=True)
    findings = fields.String(load_default=None, allow_none=True, validate=FINDINGS)


class Stage2Schema(Command):
    operator = operator()
    auditors = auditors()
    conducted_on = PlausibleDay(load_default=None, allow_none=True, as_text=False)
    recommendation = fields.String(required=True, validate=validate.OneOf([GRANT, REFUSE]))
    major_nonconformities = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1000))
    minor_nonconformities = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1000))
    findings = fields.String(load_default=None, allow_none=True, validate=FINDINGS)


class ProductCheckSchema(Command):
    operator = operator()
    auditors = auditors()
    conducted_on = PlausibleDay(load_default=None, allow_none=True, as_text=False)
    result = fields.String(required=True, validate=validate.OneOf([PASS, "fail"]))
    reference = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    findings = fields.String(load_default=None, allow_none=True, validate=FINDINGS)


class DecisionSchema(Command):
    operator = operator()
    decision = fields.String(required=True, validate=validate.OneOf([GRANT, REFUSE]))
    comments = fields.String(load_default=None, allow_none=True, validate=TEXT)

    @validates_schema
    def _refusal_says_why(self, data, **kwargs):
        if data.get("decision") == REFUSE and not data.get("comments"):
            raise ValidationError("required", "comments")


class SurveillanceSchema(Command):
    conducted_on = PlausibleDay(load_default=None, allow_none=True, as_text=False)
    findings = fields.String(load_default=None, allow_none=True, validate=FINDINGS)


class SuspendSchema(Command):
    reason = fields.String(required=True, validate=TEXT)
    until = PlausibleDay(load_default=None, allow_none=True, as_text=False)


class RestoreSchema(Command):
    comments = fields.String(load_default=None, allow_none=True, validate=TEXT)


class WithdrawSchema(Command):
    reason = fields.String(required=True, validate=TEXT)


class ReduceScopeSchema(Command):
    scope = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=1000)
    )
    sites = fields.List(
        fields.String(validate=validate.Length(min=1, max=300)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=50),
    )
    reason = fields.String(required=True, validate=TEXT)

    @validates_schema
    def _something_is_reduced(self, data, **kwargs):
        if data.get("scope") is None and data.get("sites") is None:
            raise ValidationError("required", "scope")


class RecertifySchema(Command):
    conducted_on = PlausibleDay(load_default=None, allow_none=True, as_text=False)
    comments = fields.String(load_default=None, allow_none=True, validate=TEXT)


COMMANDS = {
    "review": ReviewSchema,
    "stage1": Stage1Schema,
    "stage2": Stage2Schema,
    "type_test": ProductCheckSchema,
    "factory_inspection": ProductCheckSchema,
    "decision": DecisionSchema,
    "surveillance": SurveillanceSchema,
    "suspend": SuspendSchema,
    "restore": RestoreSchema,
    "withdraw": WithdrawSchema,
    "reduce_scope": ReduceScopeSchema,
    "recertify": RecertifySchema,
}


def load_command(name, payload):
    return COMMANDS[name]().load(payload or {})
