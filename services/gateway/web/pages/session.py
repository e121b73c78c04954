"""Who is signed in to the pages — the console and the dashboard, and an enterprise's
own pages (``/me``): the tokens kept as HttpOnly, SameSite=Strict cookies (``Secure``
whenever the browser reached us over HTTPS, directly or through the trusted proxy), an
expired access token renewed from the refresh token, and the CSRF token every form of a
signed-in page carries (bound to the session)."""

import functools
import re
from urllib.parse import urlencode

from werkzeug.utils import redirect

from ...domain.access import ADMIN, ENTERPRISE, MANAGER, OPERATOR, STAFF
from ...handlers.accounts import SessionExpired, refresh_session, sign_out
from ..auth import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    Unauthenticated,
    csrf_matches,
    csrf_token,
    principal_from_token,
    refresh_claims,
    refresh_lifetime,
    session_tokens,
    signed_in_principal,
)
from ..errors import MAX_BODY_BYTES
from ..messages import message
from ..server import is_https
from ..templating import page_language, render

# Every staff account signs in to the one console: station staff, the domain services'
# operators (who land on their job list), managers and admins.
CONSOLE_ROLES = (STAFF, OPERATOR, MANAGER, ADMIN)
ENTERPRISE_ROLES = (ENTERPRISE,)
SIGN_IN_ROLES = (*CONSOLE_ROLES, *ENTERPRISE_ROLES)  # who signs in on /login
# Where a sign-in may lead: the console's own pages, or an enterprise's (never a URL from elsewhere).
AFTER_LOGIN = ("/staff", "/staff/jobs", "/dashboard")
ENTERPRISE_PAGE = re.compile(r"^/me(/[A-Za-z0-9-]+)*$")
CONSOLE_LOGIN = "/staff/login"
LOGIN = "/login"


class ConsoleSession:
    def __init__(self, principal, family, renewed=None, secure=False, login_path=CONSOLE_LOGIN):
        self.principal = principal
        self.csrf_basis = family  # the session's family id: a rotation keeps it
        self.renewed = renewed  # new tokens to set as cookies with the response
        self.secure = secure  # the browser came over HTTPS: cookies only go back that way
        self.login_path = login_path  # where to sign in when the session is over

    @property
    def csrf(self):
        return csrf_token(self.csrf_basis) if self.csrf_basis else ""

    def role_label(self, lang):
        """Operators are known by their domain service (计量部门); the rest by their role."""
        return message(f"role.{self.principal.domain or self.principal.role}", lang)

    def finish(self, response):
        if self.renewed:
            set_session(response, self.renewed, self.secure)
        return response

    def to_login(self, request, after=None):
        target = f"{self.login_path}?{urlencode({'after': after})}" if may_lead_to(after) else self.login_path
        return redirect(with_lang(target, request), code=303)


def console_session(gateway, request):
    """The signed-in console user (staff, managers, admins) from the cookies."""
    return page_session(gateway, request, CONSOLE_ROLES, CONSOLE_LOGIN)


def enterprise_session(gateway, request):
    """The signed-in enterprise (its verified account) from the cookies, for ``/me``."""
    return page_session(gateway, request, ENTERPRISE_ROLES, LOGIN)


def signed_in(open_session, after=None, roles=None):
    """A page for the signed-in only (put under ``@page_endpoint``): the page is called
    with the session (``open_session``: ``console_session`` or ``enterprise_session``)
    after the request. Someone not signed in goes to sign in, and from there back to
    ``after`` (formatted with the path's parameters: ``/me/requests/{code}``); someone
    signed in with a role not in ``roles`` (when given) is shown the 403 page."""

    def guard(page):
        @functools.wraps(page)
        def guarded(self, request, **path):
            session = open_session(self.gateway, request)
            if session.principal is None:
                return session.to_login(request, after=after.format(**path) if after else None)
            if roles is not None and session.principal.role not in roles:
                return render(request, "message.html", status=403, key="forbidden", params={})
            return page(self, request, session, **path)

        return guarded

    return guard


def posted_from(open_session, page, *about):
    """A form posted from a signed-in page (put under ``@page_endpoint``): the step is called
    with the session after the request once the post is taken; else the answer is to sign
    in, 413 (too large), or ``page`` again saying the CSRF token is not of this session,
    called as ``page(service, request, session, *about, problem=, status=)`` with the path's
    parameters named in ``about`` (the request's ``code``, not the step posted)."""

    def guard(step):
        @functools.wraps(step)
        def guarded(self, request, **path):
            session = open_session(self.gateway, request)
            refused = refused_console_post(request, session, lambda problem, status: page(
                self, request, session, *(path[name] for name in about), problem=problem, status=status))
            return step(self, request, session, **path) if refused is None else refused

        return guarded

    return guard


def page_session(gateway, request, roles, login_path=LOGIN):
    """The signed-in user of one of ``roles`` from the cookies (the access token checked
    against its account), carrying the session on with its refresh token once the access
    token ran out; a session of no one (``principal`` None) otherwise."""
    access = request.cookies.get(ACCESS_COOKIE)
    family = _family_of(request.cookies.get(REFRESH_COOKIE))
    try:
        principal = signed_in_principal(request, access) if access and family else None
        if principal is not None and principal.role in roles:
            return ConsoleSession(principal, family, login_path=login_path)
    except Unauthenticated:
        pass
    refresh = request.cookies.get(REFRESH_COOKIE)
    if not refresh:
        return ConsoleSession(None, None, login_path=login_path)
    try:
        opened = refresh_session(gateway.accounts, gateway.sessions, refresh_claims(refresh), gateway.now(),
                                 refresh_lifetime(), roles)
    except (Unauthenticated, SessionExpired):
        return ConsoleSession(None, None, login_path=login_path)
    tokens = session_tokens(opened)
    return ConsoleSession(principal_from_token(tokens["access_token"]), opened.family, tokens,
                          secure=is_https(request), login_path=login_path)


def refused_console_post(request, session, page_with_problem):
    """Why a console form post is not taken, as the answer to give: not signed in (to the
    sign-in page), a body over the limit (413), or a CSRF token not of this session (the
    page again, ``page_with_problem(problem, status)``); None to go on."""
    if session.principal is None:
        return session.to_login(request)
    if request.content_length and request.content_length > MAX_BODY_BYTES:
        return render(request, "message.html", status=413, key="body_too_large", params={"limit": MAX_BODY_BYTES})
    if not csrf_matches(session.csrf_basis, request.form.get("csrf", "")):
        return page_with_problem("csrf_failed", 403)
    return None


def sign_out_of_console(gateway, request):
    """End the session the console's refresh cookie belongs to (if it is a valid one)."""
    refresh = request.cookies.get(REFRESH_COOKIE)
    try:
        if refresh:
            sign_out(gateway.sessions, refresh_claims(refresh))
    except Unauthenticated:
        pass


def _family_of(refresh_token):
    try:
        return refresh_claims(refresh_token).get("fam") if refresh_token else None
    except Unauthenticated:
        return None


def set_session(response, tokens, secure):
    """The session's cookies: never readable by a script, never sent by another site's
    page, and over HTTPS never sent in the clear."""
    for name, value in ((ACCESS_COOKIE, tokens["access_token"]), (REFRESH_COOKIE, tokens["refresh_token"])):
        response.set_cookie(name, value, httponly=True, samesite="Strict", secure=secure, path="/")


def end_session(response, secure):
    for name in (ACCESS_COOKIE, REFRESH_COOKIE):
        response.delete_cookie(name, path="/", httponly=True, samesite="Strict", secure=secure)
    return response


def may_lead_to(after):
    """Whether a sign-in may lead to this page afterwards: one of ours, never elsewhere."""
    return after in AFTER_LOGIN or bool(after and ENTERPRISE_PAGE.match(after))


def after_login(request):
    """The page asked to lead to after signing in, if it may be; None otherwise."""
    after = request.values.get("after")
    return after if may_lead_to(after) else None


def landing(role, after=None):
    """Where a sign-in leads: the page asked for, if it is one of the account's own kind
    (an enterprise's ``/me…``, the console's otherwise); else an enterprise's ``/me``, an
    operator's job list, the station queue for everyone else."""
    if role == ENTERPRISE:
        return after if after and ENTERPRISE_PAGE.match(after) else "/me"
    if after in AFTER_LOGIN:
        return after
    return "/staff/jobs" if role == OPERATOR else "/staff"  # an operator works from the job list


def lang_param(request):
    return {"lang": "en"} if page_language(request) == "en" else {}


def with_lang(path, request):
    if page_language(request) != "en":
        return path
    return f"{path}{'&' if '?' in path else '?'}lang=en"
