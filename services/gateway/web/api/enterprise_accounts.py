"""Enterprise accounts (issue 26 §1): an enterprise registers online; staff of the
station it chose check its business licence and verify or refuse it (admins anywhere,
managers read). The account signs in only once verified."""

from ...domain.account import ACCOUNT_STATES, PENDING
from ...domain.throttle import REGISTRATIONS_PER_CLIENT
from ...handlers import enterprise_accounts
from ..apidoc import BODY, SIGNED_IN, documented, one_of
from ..auth import require_principal
from ..errors import json_endpoint, read_json_object, request_language
from ..schemas.accounts import (
    REGISTRATION_DOC,
    VERIFICATION_DOC,
    AccountFiltersSchema,
    EnterpriseAccountSchema,
    EnterpriseAccountsSchema,
    RegisteredSchema,
    RegistrationSchema,
    VerificationSchema,
)
from ..server import client_address, http
from ..views import Reader, enterprise_account_view, registered_view

ACCOUNTS = "/api/v1/station/enterprise-accounts"
USCC = {"type": "string", "maxLength": 40, "description": "the enterprise's credit code"}


class EnterpriseAccountsApi:
    @http("POST", "/api/v1/enterprise/registrations")
    @documented("An enterprise registers an account (pending until its station checks the business licence)",
                tags=["enterprise accounts"], body=REGISTRATION_DOC, responses={201: RegisteredSchema},
                errors=[*BODY, 409, 422, 429],
                description="409 `account_exists` when the credit code has a pending or verified account "
                "(a refused one may register again). The account signs in once staff of the chosen station "
                "have verified it against the business licence (营业执照).")
    @json_endpoint
    def register_enterprise(self, request):
        gateway = self.gateway
        form = RegistrationSchema(stations=gateway.stations).load(read_json_object(request))
        # each registration costs a password hash: a client may not make them by the thousand
        with gateway.throttle.lookup(client_address(request), budget=REGISTRATIONS_PER_CLIENT):
            account = enterprise_accounts.register(gateway.accounts, gateway.passwords, gateway.stations, form,
                                                   gateway.now())
        return 201, registered_view(account, Reader.of(gateway, request_language(request)))

    @http("GET", ACCOUNTS)
    @documented("Enterprise accounts registered at a station (default: pending, 待核验企业账户)",
                tags=["enterprise accounts"], auth="bearer",
                query=[("state", "pending (default), verified or refused", False, one_of(*ACCOUNT_STATES)),
                       ("station", "staff: their own (default); managers and admins: any, or all", False,
                        {"type": "string", "maxLength": 6})],
                responses={200: EnterpriseAccountsSchema}, errors=[*SIGNED_IN, 422])
    @json_endpoint
    def enterprise_accounts(self, request):
        principal = require_principal(request)
        filters = AccountFiltersSchema().load({k: v for k, v in request.args.items() if v != ""})
        found = enterprise_accounts.enterprise_accounts(self.gateway.accounts, principal, filters.get("station"),
                                                        filters.get("state") or PENDING)
        reader = Reader.of(self.gateway, request_language(request))
        return {"accounts": [enterprise_account_view(account, reader) for account in found]}

    @http("GET", f"{ACCOUNTS}/<string:uscc>")
    @documented("One enterprise account with the audit of its verification", tags=["enterprise accounts"],
                auth="bearer", path={"uscc": USCC}, responses={200: EnterpriseAccountSchema},
                errors=[*SIGNED_IN, 404])
    @json_endpoint
    def enterprise_account(self, request, uscc):
        account = enterprise_accounts.account_to_verify(self.gateway.accounts, require_principal(request),
                                                        uscc.strip().upper())
        return enterprise_account_view(account, Reader.of(self.gateway, request_language(request)))

    @http("POST", f"{ACCOUNTS}/<string:uscc>/verification")
    @documented("The station verifies an enterprise account against its business licence, or refuses it",
                tags=["enterprise accounts"], auth="bearer", path={"uscc": USCC}, body=VERIFICATION_DOC,
                responses={200: EnterpriseAccountSchema}, errors=[*BODY, *SIGNED_IN, 404, 409, 422],
                description="`verify` names both checks made on the licence (`licence_uscc`: the credit code "
                "on it is this one; `licence_name`: so is the name); `refuse` needs a `note`. Staff of the "
                "station the enterprise chose, or an admin; each decision is kept (who, when, what, the note). "
                "409 once decided.")
    @json_endpoint
    def verify_enterprise_account(self, request, uscc):
        principal = require_principal(request)
        command = VerificationSchema().load(read_json_object(request))
        gateway = self.gateway
        account = enterprise_accounts.decide(gateway.accounts, principal, uscc.strip().upper(), command["decision"],
                                             command["checked"], command.get("note"), gateway.now(),
                                             gateway.identities)
        return enterprise_account_view(account, Reader.of(gateway, request_language(request)))
