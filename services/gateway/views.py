"""What the gateway shows of a request: plain dicts in the user's language.

The request's stored timeline keeps keys (``event``, ``status``, ``actor.role``); the
labels are made here, per reader, so the same timeline reads in Chinese or English.
"""

from .messages import message


def item_summary(item, lang):
    return {"code": item.code, "name": item.name[lang], "committed_days": item.committed_days}


def submitted_view(request, item, station, lang):
    return {
        "code": request.code,
        "status": request.status,
        "status_label": message(f"status.{request.status}", lang),
        "item": item_summary(item, lang),
        "domain": request.domain,
        "station": {"division": station["division"], "name": station["name"][lang]},
        "submitted_at": request.submitted_at,
        "tracking_url": f"/api/v1/requests/{request.code}",
    }


def tracking_view(request, item, station, lang, notices=()):
    return {
        **submitted_view(request, item, station, lang),
        "enterprise": {"name": request.enterprise["name"]},
        "result": request.result,
        "timeline": [timeline_entry(entry, lang) for entry in request.timeline],
        "notices": [notice_view(notice, lang) for notice in notices],
    }


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


def timeline_entry(entry, lang):
    params = dict(entry.get("details") or {})
    if "to" in params:
        params["to"] = message(f"domain.{params['to']}", lang)
    return {
        "at": entry["at"],
        "event": entry["event"],
        "label": message(f"event.{entry['event']}", lang, **params),
        "status": entry.get("status"),
        "actor": {"role": entry["actor"]["role"], "label": message(f"role.{entry['actor']['role']}", lang)},
        "reason": entry.get("reason"),
        "details": entry.get("details") or {},
    }
