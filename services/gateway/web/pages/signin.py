"""One sign-in page for every account (issue 29 §1): ``/login``.

An enterprise signs in with its credit code and lands on its own pages (``/me``);
station staff, managers and admins with their username and land on the console
(``/staff``). ``/staff/login`` is the same page and the same post. Both take the one
sign-in use case (``handlers/accounts.sign_in``: the throttle by account and address,
an enterprise only once verified) and open the same session, kept in HttpOnly cookies
(``session.py``). The form carries the public forms' signed double-submit token, since
there is no session yet to bind one to, and needs no JavaScript.
"""

from werkzeug.utils import redirect

from ...domain.throttle import TooManyRequests
from ...handlers import accounts
from ...handlers.accounts import AccountNotVerified
from ..auth import refresh_lifetime, session_tokens
from ..server import client_address, http, is_https, named_entrypoint
from ..templating import form_token_matches, page_endpoint, render
from .session import (
    LOGIN,
    SIGN_IN_ROLES,
    after_login,
    end_session,
    landing,
    page_session,
    set_session,
    sign_out_of_console,
    with_lang,
)


def sign_in_posted(login_path):
    """The entrypoint of the sign-in form posted to ``login_path`` (``/login`` and
    ``/staff/login`` take the same post: ``take_sign_in``)."""
    return named_entrypoint("POST", login_path, lambda self, request: take_sign_in(self.gateway, request, login_path),
                            page_endpoint)


def sign_out_posted(rule, login_path):
    """The entrypoint of the sign-out form posted to ``rule``, back to ``login_path``."""
    return named_entrypoint("POST", rule, lambda self, request: take_sign_out(self.gateway, request, login_path),
                            page_endpoint)


class SignInPages:
    @http("GET", "/login")
    @page_endpoint
    def sign_in_page(self, request):
        session = page_session(self.gateway, request, SIGN_IN_ROLES)
        if session.principal is not None:  # signed in already: on to the account's own pages
            target = landing(session.principal.role, after_login(request))
            return session.finish(redirect(with_lang(target, request), code=303))
        return sign_in_form(request, LOGIN)

    sign_in_post = sign_in_posted(LOGIN)
    sign_out_post = sign_out_posted("/logout", LOGIN)


def sign_in_form(request, action, status=200, problem=None, problem_params=None, username=""):
    """The sign-in page, posting to ``action`` (``/login`` or ``/staff/login``)."""
    return render(request, "login.html", status=status, action=action, problem=problem,
                  problem_params=problem_params or {}, username=username, after=after_login(request) or "")


def take_sign_in(gateway, request, action):
    """A posted sign-in: the account's session in cookies and on to its pages, or the
    form again saying why not (a stale form 403, wrong credentials 401, an enterprise
    not verified yet 403, too many failures 429 with ``Retry-After``)."""
    username = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")[:256]

    def again(status, problem, **params):
        return sign_in_form(request, action, status, problem, params, username)

    if not form_token_matches(request):
        return again(403, "form_expired")
    try:
        account = accounts.sign_in(gateway.accounts, gateway.throttle, gateway.passwords, username, password,
                                   client_address(request), SIGN_IN_ROLES) if username else None
    except TooManyRequests as refused:
        response = again(429, refused.code, retry_after=refused.retry_after)
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    except AccountNotVerified:
        return again(403, "account_not_verified")
    if account is None:
        return again(401, "bad_credentials")
    response = redirect(with_lang(landing(account.role, after_login(request)), request), code=303)
    opened = accounts.open_session(gateway.sessions, account, gateway.now(), refresh_lifetime())
    set_session(response, session_tokens(opened), is_https(request))
    return response


def take_sign_out(gateway, request, login_path):
    """A posted sign-out: the session ended, its cookies cleared, and on to the sign-in
    page (``/login`` or ``/staff/login``); a form not of our pages is refused (403),
    since another site may not sign anyone out."""
    if not form_token_matches(request):
        return render(request, "message.html", status=403, key="form_expired", params={})
    sign_out_of_console(gateway, request)
    return end_session(redirect(with_lang(login_path, request), code=303), is_https(request))
