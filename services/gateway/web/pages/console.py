"""The staff console (工作台, ``/staff``): a station's day without touching the API.

Server-rendered like the enterprise's pages. Signing in sets the tokens as HttpOnly,
SameSite=Strict cookies; every form carries a CSRF token bound to the session; each
step is posted, taken through the same use case as the API, and answered with a
redirect (post/redirect/get) — or, if someone acted first, with the request as it now is.
"""

from urllib.parse import urlencode

from marshmallow import ValidationError
from werkzeug.utils import redirect

from ....common.domain import InvalidTransition, RuleViolated
from ....common.repository import NotFound
from ...domain.access import OPERATOR, Forbidden, may_work_station
from ...domain.request_code import MalformedCode, WrongCheckCharacter
from ...exceptions import StaleRequest
from ...handlers import notifications, station
from ..api.station import STEPS
from ..messages import localize, message
from ..schemas.intake import QUEUE_FILTERS, QUEUE_VIEW, STATION_STEP_SCHEMAS
from ..server import http
from ..templating import page_endpoint, page_language, render
from ..views import Reader, queue_view, rectification_row, staff_view
from .session import (
    CONSOLE_LOGIN,
    console_session,
    lang_param,
    posted_from,
    signed_in,
    with_lang,
)
from .signin import sign_in_form, sign_in_posted, sign_out_posted


def staff_request_page(service, request, session, code, done=None, problem=None, status=200, errors=None,
                       problem_params=None):
    """One request in the console, with the steps the signed-in person may take on it."""
    gateway = service.gateway
    reader = Reader.of(gateway, page_language(request))
    try:
        found = station.request_for_staff(gateway.requests, session.principal, code)
    except (MalformedCode, WrongCheckCharacter, NotFound) as exc:
        return code_refused_page(request, exc)
    except Forbidden:
        return render(request, "message.html", status=403, key="forbidden", params={})
    return session.finish(render(
        request, "staff_request.html", status=status, session=session,
        view=staff_view(found, reader), done=done, problem=problem, problem_params=problem_params or {},
        notifications=notifications.of_request(gateway.deliveries, found.code),
        errors=errors or {},
        can_act=may_work_station(session.principal, found.station),
        stations=[s for s in reader.stations.by_division.values() if s["division"] != found.station],
        current_label=message(f"status.{found.status}", reader.lang),
    ))


class Console:
    @http("GET", "/staff/login")
    @page_endpoint
    def console_login_page(self, request):
        return sign_in_form(request, CONSOLE_LOGIN)  # the one sign-in page (signin.py)

    console_login = sign_in_posted(CONSOLE_LOGIN)
    console_logout = sign_out_posted("/staff/logout", CONSOLE_LOGIN)

    @http("GET", "/staff")
    @page_endpoint
    @signed_in(console_session)
    def console_queue(self, request, session):
        if session.principal.role == OPERATOR:  # operators work their domain's jobs
            return session.finish(redirect(with_lang("/staff/jobs", request), code=303))
        reader = Reader.of(self.gateway, page_language(request))
        try:
            filters = QUEUE_FILTERS.load({k: v for k, v in request.args.items() if v and k not in REASSIGNED})
            queue = station.queue(self.gateway.requests, reader.catalogue, reader.stations, reader.calendar,
                                  session.principal, filters, reader.today)
            problem = None
        except (ValidationError, station.UnknownStation, Forbidden) as exc:
            filters, queue = {}, None
            problem = "forbidden" if isinstance(exc, Forbidden) else "validation_failed"
        rectifications = [rectification_row(found, reader) for found in station.rectifications(
            self.gateway.requests, session.principal, queue.station["division"] if queue.station else None)
        ] if queue else []
        division = queue.station["division"] if queue and queue.station else None
        inbox = [{"kind": delivery.kind, "label": message(f"notify.kind.{delivery.kind}", reader.lang),
                  "at": delivery.created_at.isoformat(), "code": delivery.request_code}
                 for delivery in notifications.station_inbox(self.gateway.deliveries, session.principal, division)]
        return session.finish(render(
            request, "staff_queue.html", status=200 if problem is None else 400, session=session, inbox=inbox,
            queue=QUEUE_VIEW.dump(queue_view(queue, reader)) if queue else None, filters=filters, problem=problem,
            catalogue=reader.catalogue, stations=list(reader.stations.by_division.values()),
            rectifications=rectifications, reassigned=reassigned(request, reader),
        ))

    @http("GET", "/staff/requests/<string:code>")
    @page_endpoint
    @signed_in(console_session)
    def console_request(self, request, session, code):
        return staff_request_page(self, request, session, code, done=request.args.get("done"))

    @http("POST", "/staff/requests/<string:code>/<string:step>")
    @page_endpoint
    @posted_from(console_session, staff_request_page, "code")
    def console_step(self, request, session, code, step):
        gateway = self.gateway
        if step not in STATION_STEP_SCHEMAS:
            return render(request, "message.html", status=404, key="page.not_found", params={})
        lang = page_language(request)
        form = {key: value for key, value in request.form.items() if key not in ("csrf", "lang") and value != ""}
        try:
            command = STATION_STEP_SCHEMAS[step].load(form)
            station.take_step(gateway.requests, gateway.stations, session.principal, code, STEPS[step], command,
                              gateway.now())
        except (MalformedCode, WrongCheckCharacter, NotFound) as exc:
            return code_refused_page(request, exc)
        except ValidationError as exc:
            return staff_request_page(self, request, session, code, status=422, errors=localize(exc.messages, lang))
        except station.UnknownStation as exc:
            return staff_request_page(self, request, session, code, status=422,
                                      errors=localize({exc.field: [exc.reason]}, lang))
        except StaleRequest:
            return staff_request_page(self, request, session, code, problem="stale_request", status=409)
        except Forbidden:
            return staff_request_page(self, request, session, code, problem="forbidden", status=403)
        except InvalidTransition:
            return staff_request_page(self, request, session, code, problem="invalid_transition", status=409)
        except RuleViolated as exc:  # e.g. ending a request whose certificate is out
            return staff_request_page(self, request, session, code, problem=exc.code, status=409,
                                      problem_params=exc.params)
        if step == "reassign" and not may_work_station(session.principal, command["station"]):
            # the request is the other station's now: the clerk is told so on their queue
            moved = {"reassigned": code, "to": command["station"], **lang_param(request)}
            return session.finish(redirect(f"/staff?{urlencode(moved)}", code=303))
        target = f"/staff/requests/{code}?{urlencode({'done': step, **lang_param(request)})}"
        return session.finish(redirect(target, code=303))


REASSIGNED = ("reassigned", "to")  # what the queue is told after a clerk moved a request away


def reassigned(request, reader):
    """The confirmation a clerk lands on after moving a request to another station."""
    code, to = request.args.get("reassigned", ""), reader.stations.get(request.args.get("to", ""))
    if not code or to is None:
        return None
    return {"code": code[:40], "station": to["name"][reader.lang]}


def code_refused_page(request, exc):
    """A code typed wrong (400: not a code, or a wrong check character) or unknown (404)."""
    if isinstance(exc, MalformedCode):
        return render(request, "message.html", status=400, key="malformed_code", params={})
    if isinstance(exc, WrongCheckCharacter):
        return render(request, "message.html", status=400, key="wrong_check_character", params={})
    return render(request, "message.html", status=404, key="request_not_found", params={})
