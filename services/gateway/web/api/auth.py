"""Sign-in: ``POST /api/v1/auth/login`` → tokens; ``/refresh``; ``/logout``; ``GET /api/v1/auth/me``."""

from werkzeug.wrappers import Response

from ...handlers import accounts
from ..apidoc import BODY, documented
from ..auth import refresh_claims, refresh_lifetime, require_principal, session_tokens
from ..errors import ApiError, json_endpoint, read_json_object
from ..replays import never_replayed
from ..schemas.intake import LoginSchema, RefreshSchema, TokensSchema
from ..schemas.responses import MeSchema
from ..server import client_address, http


def refresh_token_taken(summary, responses, description):
    """The note of an endpoint whose body is a refresh token (401 if it is not a live one)."""
    return documented(summary, tags=["auth"], body=RefreshSchema, responses=responses, errors=[*BODY, 401, 422],
                      description=description)


def presented_refresh(request):
    """The claims of the refresh token the body presents."""
    return refresh_claims(RefreshSchema().load(read_json_object(request))["refresh_token"])


class AuthApi:
    @http("POST", "/api/v1/auth/login")
    @documented("Sign in: a short-lived access token and a refresh token", tags=["auth"],
                body=LoginSchema, responses={200: TokensSchema}, errors=[*BODY, 401, 403, 422, 429],
                description="Failures are counted for the account at the caller's address: after 5 every "
                "further attempt there waits twice as long as the one before (429 with Retry-After), even "
                "with the right password. From an address the account never signed in from, 10 failures of "
                "the account from anywhere, or 20 of the address towards any account, do the same. An enterprise "
                "account signs in once its station has verified it (403 `account_not_verified` before).")
    @never_replayed  # its answer is a pair of tokens: never kept, never given again
    @json_endpoint
    def login(self, request):
        credentials = LoginSchema().load(read_json_object(request))
        gateway = self.gateway
        account = accounts.sign_in(gateway.accounts, gateway.throttle, gateway.passwords, credentials["username"],
                                   credentials["password"], client_address(request))
        if account is None:
            raise ApiError(401, "bad_credentials")
        return session_tokens(accounts.open_session(gateway.sessions, account, gateway.now(), refresh_lifetime()))

    @http("POST", "/api/v1/auth/refresh")
    @refresh_token_taken("A new pair of tokens for a refresh token, which is then spent", {200: TokensSchema},
                         "Each refresh token buys one new pair. Presenting one that was already spent ends its "
                         "whole session (every token of it is refused from then on): someone else holds a copy.")
    @never_replayed
    @json_endpoint
    def refresh(self, request):
        gateway = self.gateway
        return session_tokens(accounts.refresh_session(gateway.accounts, gateway.sessions, presented_refresh(request),
                                                       gateway.now(), refresh_lifetime()))

    @http("POST", "/api/v1/auth/logout")
    @refresh_token_taken("Sign out: the session of this refresh token ends", {204: None},
                         "None of the session's refresh tokens buys another pair; its access tokens run out within "
                         "ACCESS_TOKEN_SECONDS.")
    @json_endpoint
    def logout(self, request):
        accounts.sign_out(self.gateway.sessions, presented_refresh(request))
        return Response(status=204)

    @http("GET", "/api/v1/auth/me")
    @documented("Who am I signed in as", tags=["auth"], auth="bearer", responses={200: MeSchema}, errors=[401])
    @json_endpoint
    def me(self, request):
        return accounts.who_am_i(require_principal(request))
