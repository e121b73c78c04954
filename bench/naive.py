"""The metrics the naive way: read every request and count, at query time.

What the read model must equal, and what it is measured against. It shares only the
definitions (``domain/metrics.py``'s ``figures``, the SLA clock); the counting is done
afresh from each request's own document: its times, timeline, clock reading and rating.
A request's station is where it is now (the benchmark's histories are never reassigned).
"""

from collections import defaultdict
from datetime import datetime

from services.common.clock import china_date
from services.gateway.domain import service_levels as metrics
from services.gateway.domain import sla
from services.gateway.handlers.service_levels import period

FINISHED = ("completed", "rated", "rejected", "cancelled")
TIMELINE_COUNTS = {"rejected": "rejected", "cancelled": "cancelled", "awaiting_enterprise": "material_requested",
                   "sla_at_risk": "at_risk", "sla_breached": "breached"}


def _day(iso_text):
    return china_date(datetime.fromisoformat(iso_text))


def contributions(request):
    """(day, {counter or histogram.value: amount}) for everything the request did."""
    found = [(request["submitted_at"], {"submitted": 1})]
    if request.get("accepted_at"):
        waited = (datetime.fromisoformat(request["accepted_at"]) - datetime.fromisoformat(request["submitted_at"]))
        found.append((request["accepted_at"], {"accepted": 1, "waited": 1,
                                               "wait_seconds": max(waited.total_seconds(), 0)}))
    dispatched = False
    for entry in request["timeline"]:
        if entry["event"] in TIMELINE_COUNTS:
            found.append((entry["at"], {TIMELINE_COUNTS[entry["event"]]: 1}))
        elif entry["event"] == "dispatched" and not dispatched:
            dispatched = True
            found.append((entry["at"], {"dispatched": 1}))
    if request.get("completed_at"):
        reading = request.get("service_level") or {}
        counts = {"completed": 1}
        if reading.get("on_time") is not None:
            counts.update(timed=1, on_time=reading["on_time"])
        if reading.get("turnaround_days") is not None:
            counts[f"turnaround.{reading['turnaround_days']}"] = 1
        found.append((request["completed_at"], counts))
        if request.get("rating"):
            level = request["rating"]["level"]
            found.append((request["completed_at"], {"rated": 1, f"ratings.{level}": 1, "rect_opened": int(level <= 2)}))
        if (request.get("rectification") or {}).get("state") == "answered":
            found.append((request["completed_at"], {"rect_answered": 1}))
    return [(_day(at), counts) for at, counts in found]


def overdue_now(request, today, catalogue, calendar):
    """Open, accepted and past the due day (a paused request only if it was so when paused)."""
    if request["status"] in FINISHED or not request.get("accepted_at"):
        return False
    pauses = request.get("pauses") or []
    paused = bool(pauses) and pauses[-1].get("to") is None
    due = sla.due_date(request["accepted_at"], catalogue.item(request["item"]).committed_days, calendar, pauses)
    if paused and not _day(pauses[-1]["from"]) > due:
        return False
    return due < today


def report(collection, filters, today, catalogue, calendar):
    """The same answer as ``service_levels.report``, from a scan of the requests."""
    first, last = period(filters, today)
    group_by = filters.get("group_by")
    query = {name: filters[name] for name in metrics.DIMENSIONS if filters.get(name)}
    totals, groups = {}, defaultdict(dict)
    present = defaultdict(lambda: {"backlog": 0, "overdue_now": 0})
    for request in collection.find(query, {"outbox": 0}):
        for day, counts in contributions(request):
            if first <= day <= last:
                _add(totals, counts)
                if group_by:
                    _add(groups[_key(group_by, request, day)], counts)
        if request["status"] not in FINISHED:
            for key in (None, request[group_by] if group_by in metrics.DIMENSIONS else None):
                present[key]["backlog"] += 1
                present[key]["overdue_now"] += overdue_now(request, today, catalogue, calendar)
                if not group_by or group_by not in metrics.DIMENSIONS:
                    break
    result = {"from": first.isoformat(), "to": last.isoformat(), "as_of": today.isoformat(), "group_by": group_by,
              "filters": query, "totals": {**metrics.figures(totals), **present[None]}, "groups": []}
    keys = set(groups) | ({key for key in present if key is not None} if group_by in metrics.DIMENSIONS else set())
    for key in sorted(keys):
        group = {"key": key, **metrics.figures(groups.get(key, {}))}
        if group_by in metrics.DIMENSIONS:
            group.update(present[key])
        result["groups"].append(group)
    return result


def _key(group_by, request, day):
    if group_by == "day":
        return day.isoformat()
    if group_by == "month":
        return day.isoformat()[:7]
    return request[group_by]


def _add(sums, counts):
    for name, amount in counts.items():
        histogram, _, value = name.partition(".")
        if value:
            sums.setdefault(histogram, {})
            sums[histogram][value] = sums[histogram].get(value, 0) + amount
        else:
            sums[name] = sums.get(name, 0) + amount

