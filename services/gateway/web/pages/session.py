"""Who is signed in to the console and the dashboard: the tokens kept as HttpOnly,
SameSite=Strict cookies, an expired access token renewed from the refresh token, and
the CSRF token every console form carries (bound to the session)."""

from urllib.parse import urlencode

from werkzeug.utils import redirect

from ...domain.access import ADMIN, MANAGER, OPERATOR, STAFF
from ...handlers.accounts import SessionExpired, resume_session
from ..auth import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    Unauthenticated,
    csrf_token,
    principal_from_token,
    refresh_claims,
    session_tokens,
)
from ..messages import message
from ..templating import page_language

# Every staff account signs in to the one console: station staff, the domain services'
# operators (who land on their job list), managers and admins.
CONSOLE_ROLES = (STAFF, OPERATOR, MANAGER, ADMIN)
# Where a sign-in may lead: the console's own pages only (never a URL from elsewhere).
AFTER_LOGIN = ("/staff", "/staff/jobs", "/dashboard")


class ConsoleSession:
    def __init__(self, principal, refresh_token, renewed=None):
        self.principal = principal
        self.csrf_basis = refresh_token
        self.renewed = renewed  # new tokens to set as cookies with the response

    @property
    def csrf(self):
        return csrf_token(self.csrf_basis) if self.csrf_basis else ""

    def role_label(self, lang):
        """Operators are known by their domain service (计量部门); the rest by their role."""
        return message(f"role.{self.principal.domain or self.principal.role}", lang)

    def finish(self, response):
        if self.renewed:
            set_session(response, self.renewed)
        return response

    def to_login(self, request, after=None):
        target = f"/staff/login?{urlencode({'after': after})}" if after in AFTER_LOGIN else "/staff/login"
        return redirect(with_lang(target, request), code=303)


def console_session(accounts, request):
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
            account = resume_session(accounts, refresh_claims(refresh), CONSOLE_ROLES)
        except (Unauthenticated, SessionExpired):
            return ConsoleSession(None, None)
        tokens = session_tokens(account)
        return ConsoleSession(principal_from_token(tokens["access_token"]), tokens["refresh_token"], tokens)
    return ConsoleSession(None, None)


def set_session(response, tokens):
    for name, value in ((ACCESS_COOKIE, tokens["access_token"]), (REFRESH_COOKIE, tokens["refresh_token"])):
        response.set_cookie(name, value, httponly=True, samesite="Strict", path="/")


def end_session(response):
    response.delete_cookie(ACCESS_COOKIE, path="/")
    response.delete_cookie(REFRESH_COOKIE, path="/")
    return response


def after_login(request):
    after = request.values.get("after")
    return after if after in AFTER_LOGIN else "/staff"


def lang_param(request):
    return {"lang": "en"} if page_language(request) == "en" else {}


def with_lang(path, request):
    if page_language(request) != "en":
        return path
    return f"{path}{'&' if '?' in path else '?'}lang=en"
