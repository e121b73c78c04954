"""The testing side of the standards watch: open jobs whose method standard was
superseded or withdrawn are flagged, so the lab re-checks the method before reporting.

Kept apart from the testing job's lifecycle on purpose: it only adds a note to the job
(``standard_alerts``) and announces ``standard_flagged`` on the request's timeline.
"""

import logging

from ..common.domain import DomainEvent
from ..common.standard_number import find_numbers
from ..common.store import VersionConflict

log = logging.getLogger(__name__)

# Jobs in these states have nothing left to do with a method standard.
CLOSED_STATUSES = ("report_issued", "completed", "cancelled", "closed")


def cited_standards(job):
    """The dated standard numbers a job's request cites as its test method."""
    return [str(number) for number in find_numbers(job.details.get("method_standard") or "")]


def flag_jobs_citing(jobs, envelope, now):
    """Flag each open job that cites the standard (once each); returns how many."""
    data = envelope["data"]
    flagged = 0
    for document in jobs.store.find({"status": {"$nin": list(CLOSED_STATUSES)}}):
        flagged += _flag(jobs, document["_id"], data, now)
    return flagged


def _flag(jobs, request_code, data, now, attempts=5):
    for _ in range(attempts):
        job = jobs.get(request_code)
        if data["number"] not in cited_standards(job):
            return 0
        if any(alert["number"] == data["number"] for alert in job.standard_alerts):
            return 0
        job.standard_alerts.append(
            {
                "number": data["number"],
                "status": data["status"],
                "replaced_by": data.get("replaced_by"),
                "flagged_at": now.isoformat(),
            }
        )
        job.new_events.append(
            DomainEvent(
                "standard_flagged",
                {
                    "number": data["number"],
                    "status": data["status"],
                    "replaced_by": data.get("replaced_by"),
                },
            )
        )
        try:
            jobs.save(job)
            return 1
        except VersionConflict:
            continue
    log.warning("gave up flagging %s after %s conflicting writes", request_code, attempts)
    return 0
