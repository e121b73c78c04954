"""The unified social credit code (GB 32100-2015) is checked before anything is stored."""

import pytest

from services.gateway.domain.uscc import (
    CHARSET,
    InvalidCreditCode,
    check_character,
    normalize_credit_code,
)

VALID = "91321322MA1ABC123P"  # the example in the intake contract


def test_a_valid_code_is_accepted_and_normalized():
    assert normalize_credit_code(" 91321322ma1abc123p ") == VALID


@pytest.mark.parametrize("position", range(18))
def test_any_single_character_typo_is_caught(position):
    for replacement in CHARSET:
        if replacement == VALID[position]:
            continue
        typo = VALID[:position] + replacement + VALID[position + 1 :]
        with pytest.raises(InvalidCreditCode) as caught:
            normalize_credit_code(typo)
        assert caught.value.reason == "check"


@pytest.mark.parametrize(
    ("code", "reason"),
    [("91321322MA1ABC123", "length"), ("91321322MA1ABC123PP", "length"), ("91321322MA1ABC1I3P", "charset")],
)
def test_wrong_length_and_letters_outside_the_charset_are_named(code, reason):
    with pytest.raises(InvalidCreditCode) as caught:
        normalize_credit_code(code)
    assert caught.value.reason == reason


def test_check_character_follows_the_standard_weights():
    # 31 - (sum of value x weight mod 31), with 31 mapped to "0"
    assert check_character("91321322MA1ABC123") == "P"
