"""Enterprise accounts at the edge (issue 26 §1): the online registration, the station's
verification against the business licence, and what both answer."""

from marshmallow import Schema, ValidationError, fields, post_load, validates, validates_schema

from ....common.commands import FIELD_ERRORS, Text, text
from ...domain.account import ACCOUNT_STATES, LICENCE_CHECKS, REFUSE, VERIFY
from ...domain.uscc import InvalidCreditCode, normalize_credit_code
from ...handlers.enterprise_accounts import Registration
from .intake import FormSchema, StationSummarySchema, mobile_phone

MIN_PASSWORD = 10
MAX_PASSWORD = 256


class RegistrationSchema(FormSchema):
    """What an enterprise gives to register: its credit code and name as on the business
    licence, a contact person and mainland mobile phone, the station where it will show
    the licence, and a password. Given ``stations`` when made."""

    uscc = text(40)
    name = text(100)
    contact_name = text(50)
    phone = mobile_phone()  # as typed, kept as its 11 digits
    station = text(6)
    password = text(MAX_PASSWORD)

    @validates("uscc")
    def _credit_code(self, value, **kwargs):
        try:
            normalize_credit_code(value)
        except InvalidCreditCode as exc:
            raise ValidationError(f"uscc_{exc.reason}") from exc

    @validates("station")
    def _station(self, value, **kwargs):
        if self.stations is not None and self.stations.get(value) is None:
            raise ValidationError("unknown_station")

    @validates("password")
    def _password(self, value, **kwargs):
        if len(value) < MIN_PASSWORD:
            raise ValidationError(f"password_too_short|min={MIN_PASSWORD}")

    @post_load
    def _registration(self, data, **kwargs):
        return Registration(**{**data, "uscc": normalize_credit_code(data["uscc"])})


class VerificationSchema(FormSchema):
    """The station's decision: ``verify`` naming the licence checks it made (both), or
    ``refuse`` with a note saying why."""

    decision = text(10, choices=[VERIFY, REFUSE])
    checked = fields.List(Text(), load_default=list, error_messages={**FIELD_ERRORS, "invalid": "not_list"})
    note = text(500, required=False)

    @validates("checked")
    def _known_checks(self, value, **kwargs):
        unknown = [each for each in value if each not in LICENCE_CHECKS]
        if unknown or len(value) > len(LICENCE_CHECKS):
            raise ValidationError(f"not_an_option|choices={', '.join(LICENCE_CHECKS)}")

    @validates_schema
    def _what_each_decision_needs(self, data, **kwargs):
        if data.get("decision") == VERIFY and not set(LICENCE_CHECKS) <= set(data.get("checked") or []):
            raise ValidationError({"checked": ["licence_not_checked_field"]})
        if data.get("decision") == REFUSE and not data.get("note"):
            raise ValidationError({"note": ["required"]})


class AccountFiltersSchema(FormSchema):
    state = text(10, required=False, choices=list(ACCOUNT_STATES))
    station = text(6, required=False)
    lang = fields.String(required=False)


# -- what is answered -------------------------------------------------------------------------
class RegisteredContactSchema(Schema):
    name = fields.String(required=True)
    phone = fields.String(required=True)


class VerificationEntrySchema(Schema):
    at = fields.String(required=True)
    decision = fields.String(required=True, metadata={"description": "verify or refuse"})
    decision_label = fields.String(required=True)
    by = fields.Dict(required=True, metadata={"description": "who decided: role, name, username, station"})
    checked = fields.List(fields.String(), required=True, metadata={
        "description": "what was compared on the business licence: licence_uscc, licence_name"})
    checked_labels = fields.List(fields.String(), required=True)
    note = fields.String(required=True, allow_none=True)


class EnterpriseAccountSchema(Schema):
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "pending, verified or refused"})
    state_label = fields.String(required=True)
    station = fields.Nested(StationSummarySchema, required=True, allow_none=True, metadata={
        "description": "where the enterprise shows its business licence (null: made by an administrator)"})
    contact = fields.Nested(RegisteredContactSchema, required=True, allow_none=True)
    registered_at = fields.String(required=True, allow_none=True)
    verifications = fields.List(fields.Nested(VerificationEntrySchema), required=True)


class EnterpriseAccountsSchema(Schema):
    accounts = fields.List(fields.Nested(EnterpriseAccountSchema), required=True)


class RegisteredSchema(Schema):
    uscc = fields.String(required=True)
    name = fields.String(required=True)
    state = fields.String(required=True)
    state_label = fields.String(required=True)
    station = fields.Nested(StationSummarySchema, required=True)
    next_step = fields.String(required=True, metadata={"description": "what the enterprise does now, in words"})


REGISTRATION_DOC = {"type": "object", "required": ["uscc", "name", "contact_name", "phone", "station", "password"],
                    "properties": {
                        "uscc": {"type": "string", "maxLength": 40, "description": "as on the business licence"},
                        "name": {"type": "string", "maxLength": 100, "description": "as on the business licence"},
                        "contact_name": {"type": "string", "maxLength": 50},
                        "phone": {"type": "string", "maxLength": 30, "description": "mainland mobile number, as typed (139-1234-5678, +86 139 1234 5678); kept as its 11 digits"},
                        "station": {"type": "string", "maxLength": 6,
                                    "description": "division code of the station where the licence is shown"},
                        "password": {"type": "string", "minLength": MIN_PASSWORD, "maxLength": MAX_PASSWORD}}}
VERIFICATION_DOC = {"type": "object", "required": ["decision"], "properties": {
    "decision": {"type": "string", "enum": [VERIFY, REFUSE]},
    "checked": {"type": "array", "items": {"type": "string", "enum": list(LICENCE_CHECKS)},
                "description": "verify: both checks made on the business licence"},
    "note": {"type": "string", "maxLength": 500, "description": "refuse: why (required)"}}}
