"""Finding standards by number or by words of their title, best match first.

Ranks, best first:

0. the exact number (``GB/T 19001-2016``);
1. a number without its year: the current edition (the newest not superseded or
   withdrawn), then (3) the other editions;
2. the national standards adopting an international one (``ISO 9001`` → GB/T
   19001-2016, which is identical to ISO 9001:2015);
4. numbers that start with what was typed (``GB/T 1900`` → GB/T 19000-2016, 19001…);
5. bare digits matching the number part (``19001`` → GB/T 19001-2016, -2008);
6–9. title matches: the whole title, its beginning, the whole query anywhere in it,
   every word of the query somewhere in it.

Within a rank: standards in force first, then newer editions.
Input is read the way people type it (see :mod:`services.common.standard_number`).
"""

import re
from collections.abc import Sequence
from datetime import date

from ...common.standard_number import StandardNumber, normalize_text, parse_number
from .catalogue import ENDED, STATE_ORDER, Standard

EXACT, CURRENT_EDITION, ADOPTS, OTHER_EDITION, NUMBER_PREFIX, DIGITS = range(6)
WHOLE_TITLE, TITLE_START, TITLE_CONTAINS, TITLE_WORDS = range(6, 10)
_SLASHLESS_START = re.compile(r"^(GB|RB)T(?=\d)")


def search(
    standards: Sequence[Standard], query: str, today: date, limit: int = 20
) -> tuple[str | None, int, list[Standard]]:
    """(normalised number or None, total matches, the best ``limit`` standards)."""
    text = normalize_text(query)
    if not text:
        return None, 0, []
    number = parse_number(text)
    current = current_editions(standards)
    international = international_number(text)
    ranked: list[tuple[tuple[int | str, ...], Standard]] = []
    for standard in standards:
        rank = _rank(standard, text, number, current, international)
        if rank is not None:
            ranked.append((_order(rank, standard, today), standard))
    ranked.sort(key=lambda pair: pair[0])
    return (
        (str(number) if number else None),
        len(ranked),
        [standard for _, standard in ranked[:limit]],
    )


def resolve(standards: Sequence[Standard], cited: str | StandardNumber | None) -> Standard | None:
    """The catalogue entry a citation means (an undated one: the current edition, see
    :func:`current_editions`), or None."""
    number = parse_number(cited) if isinstance(cited, str) else cited
    if number is None:
        return None
    if number.year is not None:
        return next((s for s in standards if s.number == str(number)), None)
    return current_editions(standards).get(number.base)


def adopting(standards: Sequence[Standard], text: str) -> Standard | None:
    """The current national standard adopting the international one ``text`` names
    (``ISO 9001`` → GB/T 19001-2016), or None."""
    international = international_number(text)
    current = set(map(id, current_editions(standards).values()))
    found = [standard for standard in standards if _adopts(standard, international) and id(standard) in current]
    return max(found, key=lambda standard: standard.year, default=None)


def current_editions(standards: Sequence[Standard]) -> dict[str, Standard]:
    """The edition an undated number means, by base number: the newest that has not
    ended (an undated reference takes the latest edition, GB/T 1.1; ``JJG 49`` is JJG
    49-2013, not the superseded 1999 edition; ``GB 7718`` the 2025 edition, published,
    even before it is in force), or the newest if every edition has ended."""
    by_base: dict[str, list[Standard]] = {}
    for standard in standards:
        by_base.setdefault(standard.parsed.base, []).append(standard)
    return {base: max(editions, key=lambda s: (s.status not in ENDED, s.year)) for base, editions in by_base.items()}


def international_number(text: str) -> tuple[str, int | None] | None:
    """(base, year) of an international number as typed (``ISO 9001``, ``iso/iec
    17025:2017``); the base without "/IEC", which people often leave out. None if the
    text is not one."""
    match = _INTERNATIONAL.match(normalize_text(text))
    if match is None:
        return None
    base = "".join(match["base"].split()).replace("/IEC", "")
    return base, int(match["year"]) if match["year"] else None


_INTERNATIONAL = re.compile(r"^(?P<base>(?:ISO|IEC|OIML)\s*(?:/\s*IEC\s*)?(?:R\s*)?\d+(?:[.-]\d+)*)"
                            r"(?:\s*:\s*(?P<year>\d{4}))?$")


def _adopts(standard: Standard, international: tuple[str, int | None] | None) -> bool:
    if international is None or not standard.adopts:
        return False
    adopted = international_number(standard.adopts["number"])
    base, year = international
    return adopted is not None and adopted[0] == base and year in (None, adopted[1])


def _rank(
    standard: Standard, text: str, number: StandardNumber | None, current: dict[str, Standard],
    international: tuple[str, int | None] | None,
) -> int | None:
    parsed = standard.parsed
    if number is not None:
        if str(number) == standard.number:
            return EXACT
        if number.year is None and number.base == parsed.base:
            return CURRENT_EDITION if current.get(parsed.base) is standard else OTHER_EDITION
    if _adopts(standard, international):
        return ADOPTS
    compact = _compact(text)
    if _NUMBERISH.match(compact):
        if _compact(standard.number).startswith(_SLASHLESS_START.sub(r"\1/T", compact)):
            return NUMBER_PREFIX
        if (
            compact[0].isdigit()
            and parsed.number.startswith(compact.split("-")[0])
            and _year_fits(compact, parsed)
        ):
            return DIGITS
    return _title_rank(standard, text)


_NUMBERISH = re.compile(r"^[A-Z0-9/.\-]+$")


def _year_fits(compact: str, parsed: StandardNumber) -> bool:
    _, _, year = compact.partition("-")
    return not year or str(parsed.year or "").startswith(year)


def _title_rank(standard: Standard, text: str) -> int | None:
    title = _compact(standard.title_zh) + "|" + _compact(standard.title_en or "")
    zh = _compact(standard.title_zh)
    whole = _compact(text)
    if whole == zh:
        return WHOLE_TITLE
    if zh.startswith(whole):
        return TITLE_START
    if whole in title:
        return TITLE_CONTAINS
    if all(_compact(word) in title for word in text.split()):
        return TITLE_WORDS
    return None


def _order(rank: int, standard: Standard, today: date) -> tuple[int | str, ...]:
    if rank == OTHER_EDITION:
        return (rank, -standard.year, standard.number)
    return (rank, STATE_ORDER[standard.state_on(today)], -standard.year, standard.number)


def _compact(text: str) -> str:
    return "".join(normalize_text(text).split()).upper()
