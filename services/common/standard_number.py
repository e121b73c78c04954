"""Chinese standard numbers (标准编号) as people type them, in one canonical form.

``GB/T 19001-2016`` is written many ways: ``gb/t19001-2016``, ``GBT 19001—2016``,
full-width ``ＧＢ／Ｔ　１９００１－２０１６``. :func:`parse_number` reads one of them
into a :class:`StandardNumber` whose ``str`` is the catalogue's spelling; the year may be
missing (an undated reference means the latest edition). :func:`find_numbers` picks
the numbers out of free text (a list of cited standards, a product description).

Standards, certification and testing all compare numbers this way, so it lives here.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# No national standard was issued before the People's Republic's first ones (1950s): a
# standard's dates go back further than the platform's own years, but not to year 1.
FIRST_STANDARDS_DAY = date(1950, 1, 1)

# Dashes people paste from documents (the standards themselves print "—").
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−－﹣"), "-")
# "GBT" is a common way of typing "GB/T" without the slash.
_SLASHLESS = {"GBT": "GB/T", "RBT": "RB/T"}  # not GBZ: that is a prefix of its own

# The code of the issuer: letters, or a province's DB with its two digits (DB32/T); so
# "gbt19001" is GB/T 19001 and "JJG49" JJG 49, not "GBT19 001". "GB T 19001" (a space
# for the slash) is GB/T too.
_ORG = r"(?P<org>DB\d{2}|[A-Z]{1,5})(?:\s*/\s*(?P<sub>[TZ])|\s+(?P<spaced_sub>[TZ])(?=\s*\d))?"
_NUMBER = r"(?P<number>\d+(?:\.\d+)*)"
_YEAR = r"(?:\s*-\s*(?P<year>\d{4}))?"
# A whole number may give its year after a space too ("GB/T 19001 2016").
_WHOLE_YEAR = r"(?:(?:\s*-\s*|\s+)(?P<year>(?:19|20)\d{2}))?"
_WHOLE = re.compile(rf"^{_ORG}\s*{_NUMBER}{_WHOLE_YEAR}$")
# In running text only well-known codes count, so "ISO 9001" or "型号 AB 12" do not.
_IN_TEXT = re.compile(
    r"(?<![A-Z0-9/])(?P<org>GBT|GBZ|GB|JJG|JJF|RBT|RB|DB\d{2}|[A-Z]{2})(?:\s*/\s*(?P<sub>[TZ]))?"
    rf"\s*{_NUMBER}{_YEAR}(?![\d.])"
)


@dataclass(frozen=True)
class StandardNumber:
    prefix: str  # "GB/T", "JJG", "DB32/T"
    number: str  # "19001", "4789.2"
    year: int | None = None

    @property
    def base(self) -> str:
        """The number without its year: every edition of one standard shares it."""
        return f"{self.prefix} {self.number}"

    def __str__(self) -> str:
        return self.base if self.year is None else f"{self.base}-{self.year}"


def normalize_text(text: str | None) -> str:
    """Full-width to half-width, every dash to "-", upper case, single spaces."""
    folded = unicodedata.normalize("NFKC", text or "").translate(_DASHES).upper()
    return " ".join(folded.split())


def _from_match(match: re.Match[str]) -> StandardNumber:
    org = match["org"]
    sub = match["sub"] or match.groupdict().get("spaced_sub")
    if sub:
        prefix = f"{org}/{sub}"
    else:
        prefix = _SLASHLESS.get(org, org)
    year = int(match["year"]) if match["year"] else None
    return StandardNumber(prefix, match["number"], year)


def parse_number(text: str | None) -> StandardNumber | None:
    """The standard number ``text`` spells, or None if it is not one."""
    match = _WHOLE.match(normalize_text(text))
    return _from_match(match) if match else None


def find_numbers(text: str | None) -> list[StandardNumber]:
    """Every standard number written in ``text``, in order, each once."""
    found: list[StandardNumber] = []
    for match in _IN_TEXT.finditer(normalize_text(text)):
        number = _from_match(match)
        if number not in found:
            found.append(number)
    return found


def canonical(text: str | None) -> str:
    """The canonical spelling of a number, or the tidied text if it is not one."""
    number = parse_number(text)
    return str(number) if number else normalize_text(text)
