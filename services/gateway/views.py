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


def tracking_view(request, item, station, lang):
    return {
        **submitted_view(request, item, station, lang),
        "enterprise": {"name": request.enterprise["name"]},
        "result": request.result,
        "timeline": [timeline_entry(entry, lang) for entry in request.timeline],
    }


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
