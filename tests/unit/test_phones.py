"""Mainland mobile numbers are taken as people type them and kept as 11 digits (issue 29)."""

import pytest

from services.gateway.domain.phones import InvalidPhone, normalize_mainland_mobile


@pytest.mark.parametrize("typed", [
    "13912345678", "139-1234-5678", "139 1234 5678", "+86 139 1234 5678", "+86-139-1234-5678",
    "0086 13912345678", "8613912345678", "(139) 1234 5678", " 139.1234.5678 ", "１３９１２３４５６７８",
])
def test_every_usual_way_of_typing_one_number_is_that_number(typed):
    assert normalize_mainland_mobile(typed) == "13912345678"


@pytest.mark.parametrize("typed", [
    "", "1391234567", "139123456789", "12912345678", "0527-88881234", "+1 415 555 0100", "139x1234x5678",
    "86 1391234567", "+8613912345678 13912345678",
])
def test_anything_else_is_refused(typed):
    with pytest.raises(InvalidPhone):
        normalize_mainland_mobile(typed)
