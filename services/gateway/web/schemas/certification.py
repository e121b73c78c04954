"""The certification operators' commands as the gateway reads them (messages are keys).

The certification service checks them again at its own edge; here they get field-by-
field messages in the reader's language.
"""

from marshmallow import ValidationError, fields, validate, validates_schema

from ....common.clock import add_months
from .intake import FIELD_ERRORS, FormSchema, boolean, integer, text
from .operators import day, needs_comments_when

MAX_SUSPENSION_MONTHS = 6


def audit_day():
    return day()


def auditors():
    """The audit team, by name (the person recording the audit when none are given)."""
    return fields.List(
        text(50), required=False, allow_none=True,
        validate=validate.Length(min=1, max=10, error="count|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_list"},
    )


class DatedForm(FormSchema):
    """A step dated by the operator: an audit day (``conducted_on``) is not after today,
    a suspension's end (``until``) is after today and within the longest suspension."""

    @validates_schema(skip_on_field_errors=False)  # every problem at once
    def _days_are_possible(self, data, **kwargs):
        errors = {}
        conducted_on, until = data.get("conducted_on"), data.get("until")
        if conducted_on is not None and conducted_on > self.today:
            errors["conducted_on"] = ["date_in_future"]
        if until is not None and until <= self.today:
            errors["until"] = ["date_not_after_today"]
        elif until is not None and until > add_months(self.today, MAX_SUSPENSION_MONTHS):
            errors["until"] = [f"suspension_too_long|months={MAX_SUSPENSION_MONTHS}"]
        if errors:
            raise ValidationError(errors)


class ReviewForm(FormSchema):
    accepted = boolean(required=True)
    comments = text(2000, required=False)

    @validates_schema(skip_on_field_errors=False)  # every problem at once
    def _refusal_says_why(self, data, **kwargs):
        needs_comments_when(data, "accepted", False)


class Stage1Form(DatedForm):
    conducted_on = audit_day()
    auditors = auditors()
    ready_for_stage2 = boolean(required=True)
    findings = text(4000, required=False)


class Stage2Form(DatedForm):
    conducted_on = audit_day()
    auditors = auditors()
    recommendation = text(10, choices=["grant", "refuse"])
    major_nonconformities = integer(0, 1000, required=False)
    minor_nonconformities = integer(0, 1000, required=False)
    findings = text(4000, required=False)


class ProductCheckForm(DatedForm):
    conducted_on = audit_day()
    auditors = auditors()
    result = text(10, choices=["pass", "fail"])
    reference = text(100, required=False)
    findings = text(4000, required=False)


class DecisionForm(FormSchema):
    decision = text(10, choices=["grant", "refuse"])
    comments = text(2000, required=False)

    @validates_schema(skip_on_field_errors=False)  # every problem at once
    def _refusal_says_why(self, data, **kwargs):
        needs_comments_when(data, "decision", "refuse")


class SurveillanceForm(DatedForm):
    conducted_on = audit_day()
    findings = text(4000, required=False)


class SuspendForm(DatedForm):
    reason = text(2000)
    until = day()


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


class RecertifyForm(DatedForm):
    conducted_on = audit_day()
    comments = text(2000, required=False)
