"""Numbers and dates are plausible at every edge (issue 26 §4): every number a schema
reads is a finite decimal within a stated range and precision, or an integer within a
stated range; every date is within stated bounds. The shared fields say how."""

from datetime import date

import pytest
from marshmallow import ValidationError, fields, validate

from services.common.commands import (
    EARLIEST_DAY,
    LATEST_DAY,
    FiniteDecimal,
    PlausibleDay,
    dates_in_order,
    not_after,
)
from services.gateway.bootstrap import reference_data
from services.gateway.web.schemas.intake import details_schema

from .test_input_limits import SCHEMA_MODULES, input_schemas

# Beside the schemas of test_input_limits: those that read query strings and the calendar.
MODULES = (*SCHEMA_MODULES, "services.gateway.web.schemas.service_levels", "services.gateway.web.schemas.calendar",
           "services.gateway.web.schemas.operators")


def loose_fields(schema, path=""):
    """Paths of the number and date fields under ``schema`` that take a value unbounded."""
    problems = []
    for name, field in schema._declared_fields.items() if isinstance(schema, type) else schema.fields.items():
        problems += loose(field, f"{path}{name}")
    return problems


def loose(field, path):
    if isinstance(field, fields.List):
        return loose(field.inner, f"{path}[].")
    if isinstance(field, fields.Nested):
        return loose_fields(field.nested, f"{path}.")
    if isinstance(field, fields.Date):
        return [] if isinstance(field, PlausibleDay) else [f"{path} (a date without bounds)"]
    if isinstance(field, fields.Integer):
        ranged = [v for v in field.validators if isinstance(v, validate.Range) and v.min is not None
                  and v.max is not None]
        return [] if ranged else [f"{path} (an integer without a range)"]
    if isinstance(field, fields.Float | fields.Decimal):
        return [f"{path} (a float or Decimal: use FiniteDecimal)"]
    return []


@pytest.mark.parametrize("name", sorted(input_schemas(MODULES)))
def test_every_number_and_date_of_every_input_schema_is_bounded(name):
    assert loose_fields(input_schemas(MODULES)[name]) == []


@pytest.mark.parametrize("code", sorted(reference_data()[0].items))
def test_every_catalogue_items_form_bounds_its_numbers(code):
    assert loose_fields(details_schema(reference_data()[0].item(code))) == []


def test_the_laboratories_results_bound_their_numbers_and_dates():
    from services.metrology.schemas import results_schema as metrology_results
    from services.testing.schemas import results_schema as testing_results

    catalogue = reference_data()[0]
    for code, build in (("JL01", metrology_results), ("JL02", metrology_results),
                        ("JC01", testing_results), ("JC02", testing_results)):
        assert loose_fields(build(catalogue.item(code))) == [], code


# -- the shared number ----------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "key"), [
    ("NaN", "not_finite"), ("sNaN", "not_finite"), ("-nan", "not_finite"), ("Infinity", "not_finite"),
    ("-Infinity", "not_finite"), ("inf", "not_finite"),
    ("1E+999999999", "magnitude"), ("-1E+999999999", "magnitude"), ("1E+999999", "magnitude"),
    ("1e999999999999999999", "magnitude"), ("1000000000001", "magnitude"),
    ("0.0000000000001", "too_precise"), ("1E-999999999", "too_precise"),
    ("twelve", "not_a_number"), ("", "not_a_number"),
])
def test_a_number_that_is_no_plausible_reading_is_refused_with_its_reason(text, key):
    with pytest.raises(ValidationError) as refused:
        FiniteDecimal().deserialize(text)
    assert refused.value.messages[0].split("|")[0] == key


@pytest.mark.parametrize(("given", "kept"), [
    ("1.600", "1.600"), ("-0.0012", "-0.0012"), (20.5, "20.5"), (2, "2"), ("1E+3", "1E+3"),
    ("1000000000000", "1000000000000"), ("0.000000000001", "1E-12"), (" 7 ", "7"),
])
def test_a_plausible_number_is_kept_as_written(given, kept):
    assert FiniteDecimal().deserialize(given) == kept


@pytest.mark.parametrize("given", [float("nan"), float("inf"), float("-inf"), 1e308, True, None, [1]])
def test_json_numbers_beyond_any_reading_and_other_types_are_refused(given):
    with pytest.raises(ValidationError):
        FiniteDecimal(allow_none=False).deserialize(given)


# -- the shared date ------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "key"), [
    ("0001-01-01", "date_too_early"), ("1999-12-31", "date_too_early"), ("2101-01-01", "date_too_late"),
    ("9999-12-31", "date_too_late"), ("2026-02-30", "not_a_date"), ("tomorrow", "not_a_date"),
])
def test_a_day_outside_the_platforms_years_is_refused(text, key):
    with pytest.raises(ValidationError) as refused:
        PlausibleDay().deserialize(text)
    assert refused.value.messages[0].split("|")[0] == key


def test_a_day_within_them_is_kept_as_text_or_as_a_date():
    assert PlausibleDay().deserialize("2026-12-07") == "2026-12-07"
    assert PlausibleDay(as_text=False).deserialize("2026-12-07") == date(2026, 12, 7)
    assert PlausibleDay().deserialize(EARLIEST_DAY.isoformat()) == "2000-01-01"
    assert PlausibleDay().deserialize(LATEST_DAY.isoformat()) == "2100-12-31"


def test_a_field_that_means_history_says_how_far_back():
    assert PlausibleDay(earliest=date(1950, 1, 1)).deserialize("1987-03-01") == "1987-03-01"
    with pytest.raises(ValidationError, match="date_too_early"):
        PlausibleDay(earliest=date(1950, 1, 1)).deserialize("1900-01-01")


def test_dates_in_order_and_not_in_the_future():
    dates_in_order({"issued": "2020-01-01", "effective": "2020-07-01"}, "issued", "effective")
    with pytest.raises(ValidationError) as refused:
        dates_in_order({"issued": "2020-07-01", "effective": "2020-01-01"}, "issued", "effective")
    assert refused.value.messages == {"effective": ["date_before|other=issued"]}
    today = date(2026, 12, 7)
    assert not_after("2026-12-07", today, "checked_on") == {}
    assert not_after("2026-12-08", today, "checked_on") == {"checked_on": ["date_in_future"]}
    assert not_after(None, today, "checked_on") == {}


# -- the shared moment ----------------------------------------------------------------------------
@pytest.mark.parametrize(("given", "kept"), [
    ("2026-12-07T09:30:00+08:00", "2026-12-07T01:30:00+00:00"),
    ("2026-12-07T09:30:00", "2026-12-07T01:30:00+00:00"),  # China time unless it says otherwise
    ("2026-12-07", "2026-12-06T16:00:00+00:00"),  # the start of that day in China
])
def test_a_moment_is_kept_in_utc(given, kept):
    from services.common.commands import PlausibleMoment

    assert PlausibleMoment().deserialize(given) == kept


@pytest.mark.parametrize(("given", "key"), [("yesterday", "not_a_moment"), ("9999-12-31T00:00:00", "date_too_late"),
                                            ("0001-01-01", "date_too_early"), (20261207, "not_a_moment"),
                                            ("2026-12-07T09:30:00+08:00" + " " * 40, "not_a_moment")])
def test_a_moment_that_is_none_or_impossible_is_refused(given, key):
    from services.common.commands import PlausibleMoment

    with pytest.raises(ValidationError) as refused:
        PlausibleMoment().deserialize(given)
    assert refused.value.messages[0].split("|")[0] == key


def test_a_moment_in_the_future_is_after_today_in_china():
    assert not_after("2026-12-07T15:59:00+00:00", date(2026, 12, 7), "received_at") == {}
    assert not_after("2026-12-07T16:00:00+00:00", date(2026, 12, 7), "received_at") == {
        "received_at": ["date_in_future"]}
