"""A standard in the catalogue (标准目录), in plain Python.

Its catalogued ``status`` is current, superseded (被代替) or withdrawn (废止). What a
reader needs is its *state* on a given day: a current standard published but not yet
in force is ``upcoming`` (即将实施) until its effective date. When a standard is marked
superseded or withdrawn, ``standard_superseded`` announces it with the enterprises
following it, so each can be told.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Self

from ...common.clock import parse_date
from ...common.contracts import Follower, StandardEnded
from ...common.domain import DomainEvent, InvalidTransition
from ...common.standard_number import StandardNumber, parse_number

CURRENT = "current"
UPCOMING = "upcoming"
SUPERSEDED = "superseded"
WITHDRAWN = "withdrawn"
ENDED = (SUPERSEDED, WITHDRAWN)
# Readers see standards in force first, then those about to be, then the rest.
STATE_ORDER = {CURRENT: 0, UPCOMING: 1, SUPERSEDED: 2, WITHDRAWN: 3}


@dataclass
class Standard:
    number: str
    title_zh: str
    title_en: str | None = None
    kind: str | None = None
    status: str = CURRENT
    issued: str | None = None
    effective: str | None = None
    replaces: list[str] = field(default_factory=list)
    replaced_by: str | None = None
    ics: str | None = None
    source: str | None = None  # where the entry's data comes from
    # the international standard it adopts: {"number": "ISO 9001:2015", "degree": "idt", "source": ...}
    adopts: dict[str, Any] | None = None
    ended_on: str | None = None  # the day it was marked superseded or withdrawn here
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def from_seed(cls, entry: dict[str, Any]) -> Self:
        known: dict[str, Any] = {
            name: entry.get(name)
            for name in cls.__dataclass_fields__
            if name not in ("version", "new_events")
        }
        known["replaces"] = list(entry.get("replaces") or [])
        return cls(**known)

    @classmethod
    def add(cls, fields: dict[str, Any], now: datetime) -> Self:
        """A standard an administrator adds (a new edition, say) as current."""
        standard = cls(**fields, kind=_parsed(fields["number"]).prefix)
        standard.new_events.append(
            DomainEvent("standard_added", {"number": standard.number, "added_at": now.isoformat()})
        )
        return standard

    @property
    def parsed(self) -> StandardNumber:
        return _parsed(self.number)

    @property
    def year(self) -> int:
        return self.parsed.year or 0

    def state_on(self, today: date) -> str:
        if self.status != CURRENT:
            return self.status
        if self.effective and parse_date(self.effective) > today:
            return UPCOMING
        return CURRENT

    def end(
        self, status: str, replaced_by: str | None, followers: Iterable[Follower], today: date
    ) -> None:
        """Mark it superseded (by ``replaced_by``) or withdrawn, and tell its followers."""
        if self.status != CURRENT:
            raise InvalidTransition(self.number, self.status, status)
        self.status = status
        self.replaced_by = replaced_by
        self.ended_on = today.isoformat()
        ended = StandardEnded(number=self.number, status=status, on=self.ended_on, title_zh=self.title_zh,
                              title_en=self.title_en, replaced_by=replaced_by, followers=tuple(followers))
        self.new_events.append(DomainEvent(StandardEnded.TYPE, ended.as_data()))

    def summary(self, today: date) -> dict[str, Any]:
        return {
            "number": self.number,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "status": self.status,
            "state": self.state_on(today),
            "issued": self.issued,
            "effective": self.effective,
            "replaced_by": self.replaced_by,
            "adopts": self.adopts,
        }


def _parsed(number: str) -> StandardNumber:
    """A catalogued number is a standard number (the schemas and the seed see to it)."""
    parsed = parse_number(number)
    if parsed is None:
        raise ValueError(f"{number!r} is not a standard number")
    return parsed
