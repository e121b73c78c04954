"""The service-level clock (DESIGN §5): when a request is due. Pure Python.

The clock starts at acceptance (受理) and counts the item's committed working days on
the working-day calendar; it pauses while the station waits for the enterprise (补正)
— each paused working day moves the due date by one — and stops at completion, when
its reading is kept: the due date, the working days the request took and whether it
was on time.

A request is *at risk* once less than one working day is left, i.e. from the start of
its due day (the due day is always a working day), and *breached* from the start of the
day after. Both are about the clock running: a paused or finished request is neither.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, TypedDict

from ...common.clock import china_date
from .calendar import WorkingCalendar

AT_RISK = "sla_at_risk"
BREACHED = "sla_breached"

# A pause of the clock while the station waits for the enterprise (补正): ISO moments,
# ``to`` None while it lasts. ("from" is a keyword, hence the functional form.)
Pause = TypedDict("Pause", {"from": str, "to": str | None})


class ClockedRequest(Protocol):
    """What the clock reads of a request: when it was accepted and when it paused."""

    @property
    def accepted_at(self) -> str | None: ...

    @property
    def pauses(self) -> Sequence[Pause]: ...


@dataclass(frozen=True)
class Clock:
    """The clock of one service item: its committed working days on a calendar."""

    committed_days: int
    calendar: WorkingCalendar

    def due(self, request: ClockedRequest, today: date | None = None) -> date | None:
        return due_date(request.accepted_at, self.committed_days, self.calendar, request.pauses, today)

    def reading(self, request: ClockedRequest, completed_at: str) -> dict[str, Any]:
        return reading_at_completion(request.accepted_at, completed_at, self.committed_days, self.calendar,
                                     request.pauses)


def due_date(accepted_at: str | None, committed_days: int, calendar: WorkingCalendar, pauses: Sequence[Pause] = (),
             today: date | None = None) -> date | None:
    """The committed completion day, or None before acceptance.

    ``pauses`` are {"from": iso, "to": iso or None}; an open pause runs until ``today``
    (with ``today`` None it counts nothing: the due date as it stood when the pause began).
    Pauses before acceptance do not count: the clock had not started.
    """
    if not accepted_at:
        return None
    accepted = datetime.fromisoformat(accepted_at)
    due = calendar.add_working_days(china_date(accepted), committed_days)
    paused = paused_working_days(accepted, pauses, calendar, today)
    return calendar.add_working_days(due, paused) if paused else due


def is_provisional(accepted_at: str | None, due: date | None, calendar: WorkingCalendar) -> bool:
    """A due date counted over a year whose official schedule is not loaded yet (the
    calendar's provisional years): the schedule, once published, may still move it."""
    if not accepted_at or due is None:
        return False
    return calendar.provisional_between(china_date(datetime.fromisoformat(accepted_at)), due)


def paused_working_days(accepted: datetime, pauses: Sequence[Pause], calendar: WorkingCalendar,
                        today: date | None = None) -> int:
    """Working days the clock stood still after acceptance (see :func:`due_date`)."""
    paused = 0
    for pause in pauses:
        start = max(datetime.fromisoformat(pause["from"]), accepted)
        end = pause.get("to")
        end_day = china_date(datetime.fromisoformat(end)) if end else today
        if end_day is not None:
            paused += calendar.working_days_between(china_date(start), end_day)
    return paused


def turnaround_days(accepted_at: str | None, completed_at: str | None, calendar: WorkingCalendar,
                    pauses: Sequence[Pause] = ()) -> int | None:
    """Working days from acceptance to completion, less the paused ones; the day of
    acceptance does not count (as for the due date), so same-day work takes 0 days."""
    if not accepted_at or not completed_at:
        return None
    accepted = datetime.fromisoformat(accepted_at)
    days = calendar.working_days_between(china_date(accepted), china_date(datetime.fromisoformat(completed_at)))
    return max(days - paused_working_days(accepted, pauses, calendar), 0)


def reading_at_completion(accepted_at: str | None, completed_at: str, committed_days: int, calendar: WorkingCalendar,
                          pauses: Sequence[Pause] = ()) -> dict[str, Any]:
    """What the stopped clock says: kept on the request and announced with its completion.

    On time means completed on or before the due day."""
    due = due_date(accepted_at, committed_days, calendar, pauses)
    completed_day = china_date(datetime.fromisoformat(completed_at))
    return {
        "committed_days": committed_days,
        "due_date": due.isoformat() if due else None,
        "turnaround_days": turnaround_days(accepted_at, completed_at, calendar, pauses),
        "on_time": None if due is None else completed_day <= due,
    }


def alert_for(due: date | None, today: date) -> str | None:
    """Which alert the clock calls for on ``today``: breached, at risk or none."""
    if due is None:
        return None
    if today > due:
        return BREACHED
    if today == due:
        return AT_RISK
    return None


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and today > due


def is_due_soon(due: date | None, today: date, calendar: WorkingCalendar) -> bool:
    """Due today or on the next working day, and not yet overdue."""
    return due is not None and today <= due <= calendar.add_working_days(today, 1)
