"""The staff console (工作台, ``/staff``): a station's day without touching the API.

Server-rendered like the enterprise's pages. Signing in sets the tokens as HttpOnly,
SameSite=Strict cookies; every form carries a CSRF token bound to the session; each
step is posted, taken through the same code as the API, and answered with a redirect
(post/redirect/get) — or, if someone acted first, with the request as it now is.
"""

from urllib.parse import urlencode

from marshmallow import ValidationError
from werkzeug.utils import redirect

from ....common.domain import InvalidTransition
from ...bootstrap import reference_data
from ...domain.access import ADMIN, MANAGER, STAFF, Forbidden, may_work_station
from ...domain.request_code import MalformedCode, WrongCheckCharacter, parse_code
from ...domain.throttle import TooManyRequests
from ...handlers.intake import StaleRequest
from ..auth import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    Unauthenticated,
    csrf_matches,
    csrf_token,
    principal_from_token,
    refresh_claims,
)
from ..errors import MAX_BODY_BYTES
from ..messages import localize, message
from ..schemas.intake import QUEUE_FILTERS, STATION_STEP_SCHEMAS
from ..server import client_address, http
from ..templating import form_token_matches, page_endpoint, page_language, render
from ..views import staff_view

CONSOLE_ROLES = (STAFF, MANAGER, ADMIN)


class Console:
    @http("GET", "/staff/login")
    @page_endpoint
    def console_login_page(self, request):
        return render(request, "staff_login.html", problem=None, problem_params={}, username="",
                      after=_after(request))

    @http("POST", "/staff/login")
    @page_endpoint
    def console_login(self, request):
        username = request.form.get("username", "").strip()[:64]
        password = request.form.get("password", "")[:256]
        if not form_token_matches(request):
            return render(request, "staff_login.html", status=403, problem="form_expired", problem_params={},
                          username=username, after=_after(request))
        try:
            account = self.signed_in_account(username, password, client_address(request), CONSOLE_ROLES) \
                if username else None
        except TooManyRequests as refused:
            response = render(request, "staff_login.html", status=429, problem=refused.code,
                              problem_params={"retry_after": refused.retry_after}, username=username,
                              after=_after(request))
            response.headers["Retry-After"] = str(refused.retry_after)
            return response
        if account is not None:
            response = redirect(_with_lang(_after(request), request), code=303)
            _set_session(response, self.tokens_for(account))
            return response
        return render(request, "staff_login.html", status=401, problem="bad_credentials", problem_params={},
                      username=username, after=_after(request))

    @http("POST", "/staff/logout")
    @page_endpoint
    def console_logout(self, request):
        if not form_token_matches(request):  # another site may not sign staff out either
            return render(request, "message.html", status=403, key="form_expired", params={})
        response = redirect(_with_lang("/staff/login", request), code=303)
        response.delete_cookie(ACCESS_COOKIE, path="/")
        response.delete_cookie(REFRESH_COOKIE, path="/")
        return response

    @http("GET", "/staff")
    @page_endpoint
    def console_queue(self, request):
        session = self.console_session(request)
        if session.principal is None:
            return session.to_login(request)
        lang = page_language(request)
        try:
            filters = QUEUE_FILTERS.load({k: v for k, v in request.args.items() if v})
            queue = self.queue_for(session.principal, filters, lang)
            problem = None
        except (ValidationError, Forbidden) as exc:
            filters, queue = {}, None
            problem = "forbidden" if isinstance(exc, Forbidden) else "validation_failed"
        catalogue, stations = reference_data()
        rectifications = self.rectifications_for(session.principal, queue["station"]["division"], "open", lang) \
            if queue else []
        return session.finish(render(
            request, "staff_queue.html", status=200 if problem is None else 400, session=session,
            queue=queue, filters=filters, problem=problem, catalogue=catalogue,
            stations=list(stations.by_division.values()), rectifications=rectifications,
        ))

    @http("GET", "/staff/requests/<string:code>")
    @page_endpoint
    def console_request(self, request, code):
        session = self.console_session(request)
        if session.principal is None:
            return session.to_login(request)
        return self.render_console_request(request, session, code, done=request.args.get("done"))

    @http("POST", "/staff/requests/<string:code>/<string:step>")
    @page_endpoint
    def console_step(self, request, code, step):
        session = self.console_session(request)
        if session.principal is None:
            return session.to_login(request)
        if request.content_length and request.content_length > MAX_BODY_BYTES:
            return render(request, "message.html", status=413, key="body_too_large", params={"limit": MAX_BODY_BYTES})
        if not csrf_matches(session.csrf_basis, request.form.get("csrf", "")):
            return self.render_console_request(request, session, code, problem="csrf_failed", status=403)
        if step not in STATION_STEP_SCHEMAS:
            return render(request, "message.html", status=404, key="page.not_found", params={})
        lang = page_language(request)
        form = {key: value for key, value in request.form.items() if key not in ("csrf", "lang") and value != ""}
        try:
            command = STATION_STEP_SCHEMAS[step].load(form)
            self.take_station_step(session.principal, code, step, command, lang)
        except ValidationError as exc:
            return self.render_console_request(request, session, code, status=422,
                                               errors=localize(exc.messages, lang))
        except StaleRequest:
            return self.render_console_request(request, session, code, problem="stale_request", status=409)
        except Forbidden:
            return self.render_console_request(request, session, code, problem="forbidden", status=403)
        except InvalidTransition:
            return self.render_console_request(request, session, code, problem="invalid_transition", status=409)
        target = f"/staff/requests/{code}?{urlencode({'done': step, **_lang_param(request)})}"
        return session.finish(redirect(target, code=303))

    # -- helpers ----------------------------------------------------------------------
    def render_console_request(self, request, session, code, done=None, problem=None, status=200, errors=None):
        catalogue, stations = reference_data()
        lang = page_language(request)
        try:
            found = self.requests.get_or_none(str(parse_code(code)))
        except (MalformedCode, WrongCheckCharacter):
            found = None
        if found is None:
            return render(request, "message.html", status=404, key="request_not_found", params={})
        if not may_work_station(session.principal, found.station, read_only=True):
            return render(request, "message.html", status=403, key="forbidden", params={})
        return session.finish(render(
            request, "staff_request.html", status=status, session=session,
            view=staff_view(found, catalogue, stations, lang, calendar=self.current_calendar()), done=done,
            problem=problem, errors=errors or {},
            can_act=may_work_station(session.principal, found.station),
            stations=[s for s in stations.by_division.values() if s["division"] != found.station],
            current_label=message(f"status.{found.status}", lang),
        ))

    def console_session(self, request):
        """The signed-in console user from the cookies, refreshing an expired access token."""
        access = request.cookies.get(ACCESS_COOKIE)
        refresh = request.cookies.get(REFRESH_COOKIE)
        try:
            principal = principal_from_token(access) if access else None
            if principal is not None and principal.role in CONSOLE_ROLES:
                return ConsoleSession(principal, refresh)
        except Unauthenticated:
            pass
        if refresh:
            try:
                claims = refresh_claims(refresh)
            except Unauthenticated:
                return ConsoleSession(None, None)
            account = self.accounts.get_or_none(claims["sub"])
            if account is not None and account.active and claims.get("ver") == account.token_version \
                    and account.role in CONSOLE_ROLES:
                tokens = self.tokens_for(account)
                return ConsoleSession(principal_from_token(tokens["access_token"]), tokens["refresh_token"], tokens)
        return ConsoleSession(None, None)


class ConsoleSession:
    def __init__(self, principal, refresh_token, renewed=None):
        self.principal = principal
        self.csrf_basis = refresh_token
        self.renewed = renewed  # new tokens to set as cookies with the response

    @property
    def csrf(self):
        return csrf_token(self.csrf_basis) if self.csrf_basis else ""

    def role_label(self, lang):
        return message(f"role.{self.principal.role}", lang)

    def finish(self, response):
        if self.renewed:
            _set_session(response, self.renewed)
        return response

    def to_login(self, request, after=None):
        target = f"/staff/login?{urlencode({'after': after})}" if after in AFTER_LOGIN else "/staff/login"
        return redirect(_with_lang(target, request), code=303)


def _set_session(response, tokens):
    for name, value in ((ACCESS_COOKIE, tokens["access_token"]), (REFRESH_COOKIE, tokens["refresh_token"])):
        response.set_cookie(name, value, httponly=True, samesite="Strict", path="/")


# Where a sign-in may lead: the console's own pages only (never a URL from elsewhere).
AFTER_LOGIN = ("/staff", "/dashboard")


def _after(request):
    after = request.values.get("after")
    return after if after in AFTER_LOGIN else "/staff"


def _lang_param(request):
    return {"lang": "en"} if page_language(request) == "en" else {}


def _with_lang(path, request):
    if page_language(request) != "en":
        return path
    return f"{path}{'&' if '?' in path else '?'}lang=en"
