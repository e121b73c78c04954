"""The operators' workbench (工作台 of the domain services): each operator's job list
and every step of their domain's work as a form, in the same console as the station's.

A step's form posts inputs named by their path in the command the domain service takes
(``web/forms.py``). The step is taken through the same use case as the JSON API, with
the same form schema for certification, standards and written answers, so the page
refuses what the API refuses, with the same words, next to the input they are about. A
written answer's form carries files (multipart): they are uploaded as ``POST
/api/v1/files`` uploads them, then named by id in the answer. Forms carry the session's
CSRF token; a step answers with a redirect (post/redirect/get), or with the page again:
the form as posted and what is wrong with it.
"""

from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlencode

from marshmallow import ValidationError
from werkzeug.utils import redirect

from ....common.clock import china_date
from ....common.repository import NotFound
from ...domain.access import Forbidden, may_operate
from ...domain.catalogue import DOMAINS
from ...domain.request_code import MalformedCode, WrongCheckCharacter
from ...handlers import notifications, operators
from ..auth import csrf_matches
from ..errors import FILE_REFUSALS, MAX_BODY_BYTES, ApiError, as_api_error, error_message
from ..forms import FormState, posted_command
from ..messages import localize, message
from ..schemas import certification
from ..schemas.intake import JOB_FILTERS
from ..schemas.operators import ConsultingAnswerForm, WrittenAnswerForm, load_command
from ..schemas.standards import ReviewDeclarationForm
from ..server import http
from ..templating import page_endpoint, page_language, render
from ..uploads import limit_body, upload_posted
from ..views import (
    Reader,
    job_list_view,
    job_status_label,
    job_steps,
    reference_standard_choices,
    staff_view,
    step_label,
    took_part,
)
from .session import console_session, lang_param, signed_in


class Step(NamedTuple):
    """How the console takes a step: the domain service's RPC; the gateway's form schema
    that reads the command first (certification, standards, written answers), or None:
    the service's own schema judges it as posted (the laboratories); whether the command
    is signed with the operator's name (who took it comes from their sign-in, never the
    form); and whether its form carries files (a written answer's, under ``FILES_INPUT``),
    uploaded and named by id in its ``attachments``."""

    method: str
    form: type | None = None
    signed: bool = True
    files: bool = False


def read_by(method, form, signed=False):
    """A step whose command the gateway's form schema reads first."""
    return Step(method, form, signed)


def answered_in_writing(form, signed):
    """A written answer: read by the gateway's form, with the files posted beside it."""
    return Step("answer_question", form, signed, files=True)


# The file input of a form that carries files; a file it refuses is told beside it.
FILES_INPUT = "attachments"
# A consulting request (JL04, JC03) is answered in writing; a JL03 assessment has steps of
# its own; the laboratory path's steps are the API's (``operators.JOB_STEPS``).
CONSULTING_ANSWER = answered_in_writing(ConsultingAnswerForm, signed=True)
STANDARD_ASSESSMENT = {"document-review": Step("review_standard_documents"),
                       "assessment": Step("record_standard_assessment"),
                       "decision": Step("decide_standard_assessment")}
JOB_STEPS = {
    **{lab: {**{step: Step(method) for step, method in operators.JOB_STEPS[lab].items()}, "answer": CONSULTING_ANSWER,
             **(STANDARD_ASSESSMENT if lab == "metrology" else {})}
       for lab in ("metrology", "testing")},
    "certification": {  # who reviews, audits and decides is recorded: each step is signed
        "review": read_by("review_application", certification.ReviewForm, signed=True),
        "stage1": read_by("record_stage1", certification.Stage1Form, signed=True),
        "stage2": read_by("record_stage2", certification.Stage2Form, signed=True),
        "type-test": read_by("record_type_test", certification.ProductCheckForm, signed=True),
        "factory-inspection": read_by("record_factory_inspection", certification.ProductCheckForm, signed=True),
        "decision": read_by("decide", certification.DecisionForm, signed=True), "decline": Step("decline_job"),
    },
    "standards": {
        "review": read_by("review_declaration", ReviewDeclarationForm),
        "answer": answered_in_writing(WrittenAnswerForm, signed=False), "decline": Step("decline_job"),
    },
}
# Four eyes: a correction or amendment is proposed, and a second operator approves it.
DOCUMENT_STEPS = {
    "metrology": {"correction": Step("propose_correction"), "withdrawal": Step("withdraw_certificate")},
    "testing": {"amendment": Step("propose_amendment"), "withdrawal": Step("withdraw_report")},
    "certification": {
        "surveillance": read_by("record_surveillance", certification.SurveillanceForm),
        "suspend": read_by("suspend", certification.SuspendForm),
        "restore": read_by("restore", certification.RestoreForm),
        "withdraw": read_by("withdraw", certification.WithdrawForm),
        "reduce-scope": read_by("reduce_scope", certification.ReduceScopeForm),
        "recertify": read_by("recertify", certification.RecertifyForm),
    },
}
PROPOSAL_DECISIONS = {"metrology": Step("decide_correction"), "testing": Step("decide_amendment")}
DOCUMENT_READS = {"metrology": "get_certificate", "testing": "get_report", "certification": "get_certificate"}
# Refusals of a rule that one input of the form answers: shown next to that input (in the
# page's own words where the API's name a field of the JSON body).
RULE_INPUTS = {"return_needs_reason": ("comment", None), "reference_standard_exists": ("id", None),
               "check_before_last_good_check": ("checked_on", None), "scope_not_reduced": ("scope", None),
               "unverified_references": ("acknowledge_unverified", "page.work.unverified_references"),
               **{refusal: (FILES_INPUT, None) for refusal in (*FILE_REFUSALS, "file_empty", "too_many_files",
                                                                "malformed_form")}}


class Workbench:
    # -- the pages: the job list, a job, an issued document ------------------------------------
    @http("GET", "/staff/jobs")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_jobs(self, request, session):
        principal = session.principal
        reader = Reader.of(self.gateway, page_language(request))
        try:
            filters = JOB_FILTERS.load({key: value for key, value in request.args.items() if value})
        except ValidationError:
            return session.finish(render(request, "message.html", status=422, key="validation_failed", params={}))
        domain = principal.domain or filters.get("domain") or DOMAINS[0]
        try:
            jobs = operators.job_list(self.gateway.requests, reader.catalogue, reader.calendar, principal, domain,
                                      filters, reader.today)
        except Forbidden:
            return session.finish(render(request, "message.html", status=403, key="forbidden", params={}))
        inbox = [{"kind": delivery.kind, "label": message(f"notify.kind.{delivery.kind}", reader.lang),
                  "at": delivery.created_at.isoformat(), "code": delivery.request_code}
                 for delivery in notifications.domain_inbox(self.gateway.deliveries, principal, domain)]
        return session.finish(render(
            request, "staff_jobs.html", session=session, jobs=job_list_view(jobs, reader), filters=filters,
            inbox=inbox,
            domains=DOMAINS if principal.domain is None else (),
            items=[item for item in reader.catalogue.items.values() if item.domain == domain],
        ))

    @http("GET", "/staff/jobs/<string:code>")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_job(self, request, session, code):
        return job_page(self.gateway, self.services, request, session, code, done=request.args.get("done"))

    @http("GET", "/staff/documents/<string:number>")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_document(self, request, session, number):
        return document_page(self.gateway, self.services, request, session, number, done=request.args.get("done"))

    # -- the steps posted from those pages --------------------------------------------------------
    @http("POST", "/staff/jobs/<string:code>/<string:step>")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_job_step(self, request, session, code, step):
        gateway, services = self.gateway, self.services
        found, refused = operator_job(gateway, request, session, code)
        if refused is not None:
            return refused
        taking = JOB_STEPS.get(found.domain, {}).get(step)
        if taking is None:
            return render(request, "message.html", status=404, key="page.not_found", params={})
        return take_posted(gateway, services, request, session, Posting(
            found.domain, taking, (found.code,), step,
            show=lambda **shown: job_page(gateway, services, request, session, found.code, **shown),
            then=lambda answer: done_at(f"/staff/jobs/{found.code}", step, request)))

    @http("POST", "/staff/documents/<string:number>/<string:step>")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_document_step(self, request, session, number, step):
        return take_on_document(
            self.gateway, self.services, request, session, number, (number,), step,
            lambda domain: DOCUMENT_STEPS.get(domain, {}).get(step),
            # a correction or amendment is a new version: the page goes on to it
            then=lambda answer: done_at(f"/staff/documents/{answer.get('number', number)}", step, request))

    @http("POST", "/staff/documents/<string:number>/proposals/<string:proposal_id>/approval")
    @page_endpoint
    @signed_in(console_session, after="/staff/jobs")
    def workbench_proposal_approval(self, request, session, number, proposal_id):
        """A second operator approves (the new version is issued) or refuses a proposal."""
        return take_on_document(
            self.gateway, self.services, request, session, number, (number, proposal_id[:10]),
            f"approval-{proposal_id[:10]}", PROPOSAL_DECISIONS.get,
            then=lambda answer: done_at(f"/staff/documents/{(answer.get('document') or {}).get('number', number)}",
                                        "approved" if (answer.get("proposal") or {}).get("status") == "approved"
                                        else "refused", request))


class Posting(NamedTuple):
    """A step posted from a console page: the domain it is taken in, how, on what
    (``targets``) and by which form of the page (``form``); the page again with the form
    as posted (``show(forms=, problem=, status=)``) when it is not taken, and where the
    person lands when it is (``then(answer)``). ``allowed``: whether this person may
    take it, if not simply whoever may work for the domain."""

    domain: str
    taking: Step
    targets: tuple
    form: str
    show: Callable[..., Any]
    then: Callable[[Any], str]
    allowed: bool | None = None


def take_posted(gateway, services, request, session, posting):
    """Take a step posted from the console: refused if too large or without the session's
    CSRF token (another site's form), shown again when not taken, else post/redirect/get."""
    too_large = too_large_page(gateway, request, posting.taking)
    if too_large is not None:
        return too_large
    if not csrf_matches(session.csrf_basis, request.form.get("csrf", "")):
        return posting.show(problem=message("csrf_failed", page_language(request)), status=403)
    outcome = take_step(services, gateway, request, session, posting.domain, posting.taking, posting.targets,
                        posting.allowed)
    if isinstance(outcome, Attempt):
        return posting.show(forms={posting.form: outcome.form}, problem=outcome.problem, status=outcome.status)
    return session.finish(redirect(posting.then(outcome if isinstance(outcome, dict) else {}), code=303))


def too_large_page(gateway, request, taking):
    """The page refusing a body over the step's limit (a form with files may carry as
    many as an upload may), else None; werkzeug reads no more than that."""
    if taking.files:
        try:
            limit_body(request, gateway.uploads.max_bytes, gateway.uploads.max_files)
        except ApiError as refused:
            return render(request, "message.html", status=413, key=refused.code, params=refused.params)
        return None
    if request.content_length and request.content_length > MAX_BODY_BYTES:
        return render(request, "message.html", status=413, key="body_too_large", params={"limit": MAX_BODY_BYTES})
    return None


def done_at(path, done, request, **more):
    """Where a taken step lands: its page, saying what was done."""
    return f"{path}?{urlencode({'done': done, **more, **lang_param(request)})}"


class Attempt(NamedTuple):
    """A step that was not taken: the form as posted, and why (shown with the page again)."""

    form: FormState
    problem: str | None
    status: int


def take_step(services, gateway, request, session, domain, taking, targets, allowed=None):
    """Take a posted step (on a job, a document, a register): the domain service's answer,
    or an Attempt (a row asked for, field errors, a refusal) to show the form again with.
    ``targets`` are what the step is on (a request code, a number); ``allowed`` whether
    this person may take it (by default: whoever may work for the domain)."""
    lang = page_language(request)
    command = posted_command(request.form)
    action = request.form.get("action", "")
    if action.startswith("add:"):  # one more row, without JavaScript: nothing is taken yet
        return Attempt(FormState.of(command, extra_rows={action[4:]: 1}), None, 200)
    if not (may_operate(session.principal, domain) if allowed is None else allowed):
        return Attempt(FormState.of(command), message("forbidden", lang), 403)
    try:
        if taking.form is not None:
            command = load_command(taking.form, command, china_date(gateway.now()))
        if taking.signed:
            command = operators.signed(command, session.principal)
        if taking.files:
            return answer_with_posted_files(gateway, services, request, session.principal, domain, targets[0],
                                            command)
        return operators.command(services, domain, taking.method, *targets, command)
    except Exception as exc:  # noqa: BLE001 - mapped as the API maps it; anything else is a bug
        error = as_api_error(exc)
        if error is None:
            raise
        if error.status == 422 and error.fields:
            return Attempt(FormState.of(command, localize(error.fields, lang)),
                           message("validation_failed", lang), 422)
        if error.code in RULE_INPUTS:
            name, words = RULE_INPUTS[error.code]
            said = message(words, lang, **error.params) if words else error_message(error, lang)
            return Attempt(FormState.of(command, {name: [said]}), message("validation_failed", lang), error.status)
        return Attempt(FormState.of(command), error_message(error, lang), error.status)


def answer_with_posted_files(gateway, services, request, principal, domain, code, command):
    """A written answer whose form carries its files: once the words are good (the form
    read them), the files posted are uploaded by the operator (one refused, none kept)
    and the answer names them by id, as an answer through the API does."""
    uploaded = upload_posted(gateway, request, FILES_INPUT, principal)
    command = {**command, "attachments": [{"id": record.id} for record in uploaded]}
    return operators.answer_in_writing(services, gateway.files, gateway.requests, domain, code, command,
                                       gateway.now())


def read_or_problem(call, lang):
    """(what a domain service answered, None), or (None, why not in words) for a
    refusal it is worth telling (a job not opened yet, a service not answering)."""
    try:
        return call(), None
    except Exception as exc:  # noqa: BLE001 - mapped as the API maps it; anything else is a bug
        error = as_api_error(exc)
        if error is None:
            raise
        return None, error_message(error, lang)


def operator_job(gateway, request, session, code):
    """(the request of a job the signed-in operator may see, None), or (None, the page
    refusing it: 404 for a code of no job, 403 for a job of another domain)."""
    try:
        return operators.request_for_operator(gateway.requests, session.principal, code), None
    except (MalformedCode, WrongCheckCharacter, NotFound):
        return None, render(request, "message.html", status=404, key="job_not_found", params={})
    except Forbidden:
        return None, render(request, "message.html", status=403, key="forbidden", params={})


def job_page(gateway, services, request, session, code, forms=None, problem=None, status=200, done=None):
    """A job of the signed-in operator's domain: the request, the job as its service
    keeps it, and a form for every step its state allows."""
    reader = Reader.of(gateway, page_language(request))
    lang = reader.lang
    found, refused = operator_job(gateway, request, session, code)
    if refused is not None:
        return refused
    domain = found.domain
    job, not_read = read_or_problem(lambda: operators.job(
        services, gateway.requests, gateway.catalogue, gateway.calendar.current(), domain, found.code,
        reader.today), lang)
    context = {
        "session": session, "view": staff_view(found, reader), "domain": domain, "job": job, "not_read": not_read,
        "job_status": job_status_label(domain, job, lang) if job else "",
        "step_label": lambda step: step_label(domain, step, lang),
        "took_part": bool(job) and took_part(job, session.principal.name),
        "steps": job_steps(job, lang) if job else [],
        "can_act": may_operate(session.principal, domain), "forms": forms or {}, "problem": problem,
        "done": done, "item": reader.catalogue.item(found.item), "today": reader.today.isoformat(),
    }
    if job and domain == "metrology" and context["can_act"] and job["status"] in ("in_progress", "results_recorded"):
        context.update(metrology_registers(services, job["item"], reader))
        context["offers"] = {"results": recorded_results(job)}
    if job and domain == "testing":
        context["offers"] = testing_offers(job)
    return session.finish(render(request, "staff_job.html", status=status, form_for=forms_for(forms), **context))


def forms_for(forms):
    """The state of each step's form: as posted (with what was wrong), or as offered."""
    return lambda step, offered=None: (forms or {}).get(step) or FormState.of(offered)


def recorded_results(job):
    """A metrology job's recorded results as the results form takes them, so that
    recording them again (until reviewed) starts from what is there."""
    recorded = job.get("results") or {}
    by_serial = {entry["serial_number"]: entry for entry in recorded.get("instruments") or []}
    instruments = []
    for asked in job["details"].get("instruments") or []:  # in the order the form lists them
        entry = by_serial.get(asked["serial_number"], {"serial_number": asked["serial_number"]})
        taken = {key: value for key, value in entry.items() if key not in ("reference_standards", "instrument_type",
                                                                          "points")}
        taken["reference_standards"] = [standard["id"] for standard in entry.get("reference_standards") or []]
        if entry.get("instrument_type"):
            taken["instrument_type"] = entry["instrument_type"]["id"]
        if entry.get("points"):
            taken["points"] = [{key: value for key, value in point.items() if key != "error"}
                               for point in entry["points"]]
        instruments.append(taken)
    return {"environment": recorded.get("environment") or {}, "instruments": instruments}


def testing_offers(job):
    """What the testing forms start with: the samples as the enterprise described them,
    a result row per received sample for the items and method it asked for."""
    asked = job["details"]
    samples = [{"name": sample.get("name"), "description": sample.get("specification") or sample.get("origin"),
                "quantity": str(sample["quantity"]) if sample.get("quantity") is not None else None}
               for sample in asked.get("samples") or []]
    recorded = job.get("results")
    if recorded:  # recording again (until reviewed) starts from what is there
        results = {"test_conditions": recorded.get("test_conditions"), "specification": recorded.get("specification"),
                   "decision_rule": recorded["decision_rule"] if recorded.get("decision_rule") != "qualitative" else None,
                   "results": [{key: value for key, value in result.items() if key != "conformity"}
                               for result in recorded.get("results") or []]}
    else:
        results = {"results": [{"sample_number": sample["sample_number"], "item": asked.get("test_items"),
                                "method": asked.get("method_standard")} for sample in job.get("samples") or []]}
    return {"samples": {"samples": samples}, "results": results,
            "sample_options": [(sample["sample_number"], sample["sample_number"]) for sample in job.get("samples") or []]}


def metrology_registers(services, item, reader):
    """What a metrology results form offers: the reference standards (those that may
    not be used now are shown, and refused) and, for a verification, the instrument types."""
    standards, _ = read_or_problem(lambda: operators.command(services, "metrology", "list_reference_standards"),
                                   reader.lang)
    types = []
    if item == "JL01":
        types, _ = read_or_problem(lambda: operators.command(services, "metrology", "list_instrument_types"),
                                   reader.lang)
    return {"reference_standards": reference_standard_choices(standards or [], reader.today, reader.lang),
            "instrument_types": [(each["id"], each["name"][reader.lang]) for each in types or []]}


def document_page(gateway, services, request, session, number, forms=None, problem=None, status=200, done=None):
    """An issued certificate or report in full, with the steps its issuer may take on it."""
    domain = operators.verifying_service(number)
    if domain is None:
        return render(request, "message.html", status=404, key="document_not_found", params={})
    if not may_operate(session.principal, domain, read_only=True):
        return render(request, "message.html", status=403, key="forbidden", params={})
    try:
        document = operators.command(services, domain, DOCUMENT_READS[domain], number)
    except Exception as exc:  # noqa: BLE001 - mapped as the API maps it; anything else is a bug
        error = as_api_error(exc)
        if error is None:
            raise
        return render(request, "message.html", status=error.status, key=error.code, params=error.params)
    return session.finish(render(
        request, "staff_document.html", status=status, session=session, domain=domain, number=number,
        document=document, can_act=may_operate(session.principal, domain), form_for=forms_for(forms),
        problem=problem, done=done, today=china_date(gateway.now()).isoformat(),
    ))


def take_on_document(gateway, services, request, session, number, targets, form, step_of, then):
    """A step posted on an issued certificate or report, taken in the domain service that
    issued it (``step_of(domain)``: how, or None where it takes no such step: 404), with
    the document's page again when it is not taken; ``then(answer)``: where it lands."""
    domain = operators.verifying_service(number)
    taking = step_of(domain) if domain is not None else None
    if taking is None:
        return render(request, "message.html", status=404, key="page.not_found", params={})
    return take_posted(gateway, services, request, session, Posting(
        domain, taking, targets, form, then=then,
        show=lambda **shown: document_page(gateway, services, request, session, number, **shown)))
