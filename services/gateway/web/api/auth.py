"""Sign-in: ``POST /api/v1/auth/login`` → tokens; ``/refresh``; ``GET /api/v1/auth/me``."""

from ..apidoc import BODY, documented
from ..auth import (
    Unauthenticated,
    check_unknown_user_password,
    issue_tokens,
    password_matches,
    refresh_claims,
    require_principal,
)
from ..errors import ApiError, json_endpoint, read_json_object
from ..schemas.intake import LoginSchema, RefreshSchema, TokensSchema
from ..schemas.responses import MeSchema
from ..server import client_address, http


class AuthApi:
    @http("POST", "/api/v1/auth/login")
    @documented("Sign in: a short-lived access token and a refresh token", tags=["auth"],
                body=LoginSchema, responses={200: TokensSchema}, errors=[*BODY, 401, 422, 429],
                description="After 5 failed attempts for a username (20 from one client) every further "
                "attempt waits twice as long as the one before (429 with Retry-After), even with the "
                "right password.")
    @json_endpoint
    def login(self, request):
        credentials = LoginSchema().load(read_json_object(request))
        account = self.signed_in_account(credentials["username"], credentials["password"], client_address(request))
        if account is None:
            raise ApiError(401, "bad_credentials")
        return self.tokens_for(account)

    @http("POST", "/api/v1/auth/refresh")
    @documented("A new pair of tokens for a refresh token", tags=["auth"], body=RefreshSchema,
                responses={200: TokensSchema}, errors=[*BODY, 401, 422])
    @json_endpoint
    def refresh(self, request):
        claims = refresh_claims(RefreshSchema().load(read_json_object(request))["refresh_token"])
        account = self.accounts.get_or_none(claims["sub"])
        if account is None or not account.active or claims.get("ver") != account.token_version:
            raise Unauthenticated("refresh token no longer valid")
        return self.tokens_for(account)

    @http("GET", "/api/v1/auth/me")
    @documented("Who am I signed in as", tags=["auth"], auth="bearer", responses={200: MeSchema}, errors=[401])
    @json_endpoint
    def me(self, request):
        principal = require_principal(request)
        return {"username": principal.username, "role": principal.role, "name": principal.name,
                "station": principal.station, "domain": principal.domain, "uscc": principal.uscc}

    # shared with the console
    def signed_in_account(self, username, password, client, roles=None):
        """The account these credentials open (of one of ``roles``, if given), or None.
        Raises TooManyRequests while the username or the client must wait after failures."""
        self.throttle.check_login(username, client)
        account = self.find_account(username)
        if account is None:
            check_unknown_user_password(password)  # as slow as a wrong password
        elif account.active and (roles is None or account.role in roles) \
                and password_matches(account.password_hash, password):
            self.throttle.login_succeeded(username)
            return account
        self.throttle.login_failed(username, client)
        return None

    def find_account(self, username):
        username = username.strip()
        # enterprises sign in with their credit code, however they type its letters
        return self.accounts.get_or_none(username) or self.accounts.get_or_none(username.upper())

    @staticmethod
    def tokens_for(account):
        claims = account.claims()
        public = {key: claims[key] for key in ("username", "role", "name", "station", "domain", "uscc")}
        return {**issue_tokens(claims), "account": public}
