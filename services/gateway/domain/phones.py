"""Mainland China mobile numbers as people type them (issue 29): ``139-1234-5678``,
``139 1234 5678``, ``+86 139 1234 5678``, ``0086 13912345678``, full-width digits from
a Chinese input method. Kept and compared as the 11 digits (``13912345678``), so one
number is one number wherever it was typed.
"""

import re
import unicodedata

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# What people put between the digits; anything else (letters, a second number) is refused.
SEPARATORS = re.compile(r"[\s\-.()（）]")
COUNTRY_PREFIXES = ("+86", "0086", "86")


class InvalidPhone(ValueError):
    """Not a mainland mobile number, however it is written."""


def normalize_mainland_mobile(typed: str) -> str:
    """The 11 digits of a mainland mobile number typed any usual way; InvalidPhone if
    it is none (a landline, a foreign number, a digit missing)."""
    if not isinstance(typed, str):
        raise InvalidPhone(repr(typed))
    compact = SEPARATORS.sub("", unicodedata.normalize("NFKC", typed))
    for prefix in COUNTRY_PREFIXES:
        # "86" alone is a prefix only before 11 more digits ("8613912345678")
        if compact.startswith(prefix) and len(compact) - len(prefix) == 11:
            compact = compact[len(prefix):]
            break
    if not MOBILE.match(compact):
        raise InvalidPhone(typed)
    return compact

