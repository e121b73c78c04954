"""The service-level clock (DESIGN §5): when a request is due. Pure Python.

The clock starts at acceptance (受理) and counts the item's committed working days on
the working-day calendar; it pauses while the station waits for the enterprise (补正)
— each paused working day moves the due date by one — and stops at completion.
"""

from datetime import datetime

from ...common.clock import china_date


def due_date(accepted_at, committed_days, calendar, pauses=(), today=None):
    """The committed completion day, or None before acceptance.

    ``pauses`` are {"from": iso, "to": iso or None}; an open pause runs until ``today``.
    Pauses before acceptance do not count: the clock had not started.
    """
    if not accepted_at:
        return None
    accepted = datetime.fromisoformat(accepted_at)
    due = calendar.add_working_days(china_date(accepted), committed_days)
    paused = 0
    for pause in pauses:
        start = max(datetime.fromisoformat(pause["from"]), accepted)
        end_day = china_date(datetime.fromisoformat(pause["to"])) if pause.get("to") else today
        if end_day is not None:
            paused += calendar.working_days_between(china_date(start), end_day)
    return calendar.add_working_days(due, paused) if paused else due


def is_overdue(due, today):
    return due is not None and today > due


def is_due_soon(due, today, calendar):
    """Due today or on the next working day, and not yet overdue."""
    return due is not None and today <= due <= calendar.add_working_days(today, 1)
