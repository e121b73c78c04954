"""A month of work small enough to count by hand: September 2026 at 泗洪县 (321324), with
one request at the development zone (321371).

The calendar: weekends 5-6, 12-13, 19, 26-27 September; Sunday 20 September is a
make-up working day (for National Day); 25-27 September are the Mid-Autumn holiday.
JL01 is committed in 5 working days, JL02 in 7, JC02 in 2. Turnaround counts the
working days after the day of acceptance up to the day of completion, less paused ones.

    request  item  submitted   accepted (wait)   due     completed  turnaround   rating
    R1       JL01  1 Sep 09:00 1 Sep 11:00 (2 h)  8 Sep   4 Sep      3  on time    5
    R2       JL01  1 Sep 10:00 2 Sep 10:00 (24 h) 9 Sep   9 Sep      5  on time    4
    R3       JL01  2 Sep 09:00 2 Sep 13:00 (4 h)  9 Sep   11 Sep     7  late       2 → rectified 14 Sep
    R4       JC02  3 Sep 09:00 3 Sep 10:00 (1 h)  7 Sep   4 Sep      1  on time    5
    R5       JC02  7 Sep 09:00 7 Sep 15:00 (6 h)  11 Sep  11 Sep     2  on time    —  (补正 7→9 Sep: 2 days paused)
    R6       JL01  8 Sep 09:00 rejected 8 Sep
    R7       JL01  8 Sep 11:00 withdrawn 8 Sep
    R8       JL02  10 Sep 09:00 10 Sep 09:30 (0.5 h) 20 Sep 22 Sep  9  late       1 (not answered)
    R9       JL01  14 Sep 09:00 14 Sep 10:00 (1 h) 20 Sep  —  still in progress: overdue now
    R10      JL01  15 Sep 09:00 15 Sep 12:00 (3 h) 21 Sep 17 Sep     2  on time    3   (at 321371)
    R11      JL01  28 Sep 09:00 not yet accepted
"""

import subprocess
import sys

from bench.history import History, at

STATION = "321324"
OTHER_STATION = "321371"

# What a manager must read for 1-30 September, city-wide (backlog and overdue: today).
EXPECTED = {
    "submitted": 11, "accepted": 8, "rejected": 1, "cancelled": 1, "dispatched": 8, "material_requested": 1,
    "completed": 7,
    "completed_on_time": 5, "on_time_rate": 0.7143,  # R1 R2 R4 R5 R10 of 7
    "turnaround_p50": 3,  # 1 2 2 [3] 5 7 9: the 4th of 7
    "turnaround_p90": 9,  # rank ⌈0.9 × 7⌉ = 7: the longest
    "acceptance_wait_hours": 5.2,  # (2 + 24 + 4 + 1 + 6 + 0.5 + 1 + 3) / 8 = 5.1875
    "rated": 6, "rated_share": 0.8571,  # 6 of the 7 completed (not R5)
    "ratings": {1: 1, 2: 1, 3: 1, 4: 1, 5: 2},
    "satisfaction_rate": 0.5,  # 4-5: R1 R2 R4 of 6
    "rectifications_opened": 2, "rectifications_answered": 1, "rectification_rate": 0.5,
    "sla_at_risk": 3,  # R3 on 9 Sep, R8 and R9 on 20 Sep
    "sla_breached": 3,  # R3 on 10 Sep, R8 and R9 on 21 Sep
    "backlog": 2,  # R9, R11
    "overdue_now": 1,  # R9
}
EXPECTED_BY_STATION = {
    STATION: {"submitted": 10, "completed": 6, "on_time_rate": 0.6667, "turnaround_p50": 3, "turnaround_p90": 9,
              "backlog": 2, "overdue_now": 1},  # 1 2 [3] 5 7 9
    OTHER_STATION: {"submitted": 1, "completed": 1, "on_time_rate": 1.0, "turnaround_p50": 2, "turnaround_p90": 2,
                    "backlog": 0, "overdue_now": 0},
}
EXPECTED_BY_ITEM = {
    "JL01": {"submitted": 8, "completed": 4, "turnaround_p50": 3, "turnaround_p90": 7},  # 2 [3] 5 7
    "JL02": {"submitted": 1, "completed": 1, "turnaround_p50": 9, "turnaround_p90": 9},
    "JC02": {"submitted": 2, "completed": 2, "turnaround_p50": 1, "turnaround_p90": 2},  # [1] 2
}


def live_september(catalogue, calendar):
    """The month above, lived through the gateway's domain model. Returns the History
    (its ``envelopes`` and ``documents()``) and the request codes by name."""
    history = History(catalogue, calendar)
    codes = {}

    def request(name, item, submitted, station=STATION):
        codes[name] = history.submit(item, station, at(submitted))
        return codes[name]

    def through(code, accepted, dispatched):
        history.accept(code, at(accepted))
        history.dispatch(code, at(dispatched))

    r1 = request("R1", "JL01", "2026-09-01 09:00")
    through(r1, "2026-09-01 11:00", "2026-09-01 14:00")
    history.complete(r1, at("2026-09-04 15:00"))
    history.rate(r1, at("2026-09-05 10:00"), 5, "服务很好")

    r2 = request("R2", "JL01", "2026-09-01 10:00")
    through(r2, "2026-09-02 10:00", "2026-09-02 11:00")
    history.complete(r2, at("2026-09-09 10:00"))
    history.rate(r2, at("2026-09-09 18:00"), 4)

    r3 = request("R3", "JL01", "2026-09-02 09:00")
    through(r3, "2026-09-02 13:00", "2026-09-02 14:00")
    history.check_clock(r3, at("2026-09-09 00:05"))
    history.check_clock(r3, at("2026-09-10 00:05"))
    history.complete(r3, at("2026-09-11 16:00"))
    history.rate(r3, at("2026-09-12 09:00"), 2, "太慢了")
    history.answer_rectification(r3, at("2026-09-14 10:00"), "已调整检定排期，增加一名检定员")

    r4 = request("R4", "JC02", "2026-09-03 09:00")
    through(r4, "2026-09-03 10:00", "2026-09-03 10:30")
    history.complete(r4, at("2026-09-04 11:00"))
    history.rate(r4, at("2026-09-04 15:00"), 5)

    r5 = request("R5", "JC02", "2026-09-07 09:00")
    history.accept(r5, at("2026-09-07 15:00"))
    history.request_material(r5, at("2026-09-07 16:00"), "请补充样品来源证明")
    history.supplement(r5, at("2026-09-09 09:00"), "已补充")
    history.dispatch(r5, at("2026-09-09 10:00"))
    history.complete(r5, at("2026-09-11 11:00"))

    r6 = request("R6", "JL01", "2026-09-08 09:00")
    history.reject(r6, at("2026-09-08 10:00"), "不属于强制检定目录")

    r7 = request("R7", "JL01", "2026-09-08 11:00")
    history.cancel(r7, at("2026-09-08 12:00"))

    r8 = request("R8", "JL02", "2026-09-10 09:00")
    through(r8, "2026-09-10 09:30", "2026-09-10 10:00")
    history.check_clock(r8, at("2026-09-20 00:05"))
    history.check_clock(r8, at("2026-09-21 00:05"))
    history.complete(r8, at("2026-09-22 15:00"))
    history.rate(r8, at("2026-09-23 09:00"), 1, "超期未告知")

    r9 = request("R9", "JL01", "2026-09-14 09:00")
    through(r9, "2026-09-14 10:00", "2026-09-14 11:00")
    history.check_clock(r9, at("2026-09-20 00:05"))
    history.check_clock(r9, at("2026-09-21 00:05"))

    r10 = request("R10", "JL01", "2026-09-15 09:00", station=OTHER_STATION)
    through(r10, "2026-09-15 12:00", "2026-09-15 13:00")
    history.complete(r10, at("2026-09-17 10:00"))
    history.rate(r10, at("2026-09-18 10:00"), 3)

    request("R11", "JL01", "2026-09-28 09:00")
    return history, codes


def load_into(stack, mongo_uri, catalogue, calendar):
    """Put the month into a running platform as if it had happened there: the requests
    in the gateway's store, their events in its event log; then rebuild the metrics
    with the operator's command. Returns the request codes by name."""
    import pymongo

    from services.common.devstack import ROOT

    history, codes = live_september(catalogue, calendar)
    with pymongo.MongoClient(mongo_uri) as client:
        database = client[f"{stack.db_prefix}gateway"]
        database.requests.insert_many([{**document, "version": 1} for document in history.documents()])
        database.event_log.insert_many([{"_id": envelope["event_id"], **envelope,
                                         "logged_at": "2026-09-30T16:00:00+00:00"} for envelope in history.envelopes])
    rebuilt = subprocess.run([sys.executable, "-m", "services.gateway.cli.service_levels", "rebuild"], cwd=ROOT,
                             env=stack.service_env(), capture_output=True, text=True, timeout=180)
    assert rebuilt.returncode == 0 and "rebuilt from" in rebuilt.stdout, rebuilt.stderr
    return codes
