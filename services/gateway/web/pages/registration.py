"""An enterprise registers its account online (issue 26 §1): ``/register``.

A plain form posted to the server, validated with the API's schema and answered with
the messages beside each input; it carries the public forms' signed double-submit token
(``templating.py``) and works without JavaScript. The account is then pending until the
chosen station checks the business licence (``pages/accounts.py``).
"""

from urllib.parse import urlencode

from marshmallow import ValidationError
from werkzeug.utils import redirect

from ...domain.account import InvalidAccount
from ...domain.throttle import REGISTRATIONS_PER_CLIENT, TooManyRequests
from ...handlers import enterprise_accounts
from ...handlers.enterprise_accounts import AccountExists
from ..messages import localize, message
from ..schemas.accounts import RegistrationSchema
from ..server import client_address, http
from ..templating import (
    confirmation_token,
    form_token_matches,
    page_endpoint,
    page_language,
    render,
    token_matches,
    too_many_requests_page,
)
from ..views import Reader, registered_view

FIELDS = ("uscc", "name", "contact_name", "phone", "station", "password")


class RegistrationPages:
    @http("GET", "/register")
    @page_endpoint
    def register_page(self, request):
        return registration_page(self.gateway, request, values={}, errors={})

    @http("POST", "/register")
    @page_endpoint
    def register_post(self, request):
        gateway = self.gateway
        lang = page_language(request)
        posted = {name: request.form.get(name, "") for name in (*FIELDS, "password_confirm")}
        values = {name: value for name, value in posted.items() if not name.startswith("password")}
        if not form_token_matches(request):
            return registration_page(gateway, request, values, {}, problem="form_expired", status=403)
        errors = {}
        if posted["password"] != posted["password_confirm"]:
            errors["password_confirm"] = [message("passwords_differ", lang)]
        try:
            form = RegistrationSchema(stations=gateway.stations).load(
                {name: posted[name] for name in FIELDS if posted[name].strip()})
        except ValidationError as exc:
            errors = {**localize(exc.messages, lang), **errors}
        if errors:
            return registration_page(gateway, request, values, errors, status=422)
        try:
            with gateway.throttle.lookup(client_address(request), budget=REGISTRATIONS_PER_CLIENT):
                account = enterprise_accounts.register(gateway.accounts, gateway.passwords, gateway.stations, form,
                                                       gateway.now())
        except TooManyRequests as refused:
            return too_many_requests_page(request, refused)
        except AccountExists:
            return registration_page(gateway, request, values, {}, problem="account_exists", status=409)
        except InvalidAccount as exc:
            return registration_page(gateway, request, values, localize({exc.field: [exc.reason]}, lang), status=422)
        query = {"uscc": account.username, "t": confirmation_token(f"register:{account.username}"),
                 **({"lang": "en"} if lang == "en" else {})}
        return redirect(f"/register/done?{urlencode(query)}", code=303)  # a reload does not register twice

    @http("GET", "/register/done")
    @page_endpoint
    def registered_page(self, request):
        uscc = request.args.get("uscc", "")
        account = self.gateway.accounts.get_or_none(uscc) if uscc else None
        if account is None or not token_matches(f"register:{uscc}", request.args.get("t", "")) \
                or account.verifying_station is None:
            return render(request, "message.html", status=404, key="page.not_found", params={})
        return render(request, "registered.html", view=registered_view(account, Reader.of(self.gateway,
                                                                                            page_language(request))))


def registration_page(gateway, request, values, errors, problem=None, status=200):
    stations = list(gateway.stations.by_division.values())
    return render(request, "register.html", status=status, values=values, errors=errors, problem=problem,
                  stations=stations)



