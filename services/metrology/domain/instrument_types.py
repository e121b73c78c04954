"""Instrument types under compulsory verification (强制检定), with their verification period.

Seeded from ``data/verification-catalogue-partial.json`` (30 types, SAMR announcement
2020 No. 42, read from secondary listings). Most periods there are unknown, and even
the known ones come from local bulletins rather than the JJG text, so every period says
where it comes from:

* ``administrator`` — set by a metrology administrator: the only confirmed basis;
* ``secondary_source`` — the seed listing gives one; use it, but it is unconfirmed;
* ``unconfirmed_default`` — nothing known: :data:`DEFAULT_PERIOD_MONTHS` is used until
  an administrator sets the type's period.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...common.domain import DomainEvent

DEFAULT_PERIOD_MONTHS = 12
ADMINISTRATOR = "administrator"
SECONDARY_SOURCE = "secondary_source"
UNCONFIRMED_DEFAULT = "unconfirmed_default"


@dataclass
class InstrumentType:
    id: str
    name: dict[str, str]  # {"zh-CN": ..., "en": ...}
    category: str
    regulation: dict[str, Any] | None  # {"code": "JJG 52-2013", "title": ...}; None if none is known
    uses: list[str]
    listed_period_months: int | None
    period_note: str | None
    period_months: int | None = None  # set by an administrator
    period_set_by: str | None = None
    period_set_at: str | None = None
    period_history: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0
    new_events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def from_catalogue(cls, entry: dict[str, Any]) -> "InstrumentType":
        regulation = {"code": entry["jjg"], "title": entry.get("jjg_title")} if entry.get("jjg") else None
        return cls(
            id=type_id(entry["name_en"]),
            name={"zh-CN": entry["name_zh"], "en": entry["name_en"]},
            category=entry.get("category") or "",
            regulation=regulation,
            uses=list(entry.get("uses") or []),
            listed_period_months=entry.get("period_months"),
            period_note=entry.get("period_note"),
        )

    def effective_period(self) -> tuple[int, str]:
        """(months, basis): the period verification certificates of this type get."""
        if self.period_months is not None:
            return self.period_months, ADMINISTRATOR
        if self.listed_period_months is not None:
            return self.listed_period_months, SECONDARY_SOURCE
        return DEFAULT_PERIOD_MONTHS, UNCONFIRMED_DEFAULT

    def set_period(self, months: int, operator: str, note: str | None, now: datetime) -> None:
        self.period_history.append({"at": now.isoformat(), "by": operator, "from": self.effective_period()[0],
                                    "to": months, "note": note})
        self.period_months = months
        self.period_set_by = operator
        self.period_set_at = now.isoformat()
        self.new_events.append(DomainEvent("verification_period_set", {
            "instrument_type": self.id, "period_months": months, "operator": operator, "note": note,
        }))

    def view(self) -> dict[str, Any]:
        months, basis = self.effective_period()
        return {
            "id": self.id, "name": self.name, "category": self.category, "regulation": self.regulation,
            "uses": self.uses, "period_months": months, "period_basis": basis,
            "period_confirmed": basis == ADMINISTRATOR, "listed_period_months": self.listed_period_months,
            "period_note": self.period_note, "period_set_by": self.period_set_by,
            "period_set_at": self.period_set_at, "period_history": self.period_history,
        }


def type_id(english_name: str) -> str:
    """A stable key from the English name: "Pressure gauges for general use" → "pressure-gauges-for-general-use"."""
    words = re.sub(r"\([^)]*\)", " ", english_name.lower())
    return "-".join(re.findall(r"[a-z0-9]+", words))[:60]
