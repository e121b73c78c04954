"""Unified request code (办件编码).

Format ``DDDDDD-YYYYMMDD-NNNNN-C``, e.g. ``321322-20261126-00001-7``:

* ``DDDDDD`` the 6-digit administrative division code of the accepting station;
* ``YYYYMMDD`` the submission date (China Standard Time);
* ``NNNNN`` the station's sequence number for that day;
* ``C`` an ISO 7064 MOD 11-2 check character over the 19 digits (``0``-``9`` or ``X``,
  the same scheme as the resident identity card number, so it is familiar to staff).

MOD 11-2 detects every single-character substitution and every transposition of two
adjacent characters, so a mistyped code is told apart from an unknown one. Codes are
read without regard to hyphens, spaces or the case of ``x``.
"""

import re
from dataclasses import dataclass
from datetime import date

SEQUENCE_DIGITS = 5
# [0-9], not \d: \d matches the digits of every script (٣, ３), and a code has ASCII ones.
_BODY = re.compile(r"^([0-9]{6})([0-9]{8})([0-9]{5})([0-9X])$")


class MalformedCode(ValueError):
    """Not shaped like a request code at all."""


class WrongCheckCharacter(ValueError):
    """Shaped like a request code, but its check character does not match: a typing error."""


def mod11_2_check(digits: str) -> str:
    remainder = 0
    for digit in digits:
        remainder = (remainder + int(digit)) * 2 % 11
    value = (12 - remainder) % 11
    return "X" if value == 10 else str(value)


@dataclass(frozen=True)
class RequestCode:
    division: str
    day: date
    sequence: int

    @property
    def check(self) -> str:
        return mod11_2_check(self._digits())

    def _digits(self) -> str:
        return f"{self.division}{self.day:%Y%m%d}{self.sequence:0{SEQUENCE_DIGITS}d}"

    def __str__(self) -> str:
        return f"{self.division}-{self.day:%Y%m%d}-{self.sequence:0{SEQUENCE_DIGITS}d}-{self.check}"


def new_code(division: str, day: date, sequence: int) -> RequestCode:
    if not re.fullmatch(r"[0-9]{6}", division):
        raise ValueError(f"division code must be 6 digits, got {division!r}")
    if not 1 <= sequence < 10**SEQUENCE_DIGITS:
        raise ValueError(f"sequence {sequence} out of range")
    return RequestCode(division, day, sequence)


def parse_code(text: object) -> RequestCode:
    """The :class:`RequestCode` written in ``text``; raises MalformedCode / WrongCheckCharacter
    (MalformedCode for anything but text too: ``text`` may come straight from a request)."""
    if not isinstance(text, str) or len(text) > 40:
        raise MalformedCode(text)
    compact = re.sub(r"[\s-]", "", text).upper()
    match = _BODY.match(compact)
    if not match:
        raise MalformedCode(text)
    division, day_text, sequence, check = match.groups()
    # The check comes first: a typo anywhere (even one that makes the date impossible)
    # is reported as a typo.
    if mod11_2_check(division + day_text + sequence) != check:
        raise WrongCheckCharacter(text)
    try:
        day = date(int(day_text[:4]), int(day_text[4:6]), int(day_text[6:]))
    except ValueError as exc:
        raise MalformedCode(text) from exc
    if int(sequence) == 0:
        raise MalformedCode(text)
    return RequestCode(division, day, int(sequence))
