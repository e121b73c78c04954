"""The console's enterprise accounts (issue 26 §1): the station's list of accounts to
verify (待核验企业账户) and, for one, the form staff fill in once they have checked the
business licence — verify, naming the checks, or refuse with a note. Same use cases as
the API; every form carries the console session's CSRF token."""

from urllib.parse import urlencode

from marshmallow import ValidationError
from werkzeug.utils import redirect

from ....common.domain import InvalidTransition, RuleViolated
from ...domain.access import Forbidden, may_work_station
from ...domain.account import LICENCE_CHECKS, PENDING
from ...exceptions import EnterpriseAccountNotFound, StaleAccount
from ...handlers import enterprise_accounts
from ..messages import localize
from ..schemas.accounts import VerificationSchema
from ..server import http
from ..templating import page_endpoint, page_language, render
from ..views import Reader, enterprise_account_view
from .session import console_session, lang_param, posted_from, signed_in

ACCOUNTS_PAGE = "/staff/enterprise-accounts"


def account_page(service, request, session, uscc, done=None, problem=None, status=200, errors=None):
    """One enterprise account in the console, with the decision the signed-in person may take."""
    gateway = service.gateway
    try:
        account = enterprise_accounts.account_to_verify(gateway.accounts, session.principal, uscc)
    except EnterpriseAccountNotFound:
        return render(request, "message.html", status=404, key="enterprise_account_not_found", params={})
    except Forbidden:
        return render(request, "message.html", status=403, key="forbidden", params={})
    return session.finish(render(
        request, "staff_account.html", status=status, session=session,
        view=enterprise_account_view(account, Reader.of(gateway, page_language(request))), done=done,
        problem=problem, errors=errors or {}, checks=LICENCE_CHECKS,
        can_act=may_work_station(session.principal, account.verifying_station or ""),
    ))


class AccountsConsole:
    @http("GET", ACCOUNTS_PAGE)
    @page_endpoint
    @signed_in(console_session)
    def console_accounts(self, request, session):
        gateway = self.gateway
        reader = Reader.of(gateway, page_language(request))
        station = request.args.get("station") or session.principal.station
        try:
            found = enterprise_accounts.enterprise_accounts(gateway.accounts, session.principal, station, PENDING)
            problem = None
        except Forbidden:
            found, problem = [], "forbidden"
        return session.finish(render(
            request, "staff_accounts.html", status=200 if problem is None else 403, session=session, problem=problem,
            accounts=[enterprise_account_view(account, reader) for account in found],
            station=gateway.stations.get(station) if station else None))

    @http("GET", f"{ACCOUNTS_PAGE}/<string:uscc>")
    @page_endpoint
    @signed_in(console_session)
    def console_account(self, request, session, uscc):
        return account_page(self, request, session, uscc, done=request.args.get("done"))

    @http("POST", f"{ACCOUNTS_PAGE}/<string:uscc>/verification")
    @page_endpoint
    @posted_from(console_session, account_page, "uscc")
    def console_verify_account(self, request, session, uscc):
        gateway = self.gateway
        lang = page_language(request)
        form = {"decision": request.form.get("decision", ""), "checked": request.form.getlist("checked")}
        if request.form.get("note", "").strip():
            form["note"] = request.form["note"]
        try:
            command = VerificationSchema().load(form)
            enterprise_accounts.decide(gateway.accounts, session.principal, uscc, command["decision"],
                                       command["checked"], command.get("note"), gateway.now(), gateway.identities)
        except ValidationError as exc:
            return account_page(self, request, session, uscc, status=422, errors=localize(exc.messages, lang))
        except RuleViolated as exc:
            return account_page(self, request, session, uscc, problem=exc.code, status=422)
        except Forbidden:
            return account_page(self, request, session, uscc, problem="forbidden", status=403)
        except (InvalidTransition, StaleAccount):
            return account_page(self, request, session, uscc, problem="concurrent_change", status=409)
        target = f"{ACCOUNTS_PAGE}/{uscc}?{urlencode({'done': command['decision'], **lang_param(request)})}"
        return session.finish(redirect(target, code=303))
