"""What testing's RPC methods take (commands, validated here) and give (views)."""

from decimal import Decimal

from marshmallow import ValidationError, validates_schema

from ..common.commands import (
    CommandSchema,
    DocumentChangesSchema,
    FiniteDecimal,
    moment,
    nested,
    nested_list,
    number,
    operator,
    text,
)

OUTCOMES = ("negative", "positive")
JUDGED_RULES = ("simple_acceptance", "guarded_acceptance")


class SampleSchema(CommandSchema):
    name = text(100)
    description = text(300)
    condition_on_receipt = text(300)
    quantity = text(50)
    received_at = moment(required=False)  # when the sample came in, if not now


class SampleIntakeSchema(CommandSchema):
    operator = operator()
    samples = nested_list(SampleSchema, 1, 100)


class LimitSchema(CommandSchema):
    max = number(required=False)
    min = number(required=False)

    @validates_schema
    def _one_bound_at_least(self, data, **kwargs):
        if data.get("max") is None and data.get("min") is None:
            raise ValidationError("limit_needs_a_bound")


class TestResultSchema(CommandSchema):
    __test__ = False

    sample_number = text(30)
    item = text(100)
    method = text(100)
    value = text(50)
    unit = text(20, required=False)
    requirement = text(100, required=False)
    limit = nested(LimitSchema, required=False)
    expanded_uncertainty = number(required=False, minimum=0)
    coverage_factor = number(required=False, minimum=1, maximum=10)

    @validates_schema
    def _judged_values_are_numbers(self, data, **kwargs):
        """A value judged against a limit is a plausible number; any value that reads as a
        number at all (``-Infinity``, ``1E+999999999``) is one too, even unjudged."""
        if "value" not in data:
            return
        try:
            FiniteDecimal.checked(data["value"])
        except ValidationError as exc:
            if data.get("limit") or _reads_as_a_number(data["value"]):
                raise ValidationError(exc.messages, "value") from exc


def _reads_as_a_number(text):
    try:
        Decimal(text)
    except ArithmeticError:
        return False  # text such as "未检出" (not detected)
    return True


class RapidResultSchema(CommandSchema):
    sample_number = text(30)
    item = text(100)
    method = text(100)
    outcome = text(10, choices=OUTCOMES)
    inhibition_rate_pct = number(required=False, minimum=0, maximum=100)


class ConditionsSchema(CommandSchema):
    temperature_c = number(required=False, minimum=-60, maximum=100)
    humidity_pct = number(required=False, minimum=0, maximum=100)
    note = text(200, required=False)


class CommissionedResultsSchema(CommandSchema):
    operator = operator()
    test_conditions = nested(ConditionsSchema, required=False)
    specification = text(100, required=False)
    decision_rule = text(30, required=False, choices=JUDGED_RULES)
    results = nested_list(TestResultSchema, 1, 500)

    @validates_schema
    def _guarded_acceptance_needs_uncertainty(self, data, **kwargs):
        if data.get("decision_rule") != "guarded_acceptance":
            return
        for index, result in enumerate(data.get("results") or []):
            if result.get("limit") and result.get("expanded_uncertainty") is None:
                raise ValidationError({"results": {index: {"expanded_uncertainty": ["required"]}}})


class RapidResultsSchema(CommandSchema):
    operator = operator()
    test_conditions = nested(ConditionsSchema, required=False)
    results = nested_list(RapidResultSchema, 1, 500)


def results_schema(item):
    return RapidResultsSchema() if item == "JC02" else CommissionedResultsSchema()


class ReportChangesSchema(DocumentChangesSchema):
    customer_name = text(100, required=False)
    remarks = text(500, required=False)


class AmendmentSchema(CommandSchema):
    operator = operator()
    reason = text(500)
    changes = nested(ReportChangesSchema)


