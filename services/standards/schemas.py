"""What standards' RPC methods take and give.

The gateway validates the same commands for people (with messages in their language);
these schemas guard the service's own edge.
"""

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)

from ..common.commands import PlausibleDay, attachments, dates_in_order
from ..common.standard_number import FIRST_STANDARDS_DAY, parse_number
from .domain.catalogue import SUPERSEDED, WITHDRAWN
from .domain.model import APPROVED, CHANGES_REQUESTED


class Command(Schema):
    class Meta:
        unknown = RAISE


class AddStandardSchema(Command):
    number = fields.String(required=True, validate=validate.Length(max=64))
    title_zh = fields.String(required=True, validate=validate.Length(min=1, max=300))
    title_en = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    issued = PlausibleDay(load_default=None, allow_none=True, earliest=FIRST_STANDARDS_DAY)
    effective = PlausibleDay(load_default=None, allow_none=True, earliest=FIRST_STANDARDS_DAY)
    ics = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))

    @validates_schema
    def _in_force_after_issue(self, data, **kwargs):
        dates_in_order(data, "issued", "effective")

    @validates("number")
    def _dated_number(self, value, **kwargs):
        number = parse_number(value)
        if number is None or number.year is None:
            raise ValidationError("not a dated standard number")



class EndStandardSchema(Command):
    number = fields.String(required=True, validate=validate.Length(min=1, max=64))
    status = fields.String(required=True, validate=validate.OneOf([SUPERSEDED, WITHDRAWN]))
    replaced_by = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=64)
    )

    @validates_schema
    def _superseded_by_something(self, data, **kwargs):
        if data.get("status") == SUPERSEDED and not data.get("replaced_by"):
            raise ValidationError("required", "replaced_by")


class ReviewSchema(Command):
    decision = fields.String(required=True, validate=validate.OneOf([APPROVED, CHANGES_REQUESTED]))
    comments = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=4000)
    )
    # the reviewer checked the cited standards the catalogue does not have
    acknowledge_unverified = fields.Boolean(load_default=False)

    @validates_schema
    def _changes_are_named(self, data, **kwargs):
        if data.get("decision") == CHANGES_REQUESTED and not data.get("comments"):
            raise ValidationError("required", "comments")


class AnswerSchema(Command):
    answer = fields.String(required=True, validate=validate.Length(min=1, max=10000))
    attachments = attachments()  # the metadata every written answer carries (common/commands.py)


class SearchSchema(Command):
    q = fields.String(required=True, validate=validate.Length(min=1, max=200))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class FollowsSchema(Command):
    """Whose follows: an enterprise's credit code (the gateway checked who asks)."""

    uscc = fields.String(required=True, validate=validate.Length(min=18, max=18))


class UnfollowSchema(FollowsSchema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=64))
