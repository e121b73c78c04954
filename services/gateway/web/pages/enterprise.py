"""The enterprise's own pages (issue 29 §1), for its verified account signed in at
``/login``: its requests (``/me``) and each one's page (``/me/requests/{code}``: the
timeline, what was submitted, the documents, the 补正 answer form), its instrument file
with renewals (``/me/instruments``), the standards watch (``/me/notices``) and the
colleagues it names (``/me/contacts``).

Server-rendered like the console: the session in HttpOnly cookies (``session.py``),
every form carrying the CSRF token bound to it, each step posted, taken by the same use
case as the API and the tracking page, and answered with a redirect
(post/redirect/get). No JavaScript needed; readable on a phone.
"""

import re
from urllib.parse import urlencode

from marshmallow import ValidationError
from werkzeug.utils import redirect

from ....common.documents.kinds import DCC, PDF, SIGNED_DCC
from ....common.domain import InvalidTransition, RuleViolated
from ...domain.access import Forbidden
from ...domain.model import ALL_STATUSES, MissingReason
from ...domain.phones import InvalidPhone
from ...domain.request_code import MalformedCode, WrongCheckCharacter
from ...domain.request_search import OPEN, RequestSearch
from ...exceptions import RequestNotFound, ServiceUnavailable, StaleRequest
from ...handlers import (
    enterprise,
    enterprise_contacts,
    intake,
    notifications,
    renewals,
    standards_watch,
)
from ..api.intake import submit_body
from ..errors import as_api_error
from ..messages import localize, message
from ..schemas.enterprise import (
    ContactFormSchema,
    MyRequestsFiltersSchema,
    RemoveContactSchema,
    RenewalsFormSchema,
    UnfollowSchema,
)
from ..schemas.intake import SupplementSchema
from ..server import http
from ..templating import page_endpoint, page_language, render
from ..views import (
    Reader,
    followed_view,
    instrument_file_view,
    notice_view,
    request_view,
    submitted_view,
    tracked_view,
)
from .documents import send_document, send_request_file
from .session import enterprise_session, lang_param, posted_from, signed_in

DOCUMENT = "/me/requests/<string:code>/documents/<string:number>"
# What a renewal's refusal may be called on the page after the redirect (nothing else is shown).
RENEWAL_REFUSALS = ("no_due_reminder", "renewal_in_progress", "instrument_not_found")
SERIAL = re.compile(r"^[^:]{1,64}$")


# -- the pages, shown after a step or a refusal too ------------------------------------------------
def _done(session, request, path, query):
    """Post/redirect/get: to the page that shows what the step did."""
    return session.finish(redirect(f"{path}?{urlencode([*query, *lang_param(request).items()])}", code=303))


def _request_page(service, request, session, code, done=None, problem=None, status=200, errors=None, answer=""):
    """One of the enterprise's requests (or multi-item submissions) with all it may do."""
    gateway = service.gateway
    reader = Reader.of(gateway, page_language(request))
    try:
        tracked = intake.track(gateway.requests, gateway.groups, gateway.notices, code, None, session.principal)
    except (MalformedCode, WrongCheckCharacter, RequestNotFound):
        return session.finish(render(request, "message.html", status=404, key="request_not_found", params={}))
    view = tracked_view(tracked, reader)
    item = reader.catalogue.item(tracked.found.item) if not tracked.children else None
    submitted = submitted_view(item, tracked.found.details, reader.lang) if item else []
    return session.finish(render(
        request, "me_request.html", status=status, session=session, view=view, submitted=submitted, done=done,
        problem=problem, errors=errors or {}, answer=answer,
    ))


def _instruments_page(service, request, session, renewed=(), refused=(), problem=None, status=200):
    gateway = service.gateway
    reader = Reader.of(gateway, page_language(request))
    try:
        name, instruments = renewals.instrument_file(service.services, gateway.accounts, gateway.renewals,
                                                     session.principal, session.principal.uscc)
    except (Forbidden, ServiceUnavailable) as exc:
        return _refusal_page(request, session, exc)
    return session.finish(render(
        request, "me_instruments.html", status=status, session=session, enterprise_name=name,
        instruments=instrument_file_view(instruments, reader), renewed=list(renewed), refused=list(refused),
        problem=problem,
    ))


def _notices_page(service, request, session, unfollowed="", problem=None, status=200):
    lang = page_language(request)
    try:
        watch = standards_watch.standards_watch(service.services, service.gateway.notices, session.principal)
    except (Forbidden, ServiceUnavailable) as exc:
        return _refusal_page(request, session, exc)
    from .notifications import inbox_view  # the notifier's pages build on these

    inbox = inbox_view(notifications.enterprise_inbox(service.gateway.deliveries, session.principal, 50), lang)
    return session.finish(render(
        request, "me_notices.html", status=status, session=session, inbox=inbox,
        notices=[{**notice_view(notice, lang), "request_code": notice.get("request_code")} for notice in watch.notices],
        followed=[followed_view(standard, lang) for standard in watch.followed], unfollowed=unfollowed,
        problem=problem,
    ))


def _contacts_page(service, request, session, done=None, problem=None, status=200, errors=None, typed=None):
    account = enterprise_contacts.my_contacts(service.gateway.accounts, session.principal)
    return session.finish(render(
        request, "me_contacts.html", status=status, session=session, account=account,
        registered=(account.registration or {}).get("contact"), contacts=account.contacts, done=done,
        problem=problem, errors=errors or {}, typed=typed or {},
    ))


class EnterprisePages:
    # -- the requests ---------------------------------------------------------------------------
    @http("GET", "/me")
    @page_endpoint
    @signed_in(enterprise_session, after="/me")
    def my_requests_page(self, request, session):
        gateway, lang = self.gateway, page_language(request)
        reader = Reader.of(gateway, lang)
        asked = {key: value.strip() for key, value in request.args.items() if key != "lang" and value.strip()}
        errors, page = {}, None
        try:
            filters = MyRequestsFiltersSchema(catalogue=gateway.catalogue).load(asked)
            search = RequestSearch.of(filters.get("status"), filters.get("item"), filters.get("first"),
                                      filters.get("last"), filters.get("q"))
            page = enterprise.my_requests_matching(gateway.requests, session.principal, search,
                                                   filters.get("offset") or 0)
        except ValidationError as exc:
            errors = localize(exc.messages, lang)
        except WrongCheckCharacter:
            errors = {"q": [message("wrong_check_character", lang)]}
        return session.finish(render(
            request, "me_requests.html", status=400 if errors else 200, session=session, asked=asked,
            errors=errors, page=page, rows=[request_view(found, reader) for found in page.requests] if page else [],
            statuses=[OPEN, *ALL_STATUSES], catalogue=gateway.catalogue,
            paging=_paging(asked, page) if page else {},
        ))

    @http("GET", "/me/requests/<string:code>")
    @page_endpoint
    @signed_in(enterprise_session, after="/me/requests/{code}")
    def my_request_page(self, request, session, code):
        return _request_page(self, request, session, code, done=request.args.get("done"))

    @http("POST", "/me/requests/<string:code>/supplement")
    @page_endpoint
    @posted_from(enterprise_session, _request_page, "code")
    def my_request_supplement(self, request, session, code):
        """The enterprise answers a 补正 request on its own request's page (the tracking
        page's use case, proven by its account instead of the contact phone)."""
        gateway, lang = self.gateway, page_language(request)
        try:
            typed = request.form.get("answer", "").strip()
            command = SupplementSchema().load({"answer": typed} if typed else {})
            found = enterprise.enterprise_step(gateway.requests, code, session.principal, None, "supplement",
                                               gateway.now(), command["answer"])
        except (ValidationError, MissingReason) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else {"answer": ["required"]}
            return _request_page(self, request, session, code, status=422, errors=localize(messages, lang),
                                 answer=request.form.get("answer", ""))
        except (MalformedCode, WrongCheckCharacter, RequestNotFound):
            return render(request, "message.html", status=404, key="request_not_found", params={})
        except (InvalidTransition, StaleRequest):
            return _request_page(self, request, session, code, problem="invalid_transition", status=409)
        return _done(session, request, f"/me/requests/{found.code}", [("done", "answered")])

    @http("GET", f"{DOCUMENT}.pdf")
    @page_endpoint
    def my_document_pdf(self, request, code, number):
        return _download(self, request, code, number, PDF)

    @http("GET", f"{DOCUMENT}.xml")
    @page_endpoint
    def my_document_dcc(self, request, code, number):
        return _download(self, request, code, number, DCC)

    @http("GET", f"{DOCUMENT}.signed.xml")
    @page_endpoint
    def my_document_signed_dcc(self, request, code, number):
        return _download(self, request, code, number, SIGNED_DCC)

    @http("GET", "/me/requests/<string:code>/files/<string:file_id>")
    @page_endpoint
    def my_request_file(self, request, code, file_id):
        """A file one of its requests holds (what it submitted, its 补正 answers', a written
        answer's), for the enterprise's signed-in account."""
        gateway = self.gateway
        return send_request_file(gateway, request, enterprise_session(gateway, request), code, file_id)

    # -- the instrument file ----------------------------------------------------------------------
    @http("GET", "/me/instruments")
    @page_endpoint
    @signed_in(enterprise_session, after="/me/instruments")
    def my_instruments_page(self, request, session):
        renewed = [serial for serial in request.args.getlist("renewed") if SERIAL.match(serial)]
        refusals = [pair.split(":", 1) for pair in request.args.getlist("refused") if ":" in pair]
        refused = [(serial, key) for serial, key in refusals if SERIAL.match(serial) and key in RENEWAL_REFUSALS]
        return _instruments_page(self, request, session, renewed=renewed, refused=refused)

    @http("POST", "/me/instruments/renewals")
    @page_endpoint
    @posted_from(enterprise_session, _instruments_page)
    def my_instruments_renew(self, request, session):
        """One click renews one due instrument (its row's button); the ticked ones are
        renewed together: one JL01 request each, asked again the same one."""
        gateway = self.gateway
        one = request.form.get("one", "").strip()
        try:
            chosen = RenewalsFormSchema().load({"serial_numbers": [one] if one else [
                serial for serial in request.form.getlist("serial_number") if serial.strip()]})
        except ValidationError:
            return _instruments_page(self, request, session, problem="page.me.choose_instruments", status=422)
        principal = session.principal

        def submit(form):  # the path of every submission: validated, stored with its event
            return submit_body(gateway, form, principal)[0]

        outcomes = renewals.renew_instruments(self.services, gateway.requests, gateway.renewals, gateway.accounts,
                                              principal, chosen["serial_numbers"], submit, gateway.now())
        query = [("renewed", each.serial_number) for each in outcomes if each.request is not None]
        query += [("refused", f"{each.serial_number}:{each.refused}") for each in outcomes if each.refused]
        return _done(session, request, "/me/instruments", query)

    # -- the standards watch ----------------------------------------------------------------------
    @http("GET", "/me/notices")
    @page_endpoint
    @signed_in(enterprise_session, after="/me/notices")
    def my_notices_page(self, request, session):
        return _notices_page(self, request, session, unfollowed=request.args.get("unfollowed", "")[:64])

    @http("POST", "/me/notices/unfollow")
    @page_endpoint
    @posted_from(enterprise_session, _notices_page)
    def my_notices_unfollow(self, request, session):
        try:
            number = UnfollowSchema().load({"number": request.form.get("number", "").strip()})["number"]
        except ValidationError:
            return _notices_page(self, request, session, problem="page.me.choose_standard", status=422)
        standards_watch.unfollow(self.services, session.principal, number)
        return _done(session, request, "/me/notices", [("unfollowed", number)])

    # -- colleagues ---------------------------------------------------------------------------------
    @http("GET", "/me/contacts")
    @page_endpoint
    @signed_in(enterprise_session, after="/me/contacts")
    def my_contacts_page(self, request, session):
        return _contacts_page(self, request, session, done=request.args.get("done"))

    @http("POST", "/me/contacts")
    @page_endpoint
    @posted_from(enterprise_session, _contacts_page)
    def my_contacts_add(self, request, session):
        lang = page_language(request)
        typed = {name: request.form.get(name, "") for name in ("name", "phone")}
        try:
            contact = ContactFormSchema().load({name: value for name, value in typed.items() if value.strip()})
            enterprise_contacts.add_contact(self.gateway.accounts, session.principal, contact["name"], contact["phone"])
        except ValidationError as exc:
            return _contacts_page(self, request, session, status=422, errors=localize(exc.messages, lang),
                                  typed=typed)
        except RuleViolated as exc:
            field = "phone" if exc.code == "contact_exists" else "name"
            return _contacts_page(self, request, session, status=409, typed=typed,
                                  errors={field: [message(exc.code, lang, **exc.params)]})
        return _done(session, request, "/me/contacts", [("done", "added")])

    @http("POST", "/me/contacts/remove")
    @page_endpoint
    @posted_from(enterprise_session, _contacts_page)
    def my_contacts_remove(self, request, session):
        try:
            phone = RemoveContactSchema().load({"phone": request.form.get("phone", "").strip()})["phone"]
            enterprise_contacts.remove_contact(self.gateway.accounts, session.principal, phone)
        except (ValidationError, InvalidPhone):
            return _contacts_page(self, request, session, problem="mobile_phone", status=422)
        return _done(session, request, "/me/contacts", [("done", "removed")])


def _download(service, request, code, number, fmt):
    """A document of one of the enterprise's requests, for its signed-in account."""
    return send_document(service, request, enterprise_session(service.gateway, request), code, number, fmt)


def _refusal_page(request, session, exc):
    error = as_api_error(exc)
    return session.finish(render(request, "message.html", status=error.status, key=error.code, params=error.params))


def _paging(asked, page):
    """The links to the previous and next pages, keeping the filters."""
    kept = [(key, value) for key, value in asked.items() if key != "offset"]
    links = {}
    if page.offset > 0:
        links["previous"] = urlencode([*kept, ("offset", max(page.offset - page.limit, 0))])
    if page.offset + len(page.requests) < page.total:
        links["next"] = urlencode([*kept, ("offset", page.offset + page.limit)])
    return links
