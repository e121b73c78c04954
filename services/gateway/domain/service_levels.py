"""The managers' metrics (DESIGN §5) as a read model folded from the gateway's events. Pure.

Two kinds of document, each folded one event at a time and idempotent on ``event_id``
(the ids an event was folded into are kept in the document, which is written whole):

* a **day bucket** per day × station × domain × item holds counters and histograms of
  what happened that day: requests submitted, accepted (and how long they waited for
  it), rejected, cancelled, dispatched (the first time), completed (on time or not, and
  the turnaround in working days as a histogram, so percentiles merge exactly across
  any set of buckets), rated (by level), rectifications opened and answered, and the
  clock's alerts. Every event carries what it counts (the gateway's events name their
  station, item and times, and a completion its clock reading), so buckets do not
  depend on the order events arrive in. A rating and a rectification count on the day
  the request was *completed*, so "rated share" reads as: of the requests completed in
  the period, how many were rated.
* a **month rollup** per month × station × domain × item is the sum of that month's day
  buckets, recomputed from them whenever one changes (so it is never more than a
  re-read away from the truth); a period of several months reads whole months from
  the rollups and only the days at its edges from the day buckets.
* a **clock** per request holds what the present-tense figures need — is it still
  open, where is it, when is it due — so the backlog, the overdue list and the timer's
  candidates are indexed queries over open requests, never a scan of all requests.
  It is rebuilt from the fields events set (acceptance, pauses as time-stamped marks, a
  terminal event), so events arriving late or twice change nothing.
"""

import calendar as month_calendar
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, TypedDict

from ...common.clock import china_date, start_of_day_epoch
from . import sla
from .calendar import WorkingCalendar

# -- day buckets ---------------------------------------------------------------------------
COUNTERS = (
    "submitted", "accepted", "waited", "wait_seconds", "rejected", "cancelled", "terminated", "dispatched",
    "material_requested", "completed", "timed", "on_time", "rated", "rect_opened", "rect_answered",
    "at_risk", "breached",
)
TURNAROUND = "turnaround"  # histogram: working days -> completions
RATINGS = "ratings"  # histogram: level -> ratings
RATING_LEVELS = (1, 2, 3, 4, 5)
GOOD_LEVELS = (4, 5)
DIMENSIONS = ("station", "domain", "item")
TIME_GRAINS = ("day", "month")


class BucketKey(TypedDict):
    """Where an event counts: its day and month (as numbers, see :func:`day_number`) and
    its ``DIMENSIONS``. Day buckets and month rollups hold these fields too, so any of
    them may stand for the key where only its fields are read (``Mapping[str, Any]``)."""

    day: int
    month: int
    station: str
    domain: str
    item: str


# What an event adds to its day bucket: counter name (or "histogram.value") -> amount;
# whole numbers, but for the seconds requests waited for acceptance.
Counts = dict[str, float]
# How an event counts: (its data, when it occurred) -> (the moment it counts at, its counts).
CountsOf = Callable[[dict[str, Any], str], tuple[str, Counts]]
# Inclusive (first, last) day numbers.
DayRange = tuple[int, int]


def day_number(day: date) -> int:
    """20260903 for 3 September 2026: compared as a number (nx-27017 reads ISO text in
    range queries as dates)."""
    return day.year * 10000 + day.month * 100 + day.day


def month_number(day: date) -> int:
    return day.year * 100 + day.month


def day_from_number(number: int) -> date:
    return date(number // 10000, number // 100 % 100, number % 100)


def _day_of(iso_text: str) -> date:
    return china_date(datetime.fromisoformat(iso_text))


def _seconds_between(start_iso: str, end_iso: str) -> float:
    return max((datetime.fromisoformat(end_iso) - datetime.fromisoformat(start_iso)).total_seconds(), 0)


def _submitted(data: dict[str, Any], occurred_at: str) -> tuple[str, Counts]:
    return data.get("submitted_at") or occurred_at, {"submitted": 1}


def _accepted(data: dict[str, Any], occurred_at: str) -> tuple[str, Counts]:
    counts: Counts = {"accepted": 1}
    accepted_at = data.get("accepted_at") or occurred_at
    if data.get("submitted_at"):
        counts.update(waited=1, wait_seconds=_seconds_between(data["submitted_at"], accepted_at))
    return accepted_at, counts


def _dispatched(data: dict[str, Any], occurred_at: str) -> tuple[str, Counts]:
    # a declined request dispatched again is still one request dispatched
    return occurred_at, {"dispatched": 1 if data.get("dispatch", 1) == 1 else 0}


def _completed(data: dict[str, Any], occurred_at: str) -> tuple[str, Counts]:
    counts: Counts = {"completed": 1}
    if data.get("on_time") is not None:
        counts.update(timed=1, on_time=int(data["on_time"]))
    if data.get("turnaround_days") is not None:
        counts[f"{TURNAROUND}.{int(data['turnaround_days'])}"] = 1
    return data.get("completed_at") or occurred_at, counts


def _rated(data: dict[str, Any], occurred_at: str) -> tuple[str, Counts]:
    counts: Counts = {"rated": 1, f"{RATINGS}.{int(data['level'])}": 1, "rect_opened": int(data.get("rectification", 0))}
    return data.get("completed_at") or occurred_at, counts


def _simple(counter: str, at_field: str | None = None) -> CountsOf:
    return lambda data, occurred_at: ((at_field and data.get(at_field)) or occurred_at, {counter: 1})


CONTRIBUTIONS: dict[str, CountsOf] = {
    "request_submitted": _submitted,
    "request_accepted": _accepted,
    "request_rejected": _simple("rejected"),
    "request_cancelled": _simple("cancelled"),
    # ended by the station after dispatch: finished like a withdrawal, never late
    "request_terminated": _simple("terminated", "terminated_at"),
    "request_dispatched": _dispatched,
    "request_material_requested": _simple("material_requested"),
    "request_completed": _completed,
    "request_rated": _rated,
    "rectification_answered": _simple("rect_answered", "completed_at"),
    sla.AT_RISK: _simple("at_risk", "flagged_at"),
    sla.BREACHED: _simple("breached", "flagged_at"),
}


def contribution(envelope: Mapping[str, Any]) -> tuple[BucketKey, Counts] | None:
    """(bucket key, what to add) for an event the metrics count, else None."""
    counted = CONTRIBUTIONS.get(envelope["type"])
    data = envelope["data"]
    if counted is None or not all(data.get(name) for name in DIMENSIONS):
        return None
    at, counts = counted(data, envelope["occurred_at"])
    day = _day_of(at)
    key = BucketKey(day=day_number(day), month=month_number(day),
                    station=data["station"], domain=data["domain"], item=data["item"])  # the DIMENSIONS
    return key, counts


def bucket_id(key: Mapping[str, Any]) -> str:
    return f"{key['day']}|{key['station']}|{key['domain']}|{key['item']}"


def month_id(key: Mapping[str, Any]) -> str:
    return f"{key['month']}|{key['station']}|{key['domain']}|{key['item']}"


def day_ids_of_month(key: Mapping[str, Any]) -> list[str]:
    """The ids of every day bucket the month rollup of ``key`` sums."""
    year, month = divmod(key["month"], 100)
    return [bucket_id({**key, "day": key["month"] * 100 + day})
            for day in range(1, month_calendar.monthrange(year, month)[1] + 1)]


def rollup(key: Mapping[str, Any], day_buckets: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The month rollup of ``key``: the sum of its day buckets."""
    month: dict[str, Any] = {"_id": month_id(key), "month": key["month"], **{name: key[name] for name in DIMENSIONS},
             **dict.fromkeys(COUNTERS, 0), TURNAROUND: {}, RATINGS: {}, "turnaround_max": 0}
    for bucket in day_buckets:
        add_sums(month, bucket)
        month["turnaround_max"] = max(month["turnaround_max"], bucket.get("turnaround_max") or 0)
    return month


# Month rollups are written once a month has ended, not on every event: recomputing a
# rollup from its ~30 day buckets on each event was a third of the gateway's work under
# intake load. A month is rolled up this long after it ends, so a fold that began in its
# last moments (on a host whose clock runs a little behind) has written its day first.
ROLLUP_GRACE = timedelta(hours=1)


def month_has_ended(month: int, today: date) -> bool:
    """True once ``month`` (a month number) is over on ``today``."""
    return month < month_number(today)


def last_month_to_roll_up(now: datetime) -> int:
    """The latest month (a month number) that ended at least ROLLUP_GRACE before ``now``."""
    day = china_date(now - ROLLUP_GRACE)
    return month_number(day.replace(day=1) - timedelta(days=1))


def split_period(first: date, last: date, rolled_up_through: int | None = None) -> tuple[list[DayRange], list[int]]:
    """([(first day, last day)] read from day buckets, [months] read from rollups): whole
    months inside the period that are rolled up (up to ``rolled_up_through``, a month
    number) come from their rollups; the days at its ends, and months still open, from
    day buckets."""
    months: list[int] = []
    day_ranges: list[DayRange] = []
    day = first
    while day <= last:
        month_end = day.replace(day=month_calendar.monthrange(day.year, day.month)[1])
        if day.day == 1 and month_end <= last and month_number(day) <= (rolled_up_through or 0):
            months.append(month_number(day))
        else:
            day_ranges.append((day_number(day), day_number(min(month_end, last))))
        day = month_end + timedelta(days=1)
    return _joined(day_ranges), months


def _joined(ranges: list[DayRange]) -> list[DayRange]:
    joined: list[DayRange] = []
    for start, end in ranges:
        if joined and day_from_number(joined[-1][1]) + timedelta(days=1) == day_from_number(start):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def new_bucket(key: BucketKey) -> dict[str, Any]:
    """An empty day bucket: its counters and histograms appear as events add to them
    (as the live projection's one-write increments create them); a sum reads a missing
    counter as 0."""
    return {"_id": bucket_id(key), **bucket_key_fields(key), "events": []}


def fold_into_bucket(bucket: dict[str, Any], event_id: str, counts: Counts) -> bool:
    """Add an event's counts to its bucket once; False if it was already counted. (A
    bucket the live projection created holds only the counters it was given.)"""
    events = bucket.setdefault("events", [])
    if event_id in events:
        return False
    events.append(event_id)
    for name, amount in counts.items():
        histogram, _, value = name.partition(".")
        if value:
            counted = bucket.setdefault(histogram, {})
            counted[value] = counted.get(value, 0) + amount
        else:
            bucket[name] = bucket.get(name, 0) + amount
    for name, highest in bucket_maxima(counts).items():
        bucket[name] = max(bucket.get(name) or 0, highest)
    return True


def bucket_key_fields(key: Mapping[str, Any]) -> dict[str, Any]:
    """What a day bucket holds besides its sums: written when it is created."""
    return {name: key[name] for name in ("day", "month", *DIMENSIONS)}


def bucket_maxima(counts: Counts) -> dict[str, int]:
    """The bucket fields an event's counts may raise: the longest turnaround."""
    turnaround = turnaround_of(counts)
    return {"turnaround_max": turnaround} if turnaround is not None else {}


def turnaround_of(counts: Counts) -> int | None:
    """The turnaround an event's counts record (a completion's), else None."""
    for name in counts:
        histogram, _, value = name.partition(".")
        if histogram == TURNAROUND:
            return int(value)
    return None


def rollups(buckets: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every month rollup of a set of day buckets (for a rebuild or a bulk load)."""
    by_month: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for bucket in buckets:
        by_month.setdefault(month_id(bucket), (bucket, []))[1].append(bucket)
    return {key: rollup(first, days) for key, (first, days) in by_month.items()}


def fold_event_into_bucket(bucket: dict[str, Any], envelope: Mapping[str, Any]) -> bool:
    counted = contribution(envelope)
    return counted is not None and fold_into_bucket(bucket, envelope["event_id"], counted[1])


# -- figures from summed buckets --------------------------------------------------------------
def percentile(histogram: Mapping[str, int], p: float) -> int | None:
    """Nearest rank: the smallest value at or below which ``p`` per cent of the
    observations lie (the median of 1, 2, 3, 4 is 2). None without observations."""
    counts = sorted((int(value), count) for value, count in histogram.items() if count)
    total = sum(count for _, count in counts)
    if not total:
        return None
    rank, seen = max(math.ceil(p / 100 * total), 1), 0
    for value, count in counts:
        seen += count
        if seen >= rank:
            return value
    return counts[-1][0]


def ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(sums: Mapping[str, Any]) -> dict[str, Any]:
    """What a manager reads, from the sums of a set of buckets (``COUNTERS`` plus the
    two histograms as {value: count})."""
    turnaround = {str(key): count for key, count in sums.get(TURNAROUND, {}).items() if count}
    ratings = {level: int(sums.get(RATINGS, {}).get(str(level)) or 0) for level in RATING_LEVELS}
    count = {name: sums.get(name) or 0 for name in COUNTERS}
    good = sum(ratings[level] for level in GOOD_LEVELS)
    return {
        "submitted": count["submitted"],
        "accepted": count["accepted"],
        "rejected": count["rejected"],
        "cancelled": count["cancelled"],
        "terminated": count["terminated"],
        "dispatched": count["dispatched"],
        "material_requested": count["material_requested"],
        "completed": count["completed"],
        "completed_on_time": count["on_time"],
        "on_time_rate": ratio(count["on_time"], count["timed"]),
        "turnaround_p50": percentile(turnaround, 50),
        "turnaround_p90": percentile(turnaround, 90),
        "turnaround_days": {int(key): count for key, count in sorted(turnaround.items(), key=lambda kv: int(kv[0]))},
        "acceptance_wait_hours": round(count["wait_seconds"] / count["waited"] / 3600, 1) if count["waited"] else None,
        "rated": count["rated"],
        "rated_share": ratio(count["rated"], count["completed"]),
        "ratings": ratings,
        "satisfaction_rate": ratio(good, count["rated"]),
        "rectifications_opened": count["rect_opened"],
        "rectifications_answered": count["rect_answered"],
        "rectification_rate": ratio(count["rect_answered"], count["rect_opened"]),
        "sla_at_risk": count["at_risk"],
        "sla_breached": count["breached"],
    }


def add_sums(total: dict[str, Any], sums: Mapping[str, Any]) -> dict[str, Any]:
    """Sum bucket sums (or buckets) into ``total``, histograms included."""
    for name in COUNTERS:
        total[name] = (total.get(name) or 0) + (sums.get(name) or 0)
    for histogram in (TURNAROUND, RATINGS):
        merged = total.setdefault(histogram, {})
        for value, count in (sums.get(histogram) or {}).items():
            merged[str(value)] = merged.get(str(value), 0) + (count or 0)
    return total


# -- the clock of each request ------------------------------------------------------------------
NEVER = 4102444800.0  # 2100-01-01: the due "epoch" of a request that cannot be overdue now
FINISHING = ("request_completed", "request_rejected", "request_cancelled", "request_terminated")
OPENING = "request_submitted"  # the event that normally creates a request's clock
# An official holiday schedule was loaded and moved the request's due date: the clock
# derives it again, on the calendar that has that schedule.
DUE_DATE_CHANGED = "request_due_date_changed"
CLOCK_EVENTS = (
    "request_submitted", "request_accepted", "request_material_requested", "request_supplemented",
    "request_reassigned", *FINISHING, sla.AT_RISK, sla.BREACHED, DUE_DATE_CHANGED,
)


def new_clock(code: str, data: Mapping[str, Any]) -> dict[str, Any]:
    return {"_id": code, "station": data["station"], "station_at": "", "domain": data["domain"],
            "item": data["item"], "submitted_at": None, "accepted_at": None, "pause_marks": [], "finished": 0,
            "alerts": {}, "events": [], "open": 1, "paused": 0, "due_date": None, "due_epoch": NEVER}


def fold_into_clock(clock: dict[str, Any], envelope: Mapping[str, Any], committed_days: int,
                    calendar: WorkingCalendar) -> bool:
    """Fold one event into the request's clock; False if it was already folded in."""
    event_id, kind, data, at = envelope["event_id"], envelope["type"], envelope["data"], envelope["occurred_at"]
    if event_id in clock["events"] or kind not in CLOCK_EVENTS:
        return False
    clock["events"].append(event_id)
    if data.get("station") and at >= clock["station_at"]:
        clock["station"], clock["station_at"] = data["station"], at
    if kind == "request_submitted":
        clock["submitted_at"] = data.get("submitted_at") or at
    elif kind == "request_accepted":
        clock["accepted_at"] = data.get("accepted_at") or at
    elif kind == "request_material_requested":
        clock["pause_marks"].append([at, "from"])
    elif kind == "request_supplemented":
        clock["pause_marks"].append([at, "to"])
    elif kind in FINISHING:
        clock["finished"] = 1
    elif kind in (sla.AT_RISK, sla.BREACHED):
        clock["alerts"][kind] = data.get("due_date")
    derive(clock, committed_days, calendar)
    return True


def alert_needed(clock: Mapping[str, Any], today: date) -> bool:
    """Whether a request's clock calls for an alert it has not had for its due date
    (the request itself decides in the end: the read model may lag behind it)."""
    if not clock.get("open") or clock.get("paused") or not clock.get("due_date"):
        return False
    alert = sla.alert_for(date.fromisoformat(clock["due_date"]), today)
    return alert is not None and (clock.get("alerts") or {}).get(alert) != clock["due_date"]


def pauses_of(marks: Iterable[list[str]]) -> list[sla.Pause]:
    """Pause marks ([moment, "from" | "to"]) in time order as the request's pauses: each
    start closed by the next end."""
    pauses: list[sla.Pause] = []
    for at, kind in sorted(marks):
        if kind == "from" and (not pauses or pauses[-1]["to"] is not None):
            pauses.append({"from": at, "to": None})
        elif kind == "to" and pauses and pauses[-1]["to"] is None:
            pauses[-1]["to"] = at
    return pauses


def derive(clock: dict[str, Any], committed_days: int, calendar: WorkingCalendar) -> dict[str, Any]:
    """The fields queries use: open, paused, the due date and its epoch.

    While paused, the due date moves with every paused working day, so none is due now,
    unless it was already overdue when the pause began: that stays overdue."""
    pauses = pauses_of(clock["pause_marks"])
    paused = bool(pauses) and pauses[-1]["to"] is None
    due = sla.due_date(clock["accepted_at"], committed_days, calendar, pauses)
    clock["open"] = 0 if clock["finished"] else 1
    clock["paused"] = int(paused)
    clock["due_date"] = due.isoformat() if due else None
    overdue_when_paused = paused and due is not None and _day_of(pauses[-1]["from"]) > due
    runs = not paused or overdue_when_paused
    clock["due_epoch"] = start_of_day_epoch(due) if due is not None and runs else NEVER
    return clock
