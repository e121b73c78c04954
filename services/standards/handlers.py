"""Standards use cases: the catalogue, BZ cases and the standards watch.

Plain functions over repositories (in-memory in unit tests, Mongo in the service).
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from ..common.clock import china_date, parse_date
from ..common.commands import decline_work
from ..common.contracts import DispatchedWork, TerminatedWork
from ..common.idempotency import already_received, cancel_once, open_once
from ..common.repository import VersionConflict
from ..common.standard_number import find_numbers, normalize_text, parse_number
from .adapters.follows import FollowRegistry
from .adapters.repository import CaseRepository, StandardRepository
from .domain import search as catalogue_search
from .domain.catalogue import CURRENT, SUPERSEDED, Standard
from .domain.model import DECLARATION, LOOKUP, UNVERIFIED, Case
from .exceptions import StandardExists, StandardNotFound, UnknownReplacement

log = logging.getLogger(__name__)

# A BZ01 answer lists at most this many standards; the enterprise follows each of them.
LOOKUP_ANSWER_LIMIT = 10


# -- the catalogue ---------------------------------------------------------------------------
def seed_catalogue(standards: StandardRepository, entries: Iterable[dict[str, Any]]) -> int:
    """Add the shipped standards that are not catalogued yet; returns how many were added.
    Standards already stored keep their state (an administrator may have changed it);
    what the seed has learnt since they were stored and no one sets (the international
    standard one adopts) is added to them."""
    present = {standard.number: standard for standard in standards.all()}
    added = 0
    for entry in entries:
        stored = present.get(entry["number"])
        if stored is None:
            added += standards.add_if_absent(Standard.from_seed(entry))
        elif entry.get("adopts") and not stored.adopts:
            stored.adopts = entry["adopts"]
            try:
                standards.save(stored)
            except VersionConflict:
                log.info("%s changed meanwhile; the next start adds what it adopts", stored.number)
    return added


def search(
    standards: StandardRepository, query: str, now: datetime, limit: int = 20
) -> dict[str, Any]:
    today = china_date(now)
    normalized, total, found = catalogue_search.search(standards.all(), query, today, limit)
    return {
        "query": query,
        "normalized": normalized,
        "total": total,
        "results": [standard.summary(today) for standard in found],
    }


def get_standard(standards: StandardRepository, number: str, now: datetime) -> dict[str, Any]:
    """A standard and its neighbours in time (what it replaces, what replaces it)."""
    catalogue = standards.all()
    standard = _resolved(catalogue, number)
    replaces = sorted(
        set(standard.replaces) | {s.number for s in catalogue if s.replaced_by == standard.number}
    )
    editions = sorted(
        (s.number for s in catalogue if s.parsed.base == standard.parsed.base), reverse=True
    )
    return {
        **standard.summary(china_date(now)),
        "replaces": replaces,
        "editions": editions,
        "ics": standard.ics,
    }


def add_standard(
    standards: StandardRepository, fields: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Catalogue a standard an administrator adds; what get_standard then says of it."""
    number = parse_number(fields["number"])
    standard = Standard.add({**fields, "number": str(number)}, now)
    if not standards.add_if_absent(standard):
        raise StandardExists(str(number))
    return get_standard(standards, standard.number, now)


def end_standard(
    standards: StandardRepository,
    follows: FollowRegistry,
    number: str,
    status: str,
    replaced_by: str | None,
    now: datetime,
) -> dict[str, Any]:
    """Mark a current standard superseded (by a catalogued successor) or withdrawn; what
    get_standard then says of it."""
    catalogue = standards.all()
    standard = _resolved(catalogue, number)
    successor = None
    if replaced_by is not None:
        successor = catalogue_search.resolve(catalogue, parse_number(replaced_by))
        usable = (
            successor is not None
            and successor.status == CURRENT
            and successor.number != standard.number
        )
        if not usable:
            raise UnknownReplacement(replaced_by)
    elif status == SUPERSEDED:
        raise UnknownReplacement(None)
    standard.end(
        status,
        successor.number if successor else None,
        follows.followers(standard.number),
        china_date(now),
    )
    standards.save(standard)
    return get_standard(standards, standard.number, now)


# -- the standards watch ------------------------------------------------------------------------
def followed_standards(
    standards: StandardRepository, follows: FollowRegistry, uscc: str, now: datetime
) -> list[dict[str, Any]]:
    """The standards an enterprise follows, each as the catalogue has it today (its
    state, what replaces it), with since when and the request that led to it."""
    today = china_date(now)
    followed = []
    for follow in follows.of_enterprise(uscc):
        standard = standards.get_or_none(follow["number"])
        summary = standard.summary(today) if standard is not None else {"number": follow["number"]}
        followed.append({**summary, "since": follow["since"], "request_code": follow["request_code"]})
    return followed


def unfollow(follows: FollowRegistry, uscc: str, number: str) -> bool:
    """The enterprise stops following a standard; False if it did not follow it."""
    return follows.unfollow(number, uscc)


def _resolved(catalogue: Sequence[Standard], number: str) -> Standard:
    """The catalogue entry ``number`` means (an undated one: the current edition; an
    international one: the current national standard adopting it)."""
    standard = catalogue_search.resolve(catalogue, number) or catalogue_search.adopting(catalogue, number)
    if standard is None:
        raise StandardNotFound(number)
    return standard


def supersede_replaced_in_force(
    standards: StandardRepository, follows: FollowRegistry, now: datetime
) -> int:
    """Standards still current but replaced by an edition now in force become superseded
    on that edition's effective date (e.g. GB 7718-2011 when GB 7718-2025 takes effect).
    A successor whose effective date is not known changes nothing: we cannot tell when."""
    today = china_date(now)
    catalogue = {standard.number: standard for standard in standards.all()}
    ended = 0
    for standard in catalogue.values():
        successor = catalogue.get(standard.replaced_by or "")
        if standard.status != CURRENT or successor is None or successor.status != CURRENT:
            continue
        if not successor.effective or parse_date(successor.effective) > today:
            continue
        try:
            standard.end(SUPERSEDED, successor.number, follows.followers(standard.number), today)
            standards.save(standard)
            ended += 1
        except VersionConflict:
            log.info("%s changed meanwhile; the next tick looks again", standard.number)
    return ended


# -- cases -------------------------------------------------------------------------------------
def receive_dispatched_request(
    cases: CaseRepository,
    standards: StandardRepository,
    follows: FollowRegistry,
    work: DispatchedWork,
    now: datetime,
) -> Case | None:
    """Open the case; a lookup is answered and a declaration's references checked at once.
    The enterprise follows what it asked about or declared. Follows are recorded first:
    they are idempotent, so a redelivered dispatch completes what a crash interrupted."""
    existing = cases.get_or_none(work.code)
    if existing is not None and already_received(existing, work):
        return None
    first_step = _first_step(standards, follows, work, now)

    def opened(work: DispatchedWork, moment: datetime) -> Case:
        case = Case.open(work, moment)
        first_step(case, moment)
        return case

    received: Case | None = open_once(cases, opened, work, now)
    return received


def stop_terminated_work(cases: CaseRepository, work: TerminatedWork, now: datetime) -> bool:
    """The station ended the request after dispatch: stop the case unless it is
    answered or decided (``domain.Cancellable``); once per termination."""
    return cancel_once(cases, work, now)


def decline_job(
    cases: CaseRepository, request_code: str, command: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Decline dispatched work before starting on it: it goes back to the station."""
    return decline_work(cases, request_code, command, now)


def _first_step(
    standards: StandardRepository, follows: FollowRegistry, work: DispatchedWork, now: datetime
) -> Callable[[Case, datetime], None]:
    """What a new case does at once: a lookup is answered, a declaration's references
    checked (and the enterprise follows those standards); a question waits for a person."""
    if work.item not in (LOOKUP, DECLARATION):
        return lambda case, moment: None
    catalogue = standards.all()
    today = china_date(now)
    if work.item == LOOKUP:
        _, _, found = catalogue_search.search(
            catalogue, work.details.get("query", ""), today, LOOKUP_ANSWER_LIMIT
        )
        summaries = [standard.summary(today) for standard in found]
        _follow(follows, [s["number"] for s in summaries], work, now)
        return lambda case, moment: case.answer_lookup(summaries, moment)
    references, unrecognised = check_references(catalogue, work.details, today)
    _follow(follows, [r["number"] for r in references if r["number"]], work, now)
    return lambda case, moment: case.check_references(references, unrecognised, moment)


def _follow(
    follows: FollowRegistry, numbers: Iterable[str], work: DispatchedWork, now: datetime
) -> None:
    for number in numbers:
        follows.follow(number, work.enterprise, work.code, now)


def check_references(
    catalogue: Sequence[Standard], details: dict[str, Any], today: date
) -> tuple[list[dict[str, Any]], list[str]]:
    """What the catalogue says of each standard a declaration cites, and the lines of its
    reference list that name no standard number at all."""
    cited_text = "\n".join(
        filter(None, [details.get("referenced_standards"), details.get("standard_text")])
    )
    references = []
    for cited in find_numbers(cited_text):
        standard = catalogue_search.resolve(catalogue, cited)
        references.append(
            {
                "cited": str(cited),
                "number": standard.number if standard else None,
                "title_zh": standard.title_zh if standard else None,
                "state": standard.state_on(today) if standard else UNVERIFIED,
                # not in the catalogue: nothing here says it exists or is in force
                "verified": standard is not None,
                "replaced_by": standard.replaced_by if standard else None,
            }
        )
    unrecognised = [
        line.strip()
        for line in (details.get("referenced_standards") or "").splitlines()
        if normalize_text(line) and not find_numbers(line)
    ]
    return references, unrecognised


def get_case(cases: CaseRepository, request_code: str) -> Case:
    case: Case = cases.get(request_code)
    return case


def case_as_of(cases: CaseRepository, standards: StandardRepository, request_code: str, now: datetime) -> Case:
    """A case as its reviewer reads it: a declaration still to be decided has its
    references checked against the catalogue as it is now, so a standard superseded
    since it arrived shows at once (the decision checks them again). Nothing is saved."""
    case = get_case(cases, request_code)
    if case.awaits_review():
        references, unrecognised = check_references(standards.all(), case.details, china_date(now))
        case.references, case.unrecognised = references, unrecognised
    return case


def review_declaration(
    cases: CaseRepository,
    standards: StandardRepository,
    request_code: str,
    command: dict[str, Any],
    now: datetime,
) -> Case:
    case = get_case(cases, request_code)
    references, unrecognised = check_references(standards.all(), case.details, china_date(now))
    case.review_declaration(command["decision"], command["comments"], references, unrecognised, now,
                            acknowledge_unverified=command.get("acknowledge_unverified", False))
    cases.save(case)
    return case


def answer_question(
    cases: CaseRepository, request_code: str, command: dict[str, Any], now: datetime
) -> Case:
    case = get_case(cases, request_code)
    case.answer_question(command["answer"], command["attachments"], now)
    cases.save(case)
    return case
