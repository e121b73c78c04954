"""The certification operators' commands as the gateway reads them (messages are keys).

The certification service checks them again at its own edge; here they get field-by-
field messages in the reader's language.
"""

from marshmallow import ValidationError, fields, validate, validates_schema

from ....common.clock import add_months
from .intake import FIELD_ERRORS, FormSchema, boolean, integer, text
from .operators import day, needs_comments_when, today

MAX_SUSPENSION_MONTHS = 6


def not_in_future(value):
    if value > today():
        raise ValidationError("date_in_future")


def a_suspension_end(value):
    if value <= today():
        raise ValidationError("date_not_after_today")
    if value > add_months(today(), MAX_SUSPENSION_MONTHS):
        raise ValidationError(f"suspension_too_long|months={MAX_SUSPENSION_MONTHS}")


def audit_day():
    return day(validate=not_in_future)


class ReviewForm(FormSchema):
    accepted = boolean(required=True)
    comments = text(2000, required=False)

    @validates_schema(skip_on_field_errors=False)  # every problem at once
    def _refusal_says_why(self, data, **kwargs):
        needs_comments_when(data, "accepted", False)


class Stage1Form(FormSchema):
    conducted_on = audit_day()
    ready_for_stage2 = boolean(required=True)
    findings = text(4000, required=False)


class Stage2Form(FormSchema):
    conducted_on = audit_day()
    recommendation = text(10, choices=["grant", "refuse"])
    major_nonconformities = integer(0, 1000, required=False)
    minor_nonconformities = integer(0, 1000, required=False)
    findings = text(4000, required=False)


class ProductCheckForm(FormSchema):
    conducted_on = audit_day()
    result = text(10, choices=["pass", "fail"])
    reference = text(100, required=False)
    findings = text(4000, required=False)


class DecisionForm(FormSchema):
    decision = text(10, choices=["grant", "refuse"])
    comments = text(2000, required=False)

    @validates_schema(skip_on_field_errors=False)  # every problem at once
    def _refusal_says_why(self, data, **kwargs):
        needs_comments_when(data, "decision", "refuse")


class SurveillanceForm(FormSchema):
    conducted_on = audit_day()
    findings = text(4000, required=False)


class SuspendForm(FormSchema):
    reason = text(2000)
    until = day(validate=a_suspension_end)


class RestoreForm(FormSchema):
    comments = text(2000, required=False)


class WithdrawForm(FormSchema):
    reason = text(2000)


class ReduceScopeForm(FormSchema):
    scope = text(1000, required=False)
    sites = fields.List(
        text(300),
        required=False,
        allow_none=True,
        validate=validate.Length(min=1, max=50, error="count|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_list"},
    )
    reason = text(2000)

    @validates_schema(skip_on_field_errors=False)  # every problem at once
    def _something_is_reduced(self, data, **kwargs):
        if data.get("scope") is None and data.get("sites") is None:
            raise ValidationError({"scope": ["scope_or_sites_required"]})


class RecertifyForm(FormSchema):
    conducted_on = audit_day()
    comments = text(2000, required=False)
