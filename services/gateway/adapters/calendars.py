"""Official holiday schedules loaded by an admin, in the gateway's database (collection
``calendars``, one document per year, keyed by the year as text).

A document keeps the schedule, who loaded it and when, and the stored schedule it
replaced (None when it replaced the shipped or provisional one), so that loading the
same schedule again can finish recomputing due dates that a crash interrupted.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.calendar import OFFICIAL, HolidayBlock, YearSchedule


@dataclass(frozen=True)
class StoredYear:
    schedule: YearSchedule  # the schedule stored
    replaced: YearSchedule | None  # the stored schedule it replaced
    version: int


class CalendarRepository:
    """Official year schedules over the document-store contract (in memory in unit tests)."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def official_years(self) -> list[YearSchedule]:
        return [_schedule(document) for document in self.store.find()]

    def get(self, year: int) -> StoredYear | None:
        """What is stored for ``year`` (a StoredYear), or None."""
        document = self.store.load(str(year))
        if document is None:
            return None
        replaced = document.get("replaced")
        return StoredYear(_schedule(document), _schedule({**replaced, "year": year}) if replaced else None,
                          document["version"])

    def put(self, schedule: YearSchedule, replaced: YearSchedule | None = None, version: int | None = None) -> None:
        """Store ``schedule`` for its year: new (``version`` None; AlreadyExists if one is
        there) or over the stored one of that ``version`` (VersionConflict if someone
        stored another meanwhile). ``replaced`` is the stored schedule it replaces."""
        document = {"_id": str(schedule.year), **_document(schedule),
                    "replaced": _document(replaced) if replaced is not None else None}
        if version is None:
            self.store.insert(document)
        else:
            self.store.replace({**document, "version": version})


def _document(schedule: YearSchedule) -> dict[str, Any]:
    return {
        "year": schedule.year,
        "holidays": [{"name": block.name, "dates": [day.isoformat() for day in block.dates]}
                     for block in schedule.blocks],
        "make_up_workdays": [day.isoformat() for day in schedule.make_up_workdays],
        "notice": schedule.notice,
        "loaded_at": schedule.loaded_at,
        "loaded_by": schedule.loaded_by,
    }


def _schedule(document: dict[str, Any]) -> YearSchedule:
    blocks = tuple(HolidayBlock(block["name"], tuple(date.fromisoformat(day) for day in block["dates"]))
                   for block in document.get("holidays", []))
    workdays = tuple(date.fromisoformat(day) for day in document.get("make_up_workdays", []))
    return YearSchedule(int(document["year"]), blocks, workdays, OFFICIAL, document.get("notice") or "",
                        loaded_at=document.get("loaded_at"), loaded_by=document.get("loaded_by"))
