"""Schemas at the edge of the service-level endpoints: the metrics' filters, ratings,
the rectification answer, and what the metrics and overdue list answer."""

from marshmallow import ValidationError, fields, validates, validates_schema

from ....common.commands import PlausibleDay
from ...domain.catalogue import DOMAINS
from ...domain.model import RATING_LEVELS
from ...domain.service_levels import DIMENSIONS, TIME_GRAINS
from .intake import FormSchema, integer, text

MAX_PERIOD_DAYS = 3 * 366


def date_field(name):
    # within the platform's years: a period in the year 9999 has no day after it
    return PlausibleDay(required=False, allow_none=True, data_key=name, as_text=False)


class ItemAndPeriodSchema(FormSchema):
    """An item of the catalogue (given it when made) and a period, ``from``/``to``
    (inclusive, China dates), neither required; ``to`` not before ``from``."""

    first = date_field("from")
    last = date_field("to")
    item = text(10, required=False)
    lang = fields.String(required=False)

    @validates("item")
    def _known_item(self, value, **kwargs):
        if value is not None and self.catalogue.item(value) is None:
            raise ValidationError("unknown_item")

    @validates_schema
    def _a_period(self, data, **kwargs):
        first, last = data.get("first"), data.get("last") or self.today  # ``to`` is today unless given
        if first and last and first > last:
            raise ValidationError("period_order", "to" if data.get("last") else "from")


class MetricsFiltersSchema(ItemAndPeriodSchema):
    """``from``/``to`` (the last 30 days by default), filters, one grouping."""

    station = text(6, required=False)
    domain = text(20, required=False, choices=list(DOMAINS))
    group_by = text(10, required=False, choices=[*TIME_GRAINS, *DIMENSIONS])

    @validates("station")
    def _known_station(self, value, **kwargs):
        if value is not None and self.stations.get(value) is None:
            raise ValidationError("unknown_station")

    @validates_schema
    def _not_too_long(self, data, **kwargs):
        first, last = data.get("first"), data.get("last")
        if first and last and first <= last and (last - first).days >= MAX_PERIOD_DAYS:
            raise ValidationError(f"period_too_long|days={MAX_PERIOD_DAYS}", "to")


def metrics_filters(args, catalogue, stations, today=None):
    """The filters as the use cases name them: ``from`` and ``to`` as dates. ``today``
    (China) is where a period without ``to`` ends."""
    schema = MetricsFiltersSchema(catalogue=catalogue, stations=stations, today=today)
    loaded = schema.load({key: value for key, value in args.items() if value != ""})
    loaded["from"], loaded["to"] = loaded.pop("first", None), loaded.pop("last", None)
    return loaded


class OverdueFiltersSchema(FormSchema):
    station = text(6, required=False)
    domain = text(20, required=False, choices=list(DOMAINS))
    item = text(10, required=False)
    limit = integer(1, 500, required=False)
    lang = fields.String(required=False)

    _known_station = MetricsFiltersSchema._known_station
    _known_item = MetricsFiltersSchema._known_item


class RectificationFiltersSchema(FormSchema):
    station = text(6, required=False)
    state = text(10, required=False, choices=["open", "answered"])
    lang = fields.String(required=False)

    _known_station = MetricsFiltersSchema._known_station


class RatingSchema(FormSchema):
    """好差评: 1 非常不满意 … 5 非常满意, and optional words."""

    phone = text(20, required=False)
    level = integer(min(RATING_LEVELS), max(RATING_LEVELS))
    comment = text(500, required=False)


# -- answers -------------------------------------------------------------------------------------
FIGURES_DOC = {
    "type": "object",
    "description": "Flows in the period: submitted, accepted, rejected, cancelled, terminated (ended by the station after "
    "dispatch: like a withdrawal, never late), dispatched (first time), "
    "material_requested, completed, completed_on_time, on_time_rate (of completions), turnaround_p50 and "
    "turnaround_p90 (working days, nearest rank), turnaround_days (histogram), acceptance_wait_hours (mean), "
    "rated, rated_share (of completions), ratings (by level), satisfaction_rate (4-5 of ratings), "
    "rectifications_opened, rectifications_answered, rectification_rate, sla_at_risk, sla_breached. "
    "Now: backlog (open requests), overdue_now (open and past the due day). Rates are fractions or null.",
}

METRICS_DOC = {
    "type": "object",
    "properties": {
        "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
        "as_of": {"type": "string", "format": "date"},
        "group_by": {"type": "string", "nullable": True, "enum": [*TIME_GRAINS, *DIMENSIONS]},
        "filters": {"type": "object"},
        "totals": FIGURES_DOC,
        "groups": {"type": "array", "items": {"allOf": [FIGURES_DOC, {"type": "object", "properties": {
            "key": {"type": "string"}, "label": {"type": "string"}}}]}},
    },
}

OVERDUE_DOC = {
    "type": "object",
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "total": {"type": "integer"},
        "requests": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "station": {"type": "object"}, "item": {"type": "object"},
            "domain": {"type": "string"}, "due_date": {"type": "string", "format": "date"},
            "due_date_provisional": {"type": "boolean", "description": "a year whose official holiday schedule "
                                     "is not loaded yet counts in the due date"},
            "working_days_late": {"type": "integer"}, "paused": {"type": "boolean"},
            "status": {"type": "string"}, "status_label": {"type": "string"}, "enterprise": {"type": "object"}}}},
    },
}

RECTIFICATIONS_DOC = {
    "type": "object",
    "properties": {"requests": {"type": "array", "items": {"type": "object", "properties": {
        "code": {"type": "string"}, "station": {"type": "object"}, "item": {"type": "object"},
        "enterprise": {"type": "object"}, "rating": {"type": "object"}, "rectification": {"type": "object"},
        "version": {"type": "integer"}}}}},
}

RATING_BODY_DOC = {
    "type": "object",
    "properties": {"phone": {"type": "string"}, "level": {"type": "integer", "minimum": 1, "maximum": 5},
                   "comment": {"type": "string", "maxLength": 500}},
    "required": ["level"],
}

