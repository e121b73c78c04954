"""Finding standards by number or by words of their title, best match first.

Ranks, best first:

0. the exact number (``GB/T 19001-2016``);
1. a number without its year: the latest edition, then (2) the older ones;
3. numbers that start with what was typed (``GB/T 1900`` → GB/T 19000-2016, 19001…);
4. bare digits matching the number part (``19001`` → GB/T 19001-2016, -2008);
5–8. title matches: the whole title, its beginning, the whole query anywhere in it,
   every word of the query somewhere in it.

Within a rank: standards in force first, then newer editions.
Input is read the way people type it (see :mod:`services.common.standard_number`).
"""

import re
from collections.abc import Sequence
from datetime import date

from ...common.standard_number import StandardNumber, normalize_text, parse_number
from .catalogue import STATE_ORDER, Standard

EXACT, LATEST_EDITION, OLDER_EDITION, NUMBER_PREFIX, DIGITS = range(5)
WHOLE_TITLE, TITLE_START, TITLE_CONTAINS, TITLE_WORDS = range(5, 9)
_SLASHLESS_START = re.compile(r"^(GB|RB)T(?=\d)")


def search(
    standards: Sequence[Standard], query: str, today: date, limit: int = 20
) -> tuple[str | None, int, list[Standard]]:
    """(normalised number or None, total matches, the best ``limit`` standards)."""
    text = normalize_text(query)
    if not text:
        return None, 0, []
    number = parse_number(text)
    latest = _latest_editions(standards)
    ranked: list[tuple[tuple[int | str, ...], Standard]] = []
    for standard in standards:
        rank = _rank(standard, text, number, latest)
        if rank is not None:
            ranked.append((_order(rank, standard, today), standard))
    ranked.sort(key=lambda pair: pair[0])
    return (
        (str(number) if number else None),
        len(ranked),
        [standard for _, standard in ranked[:limit]],
    )


def resolve(standards: Sequence[Standard], cited: str | StandardNumber | None) -> Standard | None:
    """The catalogue entry a citation means (an undated one: the latest edition), or None."""
    number = parse_number(cited) if isinstance(cited, str) else cited
    if number is None:
        return None
    if number.year is not None:
        return next((s for s in standards if s.number == str(number)), None)
    return _latest_editions(standards).get(number.base)


def _rank(
    standard: Standard, text: str, number: StandardNumber | None, latest: dict[str, Standard]
) -> int | None:
    parsed = standard.parsed
    if number is not None:
        if str(number) == standard.number:
            return EXACT
        if number.year is None and number.base == parsed.base:
            return LATEST_EDITION if latest.get(parsed.base) is standard else OLDER_EDITION
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
    if rank == OLDER_EDITION:
        return (rank, -standard.year, standard.number)
    return (rank, STATE_ORDER[standard.state_on(today)], -standard.year, standard.number)


def _latest_editions(standards: Sequence[Standard]) -> dict[str, Standard]:
    latest: dict[str, Standard] = {}
    for standard in standards:
        base = standard.parsed.base
        if base not in latest or standard.year > latest[base].year:
            latest[base] = standard
    return latest


def _compact(text: str) -> str:
    return "".join(normalize_text(text).split()).upper()
