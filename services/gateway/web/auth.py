"""Sign-in: argon2 password hashes and signed, short-lived tokens (PyJWT).

An access token (``typ: access``, ``ACCESS_TOKEN_SECONDS``) carries the principal's
role and binding (station, domain or credit code), the account's ``token_version``
(``ver``) and its session (``fam``). Every request that carries one is checked against
its account (``handlers/accounts.check_signed_in``: one read by key), so a disabled
account, or one whose sessions were ended, is refused at once, not at expiry; anonymous
requests carry no token and pay nothing. The account's repository reaches this module
through the WSGI environ (``ACCOUNTS_KEY``, set for every request by
``adapters/actor.SignedInActor``); a token is refused when it cannot be checked.

A refresh token (``typ: refresh``, ``REFRESH_TOKEN_SECONDS``) is one of its session's
family (``domain/session.py``): it buys one new pair, once, and its reuse ends the
family.

APIs take ``Authorization: Bearer <access token>``. The staff console keeps the tokens
in HttpOnly cookies and protects its forms with a CSRF token (``csrf_token``).
"""

import hashlib
import hmac
import time

import jwt

from ...common.config import secret, setting
from ..domain.access import Principal
from ..handlers.accounts import OpenSession, SessionExpired, check_signed_in

ALGORITHM = "HS256"
ISSUER = "qi-gateway"
ACCESS_COOKIE = "qi_access"
REFRESH_COOKIE = "qi_refresh"
ACCOUNTS_KEY = "qi.accounts"  # the worker's AccountRepository, in the WSGI environ


class Unauthenticated(Exception):
    """No valid sign-in (missing, malformed, tampered with, expired, or of an account
    that may no longer act): HTTP 401."""


# -- tokens ------------------------------------------------------------------------------
def _key():
    return secret("SECRET_KEY")


def refresh_lifetime():
    return int(setting("REFRESH_TOKEN_SECONDS"))


def issue_tokens(account, family="", token_id="", now=None):
    """A new access + refresh pair for an account (a dict with the account's fields), of
    session ``family`` whose latest refresh token is ``token_id``."""
    now = int(now if now is not None else time.time())
    access_seconds = int(setting("ACCESS_TOKEN_SECONDS"))
    version = account.get("token_version", 0)
    claims = {
        "iss": ISSUER,
        "sub": account["username"],
        "role": account["role"],
        "name": account["name"],
        "station": account.get("station"),
        "domain": account.get("domain"),
        "uscc": account.get("uscc"),
        "ver": version,
        "fam": family,
        "iat": now,
    }
    access = jwt.encode({**claims, "typ": "access", "exp": now + access_seconds}, _key(), ALGORITHM)
    refresh = jwt.encode(
        {"iss": ISSUER, "sub": account["username"], "typ": "refresh", "ver": version, "fam": family,
         "jti": token_id, "iat": now, "exp": now + refresh_lifetime()},
        _key(),
        ALGORITHM,
    )
    return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": access_seconds}


def _decode(token, kind):
    try:
        claims = jwt.decode(token, _key(), algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "sub", "typ"]})
    except jwt.PyJWTError as exc:
        raise Unauthenticated(str(exc)) from exc
    if claims.get("typ") != kind:
        raise Unauthenticated(f"not an {kind} token")
    return claims


CHECKED_TOKEN_KEY = "qi.checked_token"  # (token, principal or the Unauthenticated it raised) in the WSGI environ


def principal_from_token(token):
    """The principal an access token names, from its signature alone (no account check)."""
    return _principal(_decode(token, "access"))


def _principal(claims):
    return Principal(
        username=claims["sub"], role=claims["role"], name=claims["name"],
        station=claims.get("station"), domain=claims.get("domain"), uscc=claims.get("uscc"),
    )


def signed_in_principal(request, token):
    """The principal of a valid access token whose account may still act; Unauthenticated
    otherwise (including when the account cannot be checked)."""
    claims = _decode(token, "access")
    accounts = request.environ.get(ACCOUNTS_KEY)
    if accounts is None:
        raise Unauthenticated("no account store to check the token against")
    try:
        check_signed_in(accounts, claims)
    except SessionExpired as exc:
        raise Unauthenticated(f"the account {exc} may no longer act") from exc
    return _principal(claims)


def session_tokens(opened: OpenSession):
    """The tokens of a session just opened or carried on, and who it is."""
    claims = opened.account.claims()
    public = {key: claims[key] for key in ("username", "role", "name", "station", "domain", "uscc")}
    return {**issue_tokens(claims, opened.family, opened.token), "account": public}


def refresh_claims(token):
    """The claims of a validly signed refresh token (its session decides whether it may be used)."""
    return _decode(token, "refresh")


def bearer_token(request):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def principal_of(request, cookies=False):
    """The signed-in principal of a request, None if it carries no token at all;
    raises Unauthenticated for a bad one. Pages (``cookies=True``) read the cookie."""
    token = bearer_token(request)
    if token is None and cookies:
        token = request.cookies.get(ACCESS_COOKIE)
    if not token:
        return None
    # Asked twice per request (who acts, then may they): the token is checked once.
    checked = request.environ.get(CHECKED_TOKEN_KEY)
    if checked is not None and checked[0] == token:
        if isinstance(checked[1], Unauthenticated):
            raise checked[1]
        return checked[1]
    try:
        principal = signed_in_principal(request, token)
    except Unauthenticated as refused:
        request.environ[CHECKED_TOKEN_KEY] = (token, refused)
        raise
    request.environ[CHECKED_TOKEN_KEY] = (token, principal)
    return principal


def principal_if_valid(request, cookies=False):
    """The signed-in principal, or None for no token and for a token that is not valid
    (where signing in only adds to what anyone may do)."""
    try:
        return principal_of(request, cookies)
    except Unauthenticated:
        return None


def require_principal(request, cookies=False):
    principal = principal_of(request, cookies)
    if principal is None:
        raise Unauthenticated("sign-in required")
    return principal


# -- CSRF for the console's forms --------------------------------------------------------
def csrf_token(session_token):
    """Bound to the signed-in session (its family id, which rotation keeps): a page from
    another site cannot know it."""
    return hmac.new(_key().encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()[:32]


def csrf_matches(session_token, presented):
    return bool(session_token and presented) and hmac.compare_digest(csrf_token(session_token), presented)
