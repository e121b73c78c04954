"""Request codes tell a mistyped code apart from an unknown one (exhaustively checked)."""

from datetime import date

import pytest

from services.gateway.domain.request_code import (
    MalformedCode,
    WrongCheckCharacter,
    new_code,
    parse_code,
)

SAMPLES = [
    new_code(division, day, sequence)
    for division in ("321302", "321311", "321322", "321323", "321324", "321371")
    for day in (date(2026, 1, 1), date(2026, 11, 26), date(2027, 12, 31))
    for sequence in (1, 9, 10, 4711, 99999)
]
CHARACTERS = "0123456789X"


def typos(code_text):
    """Every single-character substitution and every adjacent transposition."""
    positions = [i for i, char in enumerate(code_text) if char != "-"]
    for i in positions:
        for replacement in CHARACTERS:
            if replacement != code_text[i]:
                yield code_text[:i] + replacement + code_text[i + 1 :]
    for left, right in zip(positions, positions[1:], strict=False):
        if right == left + 1 and code_text[left] != code_text[right]:
            chars = list(code_text)
            chars[left], chars[right] = chars[right], chars[left]
            yield "".join(chars)


def test_the_format_is_division_date_sequence_check():
    code = new_code("321322", date(2026, 11, 26), 1)
    assert str(code) == "321322-20261126-00001-6"


@pytest.mark.parametrize("code", SAMPLES, ids=str)
def test_every_sample_code_reads_back(code):
    assert parse_code(str(code)) == code
    assert parse_code(str(code).replace("-", "").lower()) == code


@pytest.mark.parametrize("code", SAMPLES, ids=str)
def test_every_single_substitution_and_adjacent_transposition_is_caught(code):
    checked = 0
    for typo in typos(str(code)):
        with pytest.raises((WrongCheckCharacter, MalformedCode)):
            parse_code(typo)
        checked += 1
    assert checked > 200  # 20 characters x 10 substitutions, plus transpositions


def test_a_typo_in_the_digits_is_reported_as_a_typo_not_as_garbage():
    typo = "321322-20261126-00002-6"
    with pytest.raises(WrongCheckCharacter):
        parse_code(typo)


@pytest.mark.parametrize("text", ["", "hello", "321322-2026112-00001-6", "321322-20261126-00001", "X" * 100, "321322-20261326-00001-" ])
def test_text_not_shaped_like_a_code_is_malformed(text):
    with pytest.raises(MalformedCode):
        parse_code(text)
