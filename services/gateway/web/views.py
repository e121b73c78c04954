"""What the gateway shows of a request: plain dicts in the user's language.

The request's stored timeline keeps keys (``event``, ``status``, ``actor.role``); the
labels are made here, per reader, so the same timeline reads in Chinese or English.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from ...common.clock import china_date
from ..domain import sla
from ..domain.calendar import WorkingCalendar
from ..domain.catalogue import Catalogue, Stations
from ..domain.model import (
    ACCEPTED,
    AWAITING_ENTERPRISE,
    CANCELLABLE,
    COMPLETED,
    DISPATCHED,
    IN_PROGRESS,
    SUBMITTED,
    rolled_up_status,
)
from .messages import MESSAGES, message


@dataclass(frozen=True)
class Reader:
    """Who reads a view and in what frame: their language, the reference data, the
    working-day calendar and the day it is (a paused request's due date moves with it)."""

    lang: str
    catalogue: Catalogue
    stations: Stations
    calendar: WorkingCalendar
    today: date

    @classmethod
    def of(cls, gateway: Any, lang: str) -> "Reader":
        """The frame of a worker's ports (``bootstrap.Gateway``) now."""
        return cls(lang, gateway.catalogue, gateway.stations, gateway.calendar.current(),
                   china_date(gateway.now()))

    def station_name(self, division: str) -> str:
        station = self.stations.get(division)
        return station["name"][self.lang] if station else division


def item_summary(item, lang):
    return {"code": item.code, "name": item.name[lang], "committed_days": item.committed_days}


def station_summary(station, lang):
    return {"division": station["division"], "name": station["name"][lang]}


def station_and_item(division, item_code, reader):
    """A listed request's station and catalogue item, summed up in the reader's language."""
    return {"station": station_summary(reader.stations.get(division), reader.lang),
            "item": item_summary(reader.catalogue.item(item_code), reader.lang)}


def status_summary(status, lang):
    return {"status": status, "status_label": message(f"status.{status}", lang)}


def origin_summary(found, lang):
    """Whether a request or group came from someone other than the enterprise's verified
    account (issue 26 §1), with the words the station and the enterprise read."""
    flagged = bool(getattr(found, "not_from_account", False))
    return {"not_from_account": flagged,
            "not_from_account_label": message("flag.not_from_account", lang) if flagged else None}


def request_view(request, reader, notices=()):
    """A single request as its enterprise sees it: status, holder, due date, timeline."""
    lang = reader.lang
    item = reader.catalogue.item(request.item)
    station = reader.stations.get(request.station)
    return {
        "kind": "request",
        "code": request.code,
        **status_summary(request.status, lang),
        "item": item_summary(item, lang),
        "domain": request.domain,
        "station": station_summary(station, lang),
        "enterprise": {"name": request.enterprise["name"]},
        "submitted_at": request.submitted_at,
        **origin_summary(request, lang),
        "parent": request.parent,
        "holder": holder(request.status, station, request.domain, lang),
        **due_date(request, item.committed_days, reader),
        "result": request.result,
        "material_request": _material_request(request),
        "files": files_view(request, lang),
        "cancellable": request.status in CANCELLABLE,
        **service_level_view(request),
        "timeline": [timeline_entry(entry, reader) for entry in request.timeline],
        "notices": [notice_view(notice, lang) for notice in notices],
        "tracking_url": f"/api/v1/requests/{request.code}",
        "submitted": submitted_view(item, request.details, lang),
    }


def service_level_view(request):
    """The stopped clock, and 好差评: the rating, and the station's answer to a poor one."""
    return {
        "completed_at": request.completed_at,
        "service_level": _service_level(request.service_level),
        "can_rate": request.status == COMPLETED,
        "rating": request.rating,
        "rectification": _rectification(request.rectification),
    }


def _service_level(reading):
    """The stopped clock's reading; ``on_time`` a yes or no (readings stored before it
    was one kept it as 1 or 0)."""
    if not reading:
        return None
    on_time = reading.get("on_time")
    return {**reading, "on_time": None if on_time is None else bool(on_time)}


def _rectification(rectification):
    if not rectification:
        return None
    shown = ("state", "opened_at", "answer", "answered_at")
    return {key: rectification.get(key) for key in shown}


def files_view(request, lang):
    """The files a request holds, each with what it is and where to get it: its
    application materials, its 补正 answers' and the written answer's it was completed with."""
    answered = (request.result or {}).get("attachments")
    answer_files = [{**each, "purpose": "answer", "attached_at": request.completed_at}
                    for each in answered if isinstance(each, dict) and each.get("id")] if isinstance(
        answered, list) else []
    return [{
        **{key: entry.get(key) for key in ("id", "name", "size", "sha256", "content_type", "purpose", "attached_at")},
        "label": _file_label(entry, lang),
        "url": f"/api/v1/requests/{request.code}/files/{entry['id']}",
    } for entry in [*request.attachments, *answer_files]]


def _file_label(entry, lang):
    material = entry.get("material_label")
    if entry.get("purpose") == "material" and isinstance(material, dict):
        return material.get(lang) or material.get("zh-CN") or ""
    return message(f"file_purpose.{entry.get('purpose')}", lang)


def _material_request(request):
    """What the station asked for (补正), as the enterprise may read it."""
    if not request.material_request:
        return None
    shown = ("note", "asked_at", "answer", "answered_at", "files")
    return {key: request.material_request[key] for key in shown if key in request.material_request}


def group_view(group, children, reader, notices=()):
    """A multi-item submission: its children and the status rolled up from them."""
    lang, catalogue = reader.lang, reader.catalogue
    station = reader.stations.get(group.station)
    return {
        "kind": "group",
        "code": group.code,
        **status_summary(rolled_up_status([child.status for child in children]), lang),
        "station": station_summary(station, lang),
        "enterprise": {"name": group.enterprise["name"]},
        "submitted_at": group.submitted_at,
        **origin_summary(group, lang),
        "children": [
            {
                "code": child.code,
                "item": item_summary(catalogue.item(child.item), lang),
                "domain": child.domain,
                **status_summary(child.status, lang),
                "holder": holder(child.status, station, child.domain, lang),
                **due_date(child, catalogue.item(child.item).committed_days, reader),
                "result": child.result,
                "tracking_url": f"/api/v1/requests/{child.code}",
            }
            for child in children
        ],
        "notices": [notice_view(notice, lang) for notice in notices],
        "tracking_url": f"/api/v1/requests/{group.code}",
    }


def tracked_view(tracked, reader):
    """What the enterprise sees of a code (a ``handlers.intake.Tracked``), with the
    notices addressed to it (e.g. a standard it follows was superseded)."""
    if tracked.children:
        return group_view(tracked.found, tracked.children, reader, tracked.notices)
    return request_view(tracked.found, reader, tracked.notices)


def holder(status, station, domain, lang):
    """Who has the request in hand now (当前办理方)."""
    if status in (SUBMITTED, ACCEPTED):
        return {"role": "station", "label": station["name"][lang]}
    if status in (DISPATCHED, IN_PROGRESS):
        return {"role": domain, "label": message(f"role.{domain}", lang)}
    if status == AWAITING_ENTERPRISE:
        return {"role": "enterprise", "label": message("role.enterprise", lang)}
    return None  # finished: nobody holds it


def due_date(found, committed_days, reader):
    """The committed completion date (DESIGN §5), as ISO text (None until accepted), and
    whether it is provisional: counted over a year whose official holiday schedule is
    not loaded yet, so the schedule may still move it."""
    due = sla.due_date(found.accepted_at, committed_days, reader.calendar, found.pauses, today=reader.today)
    return {"due_date": due.isoformat() if due else None,
            "due_date_provisional": sla.is_provisional(found.accepted_at, due, reader.calendar)}


def notice_view(notice, lang):
    """A notice to the enterprise (e.g. a standard it follows was superseded)."""
    title = notice.get("title_en") if lang == "en" and notice.get("title_en") else notice.get("title_zh")
    return {
        "at": notice["at"],
        "kind": notice["kind"],
        "label": message(f"notice.{notice['kind']}", lang, **notice),
        "number": notice.get("number"),
        "title": title,
        "replaced_by": notice.get("replaced_by"),
    }


def standard_view(standard, lang):
    """A catalogue entry for readers: its title and state in their language."""
    title = standard.get("title_en") if lang == "en" and standard.get("title_en") else standard["title_zh"]
    return {**standard, "title": title, "state_label": message(f"standard_state.{standard['state']}", lang)}


def timeline_entry(entry, reader, audit=False):
    """One step of the timeline. The enterprise sees who acted by role; staff and
    managers (``audit``) also see the person, and the status it came from."""
    lang = reader.lang
    params = dict(entry.get("details") or {})
    if "to" in params:
        params["to"] = message(f"domain.{params['to']}", lang)
    for key in ("from_station", "to_station"):
        if key in params:
            params[key] = reader.station_name(params[key])
    actor = {"role": entry["actor"]["role"], "label": message(f"role.{entry['actor']['role']}", lang)}
    if audit:
        actor["name"] = entry["actor"].get("name")
        actor["username"] = entry["actor"].get("username")
    shown = {
        "at": entry["at"],
        "event": entry["event"],
        "label": message(f"event.{entry['event']}", lang, **params),
        "status": entry.get("status"),
        "actor": actor,
        "reason": entry.get("reason"),
        "details": entry.get("details") or {},
    }
    if audit:
        shown["from"] = entry.get("from")
    return shown


def submitted_view(item, details, lang):
    """What was submitted for an item, each field under its label on the form: a list of
    {label, value} or, for a group of rows, {label, rows: [[{label, value}]]}."""
    return _labelled(item.fields if item else (), details or {}, lang)


def _labelled(specs, values, lang):
    shown = []
    for spec in specs:
        value = values.get(spec["name"]) if isinstance(values, dict) else None
        if value in (None, "", []):
            continue
        label = spec["label"][lang]
        if spec["type"] == "group" and isinstance(value, list):
            shown.append({"label": label, "rows": [
                [{"label": part["label"], "value": part["value"]} for part in _labelled(spec["fields"], row, lang)]
                for row in value]})
        else:
            shown.append({"label": label, "value": _field_value(spec, value, lang)})
    return shown


def _field_value(spec, value, lang):
    if spec["type"] == "choice":
        option = next((each for each in spec.get("options", []) if each["value"] == value), None)
        return option["label"][lang] if option else value
    if spec["type"] == "boolean":
        return message("page.yes" if value else "page.no", lang)
    return value


def staff_view(request, reader):
    """A request as station staff, operators and managers see it: everything the
    enterprise sees, the contact and the form, the version to act on, the audit trail."""
    view = request_view(request, reader)
    view["timeline"] = [timeline_entry(entry, reader, audit=True) for entry in request.timeline]
    return {
        **view,
        "version": request.version,
        "contact": request.contact,
        "enterprise": request.enterprise,
        "details": request.details,
        "material_request": request.material_request,
        "accepted_at": request.accepted_at,
    }


def queue_view(queue, reader):
    """A page of a station's queue (a ``handlers.station.Queue``)."""
    return {
        "station": station_summary(queue.station, reader.lang) if queue.station else None,
        "counts": queue.counts,
        "total": queue.total,
        "offset": queue.offset,
        "limit": queue.limit,
        "requests": [queue_row(row, reader) for row in queue.rows],
    }


def queue_row(row, reader):
    request = row.request
    return {
        "code": request.code,
        **station_and_item(request.station, request.item, reader),
        "domain": request.domain,
        **status_summary(request.status, reader.lang),
        "enterprise": {"name": request.enterprise["name"]},
        "submitted_at": request.submitted_at,
        "due_date": row.due.isoformat() if row.due else None,
        "due_date_provisional": row.provisional,
        "overdue": row.overdue,
        "due_soon": row.due_soon,
        "flagged": row.flagged,
        "version": request.version,
        **origin_summary(request, reader.lang),
    }


def rectification_row(found, reader):
    """A poor rating and the station's answer, as the station's list shows it."""
    return {
        "code": found.code,
        **station_and_item(found.station, found.item, reader),
        "enterprise": {"name": found.enterprise["name"]},
        "rating": found.rating,
        "rectification": found.rectification,
        "version": found.version,
    }


def overdue_view(overdue, reader):
    """The overdue list (``handlers.service_levels.overdue_requests``) for its reader."""
    shown = []
    for row in overdue["rows"]:
        request = overdue["requests"].get(row["code"])
        shown.append({
            **row,
            **station_and_item(row["station"], row["item"], reader),
            **(status_summary(request.status, reader.lang) if request else {"status": None, "status_label": ""}),
            "enterprise": {"name": request.enterprise["name"] if request else ""},
        })
    return {"as_of": reader.today.isoformat(), "total": overdue["total"], "requests": shown}


def group_label(group_by, key, reader):
    """What a group of figures is called in the reader's language."""
    if group_by == "station" and reader.stations.get(key):
        return reader.stations.get(key)["name"][reader.lang]
    if group_by == "item" and reader.catalogue.item(key):
        return f"{key} {reader.catalogue.item(key).name[reader.lang]}"
    if group_by == "domain":
        return message(f"domain.{key}", reader.lang)
    return str(key)


def figures_view(report, reader):
    """The figures of ``handlers.service_levels.report``, each group labelled."""
    for group in report["groups"]:
        group["label"] = group_label(report["group_by"], group["key"], reader)
    return report


def calendar_warning_views(warnings, lang):
    """The calendar's warnings (``handlers.calendar.calendar_warnings``) in words."""
    return [{**warning, "message": message(f"{warning['code']}|year={warning['year']}", lang)}
            for warning in warnings]


def calendar_year_view(schedule, lang):
    """A year of the working-day calendar: every day off (weekends included) with its
    name, the make-up working days, and whether the year is official or provisional."""
    days_off = schedule.days_off()
    last_day = date(schedule.year, 12, 31)
    return {
        "year": schedule.year,
        "provisional": schedule.provisional,
        "source": schedule.source,
        "notice": message(schedule.notice, lang) if schedule.notice else "",
        "loaded_at": schedule.loaded_at,
        "loaded_by": (schedule.loaded_by or {}).get("name"),
        "holidays": [{"date": day, "weekday": day.isoweekday(), "name": name, "source": schedule.source,
                      "in_lieu": in_lieu} for day, name, in_lieu in days_off],
        "make_up_workdays": [{"date": day, "weekday": day.isoweekday(), "source": schedule.source}
                             for day in schedule.make_up_workdays],
        "working_days": last_day.timetuple().tm_yday - len(days_off),
    }


def enterprise_account_view(account, reader):
    """An enterprise account as the station sees it: its registration, its state and the
    audit of its verification (who, when, what was checked on the licence, the note)."""
    lang = reader.lang
    registration = account.registration or {}
    station = reader.stations.get(registration["station"]) if registration.get("station") else None
    return {
        "uscc": account.uscc or account.username,
        "name": account.name,
        "state": account.state,
        "state_label": message(f"account_state.{account.state}", lang),
        "station": station_summary(station, lang) if station else None,
        "contact": registration.get("contact"),
        "registered_at": registration.get("registered_at"),
        "verifications": [verification_entry(entry, lang) for entry in account.verifications],
    }


def verification_entry(entry, lang):
    return {
        **{key: entry.get(key) for key in ("at", "decision", "by", "checked", "note")},
        "decision_label": message(f"account_decision.{entry['decision']}", lang),
        "checked_labels": [message(f"licence_check.{check}", lang) for check in entry.get("checked") or []],
    }


def registered_view(account, reader):
    """What a registering enterprise is told: pending, and where to show its licence."""
    station = reader.stations.get(account.verifying_station)
    return {
        "uscc": account.uscc or account.username,
        "name": account.name,
        "state": account.state,
        "state_label": message(f"account_state.{account.state}", reader.lang),
        "station": station_summary(station, reader.lang),
        "next_step": message("registration.next_step", reader.lang, station=station["name"][reader.lang]),
    }


# -- the operators' workbench -------------------------------------------------------------------
# The statuses a domain's job list counts: from dispatch on.
JOB_LIST_STATUSES = ("dispatched", "in_progress", "completed", "rated", "terminated")


def job_list_view(jobs, reader):
    """A page of a domain's job list (a ``handlers.operators.JobList``): each row as the
    station's queue shows it, with the latest step taken on it."""
    return {
        "domain": jobs.domain,
        "domain_label": message(f"role.{jobs.domain}", reader.lang),
        "counts": {status: jobs.counts.get(status, 0) for status in JOB_LIST_STATUSES},
        "total": jobs.total,
        "offset": jobs.offset,
        "limit": jobs.limit,
        "jobs": [{**queue_row(row, reader), "latest": latest_step(row.request, reader)} for row in jobs.rows],
    }


def latest_step(request, reader):
    """The last step on a request's timeline, in words (where the work stands)."""
    if not request.timeline:
        return ""
    return timeline_entry(request.timeline[-1], reader)["label"]


def job_status_label(domain, job, lang):
    """A domain service's job, application or case status in words (a domain may call
    a status what another calls it differently: ``job_status.<domain>.<status>`` first;
    a consultation completed was answered, not issued)."""
    status = "answered" if job["status"] == "completed" and job.get("answer") else job["status"]
    own = f"job_status.{domain}.{status}"
    return message(own if own in MESSAGES else f"job_status.{status}", lang)


def step_label(domain, step, lang):
    """A step of a domain's work in words (``page.work.step.<domain>.<step>`` first)."""
    own = f"page.work.step.{domain}.{step}"
    return message(own if own in MESSAGES else f"page.work.step.{step}", lang)


def reference_standard_choices(standards, today, lang):
    """The reference standards a measurement may name, each with why it may not be used
    now (out of tolerance, its own calibration expired) or None."""
    choices = []
    for standard in standards:
        if standard.get("status") == "out_of_tolerance":
            state, reason = "out_of_tolerance", "reference_standard_out_of_tolerance"
        elif standard["calibration_valid_until"] < today.isoformat():
            state, reason = "calibration_expired", "reference_standard_calibration_expired"
        else:
            state, reason = "in_service", None
        choices.append({**standard, "state": state, "state_label": message(f"reference_standard_state.{state}", lang),
                        "unusable": message(reason, lang, id=standard["id"]) if reason else None})
    return choices


def took_part(job, person):
    """Whether ``person`` reviewed, audited or assessed the work a decision is about (a
    certification, a JL03 assessment): the decision is then someone else's, so the page
    offers them none (the service refuses it anyway: 409 impartiality_conflict)."""
    reviews = [job.get("review") or {}, job.get("document_review") or {}]
    records = [*(job.get("audits") or {}).values(), job.get("assessment") or {}]
    return any(review.get("by") == person for review in reviews) or any(
        person == record.get("recorded_by") or person in (record.get("auditors") or record.get("assessors") or ())
        for record in records)


def job_steps(job, lang):
    """The steps a laboratory job records (who, when), each named in words: a step's own
    label (``page.work.did.<step>``), else its timeline label when that takes no detail."""
    shown = []
    for step in job.get("steps") or []:
        own = f"page.work.did.{step['step']}"
        shown.append({**step, "label": message(own if own in MESSAGES else f"event.{step['step']}", lang)})
    return shown


# -- the enterprise's own pages (issue 29 §1) ------------------------------------------------------
def instrument_view(instrument, reader):
    """One instrument of the enterprise's file as its page shows it: what it is, its
    current certificate and how long that holds, the recall reminders raised and the next
    one, and whether a renewal may be asked for (a due reminder, no renewal yet)."""
    lang = reader.lang
    current = instrument.get("current") or {}
    valid_until = current.get("valid_until")
    days_left = (date.fromisoformat(valid_until) - reader.today).days if valid_until else None
    due = instrument.get("due")
    return {
        **{key: instrument.get(key) for key in ("serial_number", "name", "model", "measuring_range",
                                                  "accuracy_class", "verification_bound", "renewal_request",
                                                  "next_reminder_on")},
        "status": instrument.get("status"),
        "status_label": message(f"instrument_status.{instrument.get('status')}", lang),
        "certificate": {"number": current.get("number"), "request_code": current.get("request_code"),
                        "kind_label": message(f"document_kind.{current['kind']}", lang) if current.get("kind") else "",
                        "valid_until": valid_until, "days_left": days_left} if current else None,
        "due": due,
        "reminders": [{**reminder, "label": message(
            "page.me.reminder" if reminder["days_before"] else "page.me.reminder_on_the_day", lang,
            days=reminder["days_before"])} for reminder in instrument.get("reminders") or []],
        "renewable": bool(due) and not instrument.get("renewal_request"),
    }


def instrument_file_view(instruments, reader):
    """The file's instruments, those to renew first, then by the day their certificate
    runs out (the soonest first), those without one last."""
    rows = [instrument_view(instrument, reader) for instrument in instruments]
    return sorted(rows, key=lambda row: (not row["renewable"], (row["certificate"] or {}).get("valid_until") or "9999",
                                         row["serial_number"] or ""))


def followed_view(standard, lang):
    """A standard the enterprise follows, as the catalogue has it today (a number the
    catalogue does not know stands as it was followed)."""
    state = standard.get("state")
    title = standard.get("title_en") if lang == "en" and standard.get("title_en") else standard.get("title_zh")
    return {**standard, "title": title or "",
            "state_label": message(f"standard_state.{state}", lang) if state else "",
            "ended": state in ("superseded", "withdrawn")}
