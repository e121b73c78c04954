"""Schemas at the edge of the working-day calendar: an official schedule as an admin
loads it (``PUT /api/v1/calendar/{year}``, ``python -m services.gateway.cli.calendar load``),
and what ``GET /api/v1/calendar/{year}`` answers.

A schedule is checked as a whole before anything is stored: every date in that year, no
date listed twice, no day both a holiday and a make-up working day, each holiday block
named and with dates, make-up working days on weekends, sizes a real schedule has, and
every statutory holiday of the year among the holidays (so a schedule typed for the
wrong year, or with a wrong date, is refused). Errors keep the body's shape.
"""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ....common.commands import FIELD_ERRORS, PlausibleDay
from ...domain.calendar import OFFICIAL, PROVISIONAL, HolidayBlock, YearSchedule
from .intake import FormSchema, text

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_BLOCKS = 15
MAX_BLOCK_DAYS = 20
MAX_HOLIDAYS = 60
MAX_MAKE_UP_DAYS = 15


def check_year(year):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": [f"range|min={FIRST_YEAR};max={LAST_YEAR}"]})


def _dates(max_items):
    return fields.List(
        PlausibleDay(as_text=False),  # and in the schedule's own year, checked below
        required=True,
        validate=validate.Length(min=1, max=max_items, error="count|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_list"},
    )


class HolidayBlockSchema(FormSchema):
    name = text(60)
    dates = _dates(MAX_BLOCK_DAYS)


_BLOCK = HolidayBlockSchema()


class HolidayBlocks(fields.Field):
    """``{name: [dates]}`` or ``[{"name", "dates"}]``, loaded as [(error path, name, dates)]:
    errors about a block are put where the body has it (under its name, or its index)."""

    default_error_messages = {**FIELD_ERRORS, "invalid": "not_object",
                              "count": f"count|min=1;max={MAX_BLOCKS}"}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            entries = [((name,), {"name": name, "dates": dates}) for name, dates in value.items()]
        elif isinstance(value, list):
            entries = [((str(index),), entry) for index, entry in enumerate(value)]
        else:
            raise self.make_error("invalid")
        if not 1 <= len(entries) <= MAX_BLOCKS:
            raise self.make_error("count")
        blocks, errors = [], {}
        for path, entry in entries:
            try:
                if not isinstance(entry, dict):
                    raise ValidationError(["not_object"])
                loaded = _BLOCK.load(entry)
            except ValidationError as exc:
                # by name: the messages of its dates (or of the name); by index: all of them
                errors[path[0]] = _flat(exc.messages) if isinstance(value, dict) else exc.messages
                continue
            where = path if isinstance(value, dict) else (*path, "dates")
            blocks.append((where, loaded["name"], loaded["dates"]))
        if errors:
            raise ValidationError(errors)
        return blocks


def _flat(messages):
    """A dict-form block's errors as one list: its name is the key the reader sees."""
    if isinstance(messages, list):
        return messages
    found = []
    for value in messages.values():
        found.extend(_flat(value))
    return found


class OfficialScheduleSchema(FormSchema):
    """One year's official schedule (国务院办公厅 放假调休安排): holiday blocks by name
    (weekend days moved into a holiday belong to its block), make-up working days
    (调休上班) and, optionally, which notice it is."""

    holidays = HolidayBlocks(required=True)
    make_up_workdays = fields.List(
        PlausibleDay(as_text=False),
        load_default=list,
        validate=validate.Length(max=MAX_MAKE_UP_DAYS, error="count|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_list"},
    )
    source = text(300, required=False)

    def __init__(self, year, statutory_days=(), **kwargs):
        super().__init__(**kwargs)
        self.year = year
        self.statutory_days = tuple(statutory_days)

    @validates_schema
    def _a_sane_schedule(self, data, **kwargs):
        errors = {}
        seen = set()
        for where, _, dates in data["holidays"]:
            if any(day.year != self.year for day in dates):
                _add(errors, ("holidays", *where), f"calendar_date_outside_year|year={self.year}")
            for day in dates:
                if day in seen:
                    _add(errors, ("holidays", *where), f"calendar_duplicate_date|date={day.isoformat()}")
                seen.add(day)
        if len(seen) > MAX_HOLIDAYS:
            _add(errors, ("holidays",), f"count|min=1;max={MAX_HOLIDAYS}")
        workdays = set()
        for index, day in enumerate(data["make_up_workdays"]):
            where = ("make_up_workdays", str(index))
            if day.year != self.year:
                _add(errors, where, f"calendar_date_outside_year|year={self.year}")
            elif day.weekday() < 5:
                _add(errors, where, f"calendar_workday_not_weekend|date={day.isoformat()}")
            if day in seen:
                _add(errors, where, f"calendar_holiday_and_workday|date={day.isoformat()}")
            if day in workdays:
                _add(errors, where, f"calendar_duplicate_date|date={day.isoformat()}")
            workdays.add(day)
        missing = [day.isoformat() for day in self.statutory_days if day not in seen]
        if missing and "holidays" not in errors:
            _add(errors, ("holidays",), f"calendar_statutory_missing|dates={', '.join(missing)}")
        if errors:
            raise ValidationError(errors)


def _add(errors, path, message):
    """Put a message at ``path`` of a nested error dict (a field that has errors of its
    parts keeps its own under ``_schema``)."""
    *parents, last = path
    node = errors
    for name in parents:
        node = node.setdefault(name, {})
    found = node.setdefault(last, [])
    if isinstance(found, dict):
        found = found.setdefault("_schema", [])
    if message not in found:
        found.append(message)


def official_schedule(year, body, statutory_days, actor, now):
    """The official YearSchedule of ``year`` a body stands for, loaded by ``actor`` at
    ``now``; ValidationError (the body's shape) if it is not a sane schedule of that year."""
    check_year(year)
    loaded = OfficialScheduleSchema(year, statutory_days).load(body)
    blocks = tuple(HolidayBlock(name, tuple(sorted(dates))) for _, name, dates in loaded["holidays"])
    loaded_by = {key: actor.get(key) for key in ("username", "name", "role")}
    return YearSchedule(year, blocks, tuple(sorted(loaded["make_up_workdays"])), OFFICIAL, loaded.get("source") or "",
                        loaded_at=now.isoformat(), loaded_by=loaded_by)


def schedule_body(document, year):
    """The body of a schedule file (the CLI's): the PUT body itself, or the shipped file's
    format with the year as a key (its ``source`` then names the notice)."""
    if isinstance(document, dict) and str(year) in document and "holidays" not in document:
        entry = document[str(year)]
        if not isinstance(entry, dict):
            return entry
        source = entry.get("source", document.get("source"))
        return {**entry, **({"source": source} if source else {})}
    return document


# -- answers -----------------------------------------------------------------------------------
SOURCES = (OFFICIAL, PROVISIONAL)


class CalendarDaySchema(Schema):
    date = fields.Date(required=True)
    weekday = fields.Integer(required=True, metadata={"description": "1 Monday … 7 Sunday"})
    name = fields.String(required=True, metadata={"description": "the holiday's name, or 周末 Weekend"})
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    in_lieu = fields.Boolean(required=True, metadata={
        "description": "a provisional year's in-lieu day (补假) for a holiday that falls on a weekend"})


class MakeUpDaySchema(Schema):
    date = fields.Date(required=True)
    weekday = fields.Integer(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))


class CalendarYearSchema(Schema):
    year = fields.Integer(required=True)
    provisional = fields.Boolean(required=True, metadata={
        "description": "no official schedule is loaded for the year: its holidays are computed from the "
        "statutory rules, with in-lieu days and without swapped working days"})
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    notice = fields.String(required=True, metadata={"description": "the notice it comes from, or how it was computed"})
    loaded_at = fields.String(allow_none=True, required=True)
    loaded_by = fields.String(allow_none=True, required=True)
    holidays = fields.List(fields.Nested(CalendarDaySchema), required=True, metadata={
        "description": "every day of the year that is not a working day, weekends included, in order"})
    make_up_workdays = fields.List(fields.Nested(MakeUpDaySchema), required=True)
    working_days = fields.Integer(required=True)


class MovedDueDateSchema(Schema):
    code = fields.String(required=True)
    due_from = fields.String(required=True, metadata={"format": "date"})
    due_to = fields.String(required=True, metadata={"format": "date"})


class LoadedCalendarSchema(CalendarYearSchema):
    moved = fields.List(fields.Nested(MovedDueDateSchema), required=True, metadata={
        "description": "open requests whose due date the schedule moved (each has a due_date_changed entry)"})


YEAR_PATH = {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}
_DATES = {"type": "array", "items": {"type": "string", "format": "date"}, "minItems": 1, "maxItems": MAX_BLOCK_DAYS}
SCHEDULE_DOC = {
    "type": "object",
    "properties": {
        "holidays": {"oneOf": [
            {"type": "object", "description": "holiday name -> its dates",
             "additionalProperties": _DATES, "minProperties": 1, "maxProperties": MAX_BLOCKS},
            {"type": "array", "minItems": 1, "maxItems": MAX_BLOCKS, "items": {
                "type": "object", "properties": {"name": {"type": "string", "maxLength": 60}, "dates": _DATES},
                "required": ["name", "dates"], "additionalProperties": False}},
        ]},
        "make_up_workdays": {"type": "array", "items": {"type": "string", "format": "date"},
                             "maxItems": MAX_MAKE_UP_DAYS, "description": "weekend days that are working days (调休上班)"},
        "source": {"type": "string", "maxLength": 300, "description": "the notice, e.g. 国办发明电〔2026〕N号"},
    },
    "required": ["holidays"],
    "additionalProperties": False,
}
