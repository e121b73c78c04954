"""Metrology's registers in the console: the reference standards and their checks
(期间核查), and the instrument types under compulsory verification with their periods,
which only an administrator sets. Forms work as the workbench's (``workbench.py``)."""

from urllib.parse import quote

from ...domain.access import may_administer, may_operate
from ...handlers import operators
from ..errors import as_api_error
from ..forms import FormState
from ..server import http
from ..templating import page_endpoint, page_language, render
from ..views import Reader, reference_standard_choices
from .session import console_session, signed_in
from .workbench import Posting, Step, done_at, take_posted

METROLOGY = "metrology"
REGISTER_STANDARD = Step("register_reference_standard")
CHECK_STANDARD = Step("record_reference_check")
SET_PERIOD = Step("set_verification_period")
TEMPLATES = {"standards": "staff_reference_standards.html", "standard": "staff_reference_standard.html",
             "types": "staff_instrument_types.html"}


class Registers:
    @http("GET", "/staff/reference-standards")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_reference_standards(self, request, session):
        return register_page(self.gateway, self.services, request, session, "standards",
                             done=request.args.get("done"))

    @http("POST", "/staff/reference-standards")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_register_reference_standard(self, request, session):
        return self._register_step(request, session, "standards", REGISTER_STANDARD, (),
                                   lambda answer: f"/staff/reference-standards/{quote(answer['id'], safe='')}")

    @http("GET", "/staff/reference-standards/<string:standard_id>")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_reference_standard(self, request, session, standard_id):
        return register_page(self.gateway, self.services, request, session, "standard", standard_id,
                             done=request.args.get("done"))

    @http("POST", "/staff/reference-standards/<string:standard_id>/checks")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_check_reference_standard(self, request, session, standard_id):
        return self._register_step(request, session, "standard", CHECK_STANDARD, (standard_id,),
                                   lambda answer: f"/staff/reference-standards/{quote(standard_id, safe='')}")

    @http("GET", "/staff/instrument-types")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_instrument_types(self, request, session):
        return register_page(self.gateway, self.services, request, session, "types", done=request.args.get("done"))

    @http("POST", "/staff/instrument-types/<string:type_id>/period")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_set_verification_period(self, request, session, type_id):
        return self._register_step(request, session, "types", SET_PERIOD, (type_id,),
                                   lambda answer: "/staff/instrument-types", admin_only=True)

    def _register_step(self, request, session, page, taking, targets, then, admin_only=False):
        gateway, services = self.gateway, self.services
        subject = targets[0] if targets else None
        form = f"{page}:{subject}" if page == "types" else page
        return take_posted(gateway, services, request, session, Posting(
            METROLOGY, taking, targets, form,
            show=lambda **shown: register_page(gateway, services, request, session, page, subject, **shown),
            then=lambda answer: done_at(then(answer), taking.method, request,
                                        **({"type": subject} if page == "types" else {})),
            allowed=may_administer(session.principal) if admin_only else None))


def register_page(gateway, services, request, session, page, subject=None, forms=None, problem=None, status=200,
                  done=None):
    """The reference standards (``standards``), one of them (``standard``) or the
    instrument types (``types``), with the forms of those who may change them."""
    reader = Reader.of(gateway, page_language(request))
    if not may_operate(session.principal, METROLOGY, read_only=True):
        return render(request, "message.html", status=403, key="forbidden", params={})
    reads = {"standards": ("list_reference_standards",), "standard": ("get_reference_standard", subject),
             "types": ("list_instrument_types",)}
    try:
        found = operators.command(services, METROLOGY, *reads[page])
    except Exception as exc:  # noqa: BLE001 - mapped as the API maps it; anything else is a bug
        error = as_api_error(exc)
        if error is None:
            raise
        return render(request, "message.html", status=error.status, key=error.code, params=error.params)
    if page == "standards":
        found = reference_standard_choices(found, reader.today, reader.lang)
    elif page == "standard":
        found = reference_standard_choices([found], reader.today, reader.lang)[0]
    return session.finish(render(
        request, TEMPLATES[page], status=status, session=session, found=found, forms=forms or {}, problem=problem, done=done,
        changed_type=request.args.get("type"), can_act=may_operate(session.principal, METROLOGY),
        can_set_periods=may_administer(session.principal), today=reader.today.isoformat(), empty=FormState(),
    ))
