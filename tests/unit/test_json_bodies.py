"""A JSON body the API cannot take is a clear 4xx at the edge (issue 26 §5): nested
deeper than any body the API reads, a lone surrogate where text is expected, a number
that is not finite. Never a RecursionError or an encoding error later, as a 500."""

import json

import pytest
from marshmallow import ValidationError
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.gateway.web.errors import (
    MAX_JSON_DEPTH,
    ApiError,
    as_api_error,
    plain_json_problems,
    read_json_object,
)


def request_with(raw):
    return Request(EnvironBuilder(method="POST", data=raw, content_type="application/json").get_environ())


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 500, 100_000])
def test_a_body_nested_too_deep_is_400_whatever_the_depth(depth):
    raw = '{"details": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(ApiError) as refused:
        read_json_object(request_with(raw))
    assert (refused.value.status, refused.value.code) == (400, "too_deeply_nested")


def test_a_body_as_deep_as_allowed_is_read():
    depth = MAX_JSON_DEPTH - 1
    body = read_json_object(request_with('{"a": ' + "[" * depth + "]" * depth + "}"))
    assert "a" in body


def test_lone_surrogates_are_named_field_by_field_and_answered_422():
    raw = '{"contact": {"name": "\\ud800"}, "items": ["ok", "\\udfff"], "\\udc80": 1, "fine": "张伟"}'
    with pytest.raises(ValidationError) as refused:
        read_json_object(request_with(raw))
    assert refused.value.messages == {"contact": {"name": ["invalid_text"]}, "items": {1: ["invalid_text"]},
                                      "\\udc80": ["invalid_text"]}
    error = as_api_error(refused.value)
    assert error.status == 422
    json.dumps(error.fields, ensure_ascii=False).encode("utf-8")  # the answer itself can be written


def test_a_proper_surrogate_pair_is_text():
    assert read_json_object(request_with('{"name": "\\ud83d\\ude00"}')) == {"name": "😀"}


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_numbers_json_does_not_have_are_refused_on_their_field(literal):
    with pytest.raises(ValidationError) as refused:
        read_json_object(request_with(f'{{"environment": {{"temperature_c": {literal}}}}}'))
    assert refused.value.messages == {"environment": {"temperature_c": ["not_finite"]}}


def test_a_plain_body_has_no_problems():
    assert plain_json_problems({"a": [1, 2.5, "文字", {"b": None, "c": True}]}) == {}
