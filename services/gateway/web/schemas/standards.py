"""Standards commands and queries as the gateway reads them (messages are keys)."""

from marshmallow import ValidationError, validates, validates_schema

from ....common.commands import dates_in_order
from ....common.standard_number import FIRST_STANDARDS_DAY, parse_number
from .intake import FormSchema, boolean, integer, text
from .operators import day, needs_comments_when


def check_number(value, dated=False):
    number = parse_number(value)
    if number is None:
        raise ValidationError("not_a_standard_number")
    if dated and number.year is None:
        raise ValidationError("dated_number_required")


class SearchQuery(FormSchema):
    q = text(200)
    limit = integer(1, 100, required=False)


class AddStandardForm(FormSchema):
    number = text(64)
    title_zh = text(300)
    title_en = text(300, required=False)
    issued = day(earliest=FIRST_STANDARDS_DAY)
    effective = day(earliest=FIRST_STANDARDS_DAY)
    ics = text(32, required=False)

    @validates("number")
    def _dated(self, value, **kwargs):
        check_number(value, dated=True)

    @validates_schema(skip_on_field_errors=False)  # every problem at once
    def _in_force_after_issue(self, data, **kwargs):
        dates_in_order(data, "issued", "effective")


class EndStandardForm(FormSchema):
    number = text(64)
    status = text(20, choices=["superseded", "withdrawn"])
    replaced_by = text(64, required=False)

    @validates("number")
    def _number(self, value, **kwargs):
        check_number(value, dated=True)

    @validates("replaced_by")
    def _replacement(self, value, **kwargs):
        if value is not None:
            check_number(value)

    @validates_schema(skip_on_field_errors=False)  # every problem at once
    def _superseded_by_something(self, data, **kwargs):
        if data.get("status") == "superseded" and not data.get("replaced_by"):
            raise ValidationError({"replaced_by": ["required"]})


class ReviewDeclarationForm(FormSchema):
    decision = text(20, choices=["approved", "changes_requested"])
    comments = text(4000, required=False)
    # approving a declaration that cites standards the catalogue does not have: the
    # reviewer says they checked them by other means
    acknowledge_unverified = boolean(required=False)

    @validates_schema(skip_on_field_errors=False)  # every problem at once
    def _changes_are_named(self, data, **kwargs):
        needs_comments_when(data, "decision", "changes_requested")

