"""Standards commands and queries as the gateway reads them (messages are keys)."""

import re

from marshmallow import ValidationError, post_load, validates, validates_schema

from ....common.commands import dates_in_order
from ....common.standard_number import FIRST_STANDARDS_DAY, parse_number
from .intake import FormSchema, integer, nested_list, text
from .operators import day, needs_comments_when

SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


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

    @validates_schema(skip_on_field_errors=False)  # every problem at once
    def _changes_are_named(self, data, **kwargs):
        needs_comments_when(data, "decision", "changes_requested")


class AttachmentForm(FormSchema):
    name = text(200)
    size = integer(0, 2 * 1024**3)
    sha256 = text(64)
    content_type = text(100, required=False)

    @validates("sha256")
    def _digest(self, value, **kwargs):
        if not SHA256.match(value):
            raise ValidationError("not_a_sha256")

    @post_load
    def _lower_case_digest(self, data, **kwargs):
        return {**data, "sha256": data["sha256"].lower()}


class AnswerForm(FormSchema):
    answer = text(10000)
    attachments = nested_list(AttachmentForm, 0, 20, required=False)
