"""Properties of the parsers and the one form, over inputs hypothesis makes up (issue 8):
valid codes round-trip, any text either parses or raises the documented error and
nothing else, every single-character mistake in a code is caught, and the form raises
nothing but ValidationError and never accepts a body missing a required field."""

import copy
import re
import string
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from services.gateway.bootstrap import reference_data
from services.gateway.domain.request_code import (
    MalformedCode,
    RequestCode,
    WrongCheckCharacter,
    new_code,
    parse_code,
)
from services.gateway.domain.uscc import (
    CHARSET,
    InvalidCreditCode,
    check_character,
    normalize_credit_code,
)
from services.gateway.web.schemas.intake import Submission, load_submission

from ..support.data import JL02_BODY

CATALOGUE, STATIONS = reference_data()
CANONICAL_CODE = re.compile(r"[0-9]{6}-[0-9]{8}-[0-9]{5}-[0-9X]", re.ASCII)
ANY_TEXT = st.text(max_size=60) | st.text(alphabet=string.digits + "-X x", max_size=30)


# -- the unified social credit code ---------------------------------------------------------
credit_codes = st.text(alphabet=CHARSET, min_size=17, max_size=17).map(lambda first: first + check_character(first))


@given(credit_codes)
def test_a_valid_credit_code_round_trips_however_it_is_typed(code):
    assert normalize_credit_code(code) == code
    assert normalize_credit_code(f"  {code[:9].lower()} {code[9:]} ") == code


@given(ANY_TEXT | st.text(alphabet=CHARSET + "IOSVZ io", min_size=16, max_size=20))
def test_any_text_is_a_canonical_credit_code_or_one_of_three_documented_refusals(text):
    try:
        code = normalize_credit_code(text)
    except InvalidCreditCode as refused:
        assert refused.reason in ("length", "charset", "check")
    else:
        assert len(code) == 18 and set(code) <= set(CHARSET) and check_character(code[:17]) == code[17]


@given(credit_codes, st.integers(0, 17), st.sampled_from(CHARSET))
def test_every_single_character_substitution_in_a_credit_code_is_refused(code, position, replacement):
    assume(replacement != code[position])
    with pytest.raises(InvalidCreditCode):
        normalize_credit_code(code[:position] + replacement + code[position + 1:])


@given(credit_codes, st.integers(0, 16))
def test_every_swap_of_two_neighbouring_characters_in_a_credit_code_is_refused(code, position):
    assume(code[position] != code[position + 1])
    with pytest.raises(InvalidCreditCode):
        normalize_credit_code(code[:position] + code[position + 1] + code[position] + code[position + 2:])


# -- the request code -----------------------------------------------------------------------
request_codes = st.builds(
    new_code,
    st.text(alphabet=string.digits, min_size=6, max_size=6),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(1, 99999),
).map(str)


def significant(code):
    """The 20 characters that carry the code (hyphens and spaces are only for reading)."""
    return code.replace("-", "")


@given(request_codes)
def test_a_valid_request_code_round_trips_however_it_is_typed(code):
    assert str(parse_code(code)) == code
    assert str(parse_code(f" {significant(code).lower()} ")) == code


# The same digits in other scripts (Arabic-Indic, Devanagari, full-width): \\d matches them.
OTHER_DIGITS = ("٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "０１２３４５６７８９")
codes_in_other_digits = st.tuples(request_codes, st.sampled_from(OTHER_DIGITS)).map(
    lambda pair: pair[0].translate(str.maketrans(string.digits, pair[1])))


@given(ANY_TEXT | codes_in_other_digits)
def test_any_text_is_a_canonical_request_code_or_one_of_two_documented_refusals(text):
    try:
        parsed = parse_code(text)
    except (MalformedCode, WrongCheckCharacter):
        return
    assert isinstance(parsed, RequestCode) and CANONICAL_CODE.fullmatch(str(parsed))


@given(request_codes, st.integers(0, 19), st.characters(codec="utf-8"))
def test_every_single_character_substitution_in_a_request_code_is_refused(code, position, replacement):
    compact = significant(code)
    assume(replacement.upper() != compact[position] and not replacement.isspace() and replacement != "-")
    with pytest.raises((MalformedCode, WrongCheckCharacter)):
        parse_code(compact[:position] + replacement + compact[position + 1:])


@given(request_codes, st.integers(0, 18))
def test_every_swap_of_two_neighbouring_characters_in_a_request_code_is_refused(code, position):
    compact = significant(code)
    assume(compact[position] != compact[position + 1])
    with pytest.raises((MalformedCode, WrongCheckCharacter)):
        parse_code(compact[:position] + compact[position + 1] + compact[position] + compact[position + 2:])


# -- the one form ---------------------------------------------------------------------------
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
FORM_KEYS = ["item", "items", "enterprise", "contact", "details", "name", "uscc", "station", "phone",
             "instruments", "serial_number", "quantity"]


def paths(value, prefix=()):
    """Every path into a body (keys and list positions)."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


def replaced(body, path, value):
    changed = copy.deepcopy(body)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def without(body, path):
    changed = copy.deepcopy(body)
    target = changed
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return changed


EVERY_PATH = [path for path in paths(JL02_BODY) if path]


@st.composite
def mutated_bodies(draw):
    body = JL02_BODY
    for _ in range(draw(st.integers(1, 3))):
        candidates = [path for path in paths(body) if path]
        path = draw(st.sampled_from(candidates))
        body = replaced(body, path, draw(json_values))
    return body


def accepted_or_refused(body):
    try:
        return load_submission(body, CATALOGUE, STATIONS)
    except ValidationError as refused:
        assert refused.messages, "a refusal names what is wrong"
        return None


@settings(max_examples=150)
@given(st.dictionaries(st.sampled_from(FORM_KEYS) | st.text(max_size=8), json_values, max_size=6)
       | mutated_bodies())
def test_the_form_raises_nothing_but_validation_errors(body):
    result = accepted_or_refused(body)
    assert result is None or isinstance(result, Submission)


@given(st.sampled_from([path for path in EVERY_PATH if not isinstance(path[-1], int)]))
def test_the_form_never_accepts_a_body_missing_a_required_field(path):
    """Every field of the contract example is required (the catalogue says so for JL02's),
    and the refusal names the missing one where it was."""
    with pytest.raises(ValidationError) as refused:
        load_submission(without(JL02_BODY, path), CATALOGUE, STATIONS)
    named = refused.value.messages
    for step in path:
        assert step in named, f"the refusal does not name {path}: {refused.value.messages}"
        named = named[step]


names = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=50)
phones = st.from_regex(r"\A1[3-9][0-9]{9}\Z", fullmatch=True)


@given(names, credit_codes, st.sampled_from(sorted(STATIONS.by_division)), names, phones)
def test_any_well_formed_applicant_is_accepted_as_written(enterprise, uscc, station, contact, phone):
    body = copy.deepcopy(JL02_BODY)
    body["enterprise"] = {"name": enterprise, "uscc": uscc.lower(), "station": station}
    body["contact"] = {"name": contact, "phone": phone}
    submission = load_submission(body, CATALOGUE, STATIONS)
    assert submission.enterprise == {"name": enterprise.strip(), "uscc": uscc, "station": station}
    assert submission.contact == {"name": contact.strip(), "phone": phone}
