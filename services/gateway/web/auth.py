"""Sign-in: argon2 password hashes and signed, short-lived tokens (PyJWT).

An access token (``typ: access``, ``ACCESS_TOKEN_SECONDS``) carries the principal's
role and binding (station, domain or credit code), so checking a request needs no
database read. A refresh token (``typ: refresh``, ``REFRESH_TOKEN_SECONDS``) buys a new
pair; it carries the account's ``token_version``, which a password change or a
disabled account bumps, so old refresh tokens stop working.

APIs take ``Authorization: Bearer <access token>``. The staff console keeps the tokens
in HttpOnly cookies and protects its forms with a CSRF token (``csrf_token``).
"""

import hashlib
import hmac
import time

import jwt

from ...common.config import secret, setting
from ..domain.access import Principal

ALGORITHM = "HS256"
ISSUER = "qi-gateway"
ACCESS_COOKIE = "qi_access"
REFRESH_COOKIE = "qi_refresh"



class Unauthenticated(Exception):
    """No valid sign-in (missing, malformed, tampered with or expired): HTTP 401."""


# -- tokens ------------------------------------------------------------------------------
def _key():
    return secret("SECRET_KEY")


def issue_tokens(account, now=None):
    """A new access + refresh pair for an account (a dict with the account's fields)."""
    now = int(now if now is not None else time.time())
    access_seconds = int(setting("ACCESS_TOKEN_SECONDS"))
    claims = {
        "iss": ISSUER,
        "sub": account["username"],
        "role": account["role"],
        "name": account["name"],
        "station": account.get("station"),
        "domain": account.get("domain"),
        "uscc": account.get("uscc"),
        "iat": now,
    }
    access = jwt.encode({**claims, "typ": "access", "exp": now + access_seconds}, _key(), ALGORITHM)
    refresh = jwt.encode(
        {"iss": ISSUER, "sub": account["username"], "typ": "refresh", "ver": account.get("token_version", 0),
         "iat": now, "exp": now + int(setting("REFRESH_TOKEN_SECONDS"))},
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


CHECKED_TOKEN_KEY = "qi.checked_token"  # (token, principal) in the WSGI environ


def principal_from_token(token):
    claims = _decode(token, "access")
    return Principal(
        username=claims["sub"], role=claims["role"], name=claims["name"],
        station=claims.get("station"), domain=claims.get("domain"), uscc=claims.get("uscc"),
    )


def session_tokens(account):
    """The tokens of a new session of ``account`` (a domain Account), and who it is."""
    claims = account.claims()
    public = {key: claims[key] for key in ("username", "role", "name", "station", "domain", "uscc")}
    return {**issue_tokens(claims), "account": public}


def refresh_claims(token):
    """The claims of a valid refresh token (the caller checks ``ver`` against the account)."""
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
        return checked[1]
    principal = principal_from_token(token)
    request.environ[CHECKED_TOKEN_KEY] = (token, principal)
    return principal


def require_principal(request, cookies=False):
    principal = principal_of(request, cookies)
    if principal is None:
        raise Unauthenticated("sign-in required")
    return principal


# -- CSRF for the console's forms --------------------------------------------------------
def csrf_token(session_token):
    """Bound to the signed-in session: a page from another site cannot know it."""
    return hmac.new(_key().encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()[:32]


def csrf_matches(session_token, presented):
    return bool(session_token and presented) and hmac.compare_digest(csrf_token(session_token), presented)
