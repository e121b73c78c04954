"""What metrology's RPC methods take (commands, validated here) and give (views)."""


from marshmallow import ValidationError, validates_schema

from ..common.commands import (
    CommandSchema,
    DocumentChangesSchema,
    boolean,
    day,
    integer,
    nested,
    nested_list,
    number,
    operator,
    text,
    text_list,
)

CONCLUSIONS = ("pass", "fail")
CHECK_RESULTS = ("within_tolerance", "out_of_tolerance")


class EnvironmentSchema(CommandSchema):
    location = text(200)
    temperature_c = number(minimum=-60, maximum=100)
    humidity_pct = number(minimum=0, maximum=100)
    other = text(200, required=False)


class MethodSchema(CommandSchema):
    code = text(50)
    title = text(200, required=False)


class VerificationItemSchema(CommandSchema):
    item = text(100)
    result = text(200)
    conforms = boolean(required=True)


class VerificationResultSchema(CommandSchema):
    """One instrument's verification (JL01)."""

    serial_number = text(64)
    instrument_type = text(80)
    method = nested(MethodSchema, required=False)  # the type's JJG regulation by default
    manufacturer = text(100, required=False)
    reference_standards = text_list(40, 1, 10)
    items = nested_list(VerificationItemSchema, 1, 50)
    conclusion = text(10, choices=CONCLUSIONS)
    accuracy_class_found = text(50, required=False)
    failure_reasons = text(500, required=False)
    adjusted = boolean()
    remarks = text(500, required=False)

    @validates_schema
    def _conclusion_follows_items(self, data, **kwargs):
        if "items" not in data or "conclusion" not in data:
            return
        all_conform = all(item["conforms"] for item in data["items"])
        if data["conclusion"] == "pass" and not all_conform:
            raise ValidationError("pass_with_failed_items", "conclusion")
        if data["conclusion"] == "fail" and not data.get("failure_reasons"):
            raise ValidationError("required", "failure_reasons")


class CalibrationPointSchema(CommandSchema):
    nominal = number()
    measured = number()
    measured_before_adjustment = number(required=False)
    expanded_uncertainty = number(minimum=0)
    coverage_factor = number(minimum=1, maximum=10)
    unit = text(20)


class CalibrationResultSchema(CommandSchema):
    """One instrument's calibration (JL02): results per point with their uncertainty."""

    serial_number = text(64)
    method = nested(MethodSchema)
    manufacturer = text(100, required=False)
    reference_standards = text_list(40, 1, 10)
    points = nested_list(CalibrationPointSchema, 1, 200)
    adjusted = boolean()
    recalibration_date = day(required=False)
    remarks = text(500, required=False)

    @validates_schema
    def _adjusted_points_give_the_reading_before(self, data, **kwargs):
        if data.get("adjusted") and any(point.get("measured_before_adjustment") is None
                                        for point in data.get("points") or []):
            raise ValidationError("before_adjustment_required", "points")


def results_schema(item):
    entry = VerificationResultSchema if item == "JL01" else CalibrationResultSchema
    return CommandSchema.from_dict({
        "operator": operator(),
        "environment": nested(EnvironmentSchema),
        "instruments": nested_list(entry, 1, 100),
    }, name=f"{item}Results")()


class InstrumentCorrectionSchema(CommandSchema):
    name = text(100, required=False)
    model = text(100, required=False)
    manufacturer = text(100, required=False)
    measuring_range = text(100, required=False)
    accuracy_class = text(50, required=False)


class CertificateChangesSchema(DocumentChangesSchema):
    customer_name = text(100, required=False)
    instrument = nested(InstrumentCorrectionSchema, required=False)
    remarks = text(500, required=False)


class CorrectionSchema(CommandSchema):
    operator = operator()
    reason = text(500)
    changes = nested(CertificateChangesSchema)


class VerificationPeriodSchema(CommandSchema):
    operator = operator()
    period_months = integer(1, 120)
    note = text(500, required=False)


class ReferenceStandardSchema(CommandSchema):
    operator = operator()
    id = text(40)
    name = text(100)
    model = text(100)
    serial_number = text(64)
    measuring_range = text(100)
    uncertainty = text(100)
    calibration_certificate = text(64)
    calibrated_by = text(100)
    calibration_valid_until = day()
    last_good_check_on = day()


class ReferenceCheckSchema(CommandSchema):
    operator = operator()
    checked_on = day()
    result = text(20, choices=CHECK_RESULTS)
    note = text(500, required=False)




# -- JL03 计量标准考核 (domain/assessment.py) ------------------------------------------------------
class DocumentReviewSchema(CommandSchema):
    """The written review of the applicant's documents: passed, or returned with what to correct."""

    operator = operator()
    passed = boolean(required=True)
    comments = text(2000, required=False)

    @validates_schema
    def _return_says_why(self, data, **kwargs):
        if data.get("passed") is False and not data.get("comments"):
            raise ValidationError("required", "comments")


class AssessmentSchema(CommandSchema):
    """The assessment (考评): when, by whom, what was found, pass or fail."""

    operator = operator()
    assessed_on = day()
    assessors = text_list(50, 1, 10)
    findings = text(4000)
    conclusion = text(10, choices=CONCLUSIONS)


class AssessmentDecisionSchema(CommandSchema):
    """The decision (审批) by someone who took no part in the assessment; a refusal says why."""

    operator = operator()
    decision = text(10, choices=("grant", "refuse"))
    comments = text(2000, required=False)

    @validates_schema
    def _refusal_says_why(self, data, **kwargs):
        if data.get("decision") == "refuse" and not data.get("comments"):
            raise ValidationError("required", "comments")
