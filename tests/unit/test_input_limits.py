"""Every input has a limit (issue 8): each free-text field a maximum length, each list a
maximum number of entries, in every schema that reads a body, the gateway's and the
domain services' alike, and in the form built from each catalogue item."""

import importlib
import inspect

import pytest
from marshmallow import Schema, fields, validate

from services.common.commands import FiniteDecimal
from services.gateway.bootstrap import reference_data
from services.gateway.web.schemas.intake import details_schema

SCHEMA_MODULES = (
    "services.gateway.web.schemas.intake", "services.gateway.web.schemas.certification", "services.gateway.web.schemas.standards",
    "services.metrology.schemas", "services.testing.schemas", "services.standards.schemas",
    "services.certification.schemas", "services.common.commands",
)
# Checked elsewhere, on purpose: the one form's details are loaded by the item's own
# schema (details_schema, checked below), not by this catch-all.
CHECKED_ELSEWHERE = {("SubmissionSchema", "details")}
CATALOGUE_LIST_LIMIT = 100


# The bases of the schemas that read requests and commands (the others write answers).
INPUT_BASES = ("services.gateway.web.schemas.intake.FormSchema", "services.common.commands.CommandSchema",
               "services.standards.schemas.Command", "services.certification.schemas.Command")


def input_schemas(modules=SCHEMA_MODULES):
    found = {}
    for module_name in modules:
        for _, cls in inspect.getmembers(importlib.import_module(module_name), inspect.isclass):
            bases = {f"{base.__module__}.{base.__qualname__}" for base in cls.__mro__[1:]}
            if issubclass(cls, Schema) and bases & set(INPUT_BASES) and cls._declared_fields:
                found[f"{cls.__module__}.{cls.__name__}"] = cls
    return found


def maximum(field, kind):
    """The field's longest accepted length (a choice or an anchored pattern bounds it too)."""
    limits = [v.max for v in field.validators if isinstance(v, kind) and getattr(v, "max", None) is not None]
    bounded = [v for v in field.validators
               if isinstance(v, validate.OneOf) or (isinstance(v, validate.Regexp) and v.regex.pattern.endswith("}$"))]
    return min(limits) if limits else (0 if bounded else None)


def unlimited(schema, path=""):
    """Paths of the fields under ``schema`` that take input without a limit."""
    problems = []
    for name, field in schema._declared_fields.items() if isinstance(schema, type) else schema.fields.items():
        owner = schema.__name__ if isinstance(schema, type) else type(schema).__name__
        if (owner, name) in CHECKED_ELSEWHERE:
            continue
        problems += unlimited_field(field, f"{path}{name}")
    return problems


def unlimited_field(field, path):
    if isinstance(field, fields.String):
        return [] if maximum(field, validate.Length) is not None else [path]
    if isinstance(field, fields.List):
        own = [] if maximum(field, validate.Length) is not None else [f"{path}[]"]
        return own + unlimited_field(field.inner, f"{path}[].")
    if isinstance(field, fields.Nested):
        return unlimited(field.nested, f"{path}.")
    if isinstance(field, fields.Dict):
        return [f"{path}{{}}"]
    if isinstance(field, FiniteDecimal):
        return []  # at most FiniteDecimal.MAX_LENGTH characters
    return []  # numbers, booleans and dates have no length


@pytest.mark.parametrize("name", sorted(input_schemas()))
def test_every_field_of_every_input_schema_is_limited(name):
    assert unlimited(input_schemas()[name]) == []


def test_the_schemas_checked_include_every_service():
    modules = {".".join(name.split(".")[:2]) for name in input_schemas()}
    assert {"services.gateway", "services.metrology", "services.testing", "services.standards",
            "services.certification", "services.common"} <= modules


@pytest.mark.parametrize("code", sorted(reference_data()[0].items))
def test_every_catalogue_items_form_is_limited_and_takes_at_most_100_rows(code):
    item = reference_data()[0].item(code)
    schema = details_schema(item)
    assert unlimited(schema) == []
    for field in schema.fields.values():
        if isinstance(field, fields.List):
            assert maximum(field, validate.Length) <= CATALOGUE_LIST_LIMIT


def test_results_forms_of_the_laboratories_are_limited():
    from services.metrology.schemas import results_schema as metrology_results
    from services.testing.schemas import results_schema as testing_results

    catalogue = reference_data()[0]
    for code, build in (("JL01", metrology_results), ("JL02", metrology_results),
                        ("JC01", testing_results), ("JC02", testing_results)):
        assert unlimited(build(catalogue.item(code))) == [], code


def test_a_number_written_as_a_megabyte_of_digits_is_refused():
    from marshmallow import ValidationError

    with pytest.raises(ValidationError, match="too_long"):
        FiniteDecimal().deserialize("1" * 1_000_000)
