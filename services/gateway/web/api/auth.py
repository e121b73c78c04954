"""Sign-in: ``POST /api/v1/auth/login`` → tokens; ``/refresh``; ``GET /api/v1/auth/me``."""

from ...handlers import accounts
from ..apidoc import BODY, documented
from ..auth import refresh_claims, require_principal, session_tokens
from ..errors import ApiError, json_endpoint, read_json_object
from ..replays import never_replayed
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
    @never_replayed  # its answer is a pair of tokens: never kept, never given again
    @json_endpoint
    def login(self, request):
        credentials = LoginSchema().load(read_json_object(request))
        gateway = self.gateway
        account = accounts.sign_in(gateway.accounts, gateway.throttle, gateway.passwords, credentials["username"],
                                   credentials["password"], client_address(request))
        if account is None:
            raise ApiError(401, "bad_credentials")
        return session_tokens(account)

    @http("POST", "/api/v1/auth/refresh")
    @documented("A new pair of tokens for a refresh token", tags=["auth"], body=RefreshSchema,
                responses={200: TokensSchema}, errors=[*BODY, 401, 422])
    @never_replayed
    @json_endpoint
    def refresh(self, request):
        claims = refresh_claims(RefreshSchema().load(read_json_object(request))["refresh_token"])
        return session_tokens(accounts.resume_session(self.gateway.accounts, claims))

    @http("GET", "/api/v1/auth/me")
    @documented("Who am I signed in as", tags=["auth"], auth="bearer", responses={200: MeSchema}, errors=[401])
    @json_endpoint
    def me(self, request):
        return accounts.who_am_i(require_principal(request))
