"""The laboratory's API (metrology and testing, ISO/IEC 17025): operators work jobs step
by step, manage certificates, reports, verification periods and reference standards;
the enterprise reads its own documents.

Bodies are handed to the domain service as they came; its schemas validate them and a
refusal comes back field by field (``errors.py``). Operators name themselves in the
body (``operator``) from their sign-in (``operators.signed_body``). A written answer is
read by the gateway's own form first, since the files it names are the gateway's.
"""

from ...handlers import operators
from ...handlers.throttling import code_subject
from ..apidoc import ANSWER_FILES, BODY, CODE, REQUEST_CODE, SERVICE, SIGNED_IN, documented, one_of
from ..auth import principal_of
from ..errors import ApiError, json_endpoint
from ..openapi import openapi_path
from ..schemas.operators import ConsultingAnswerForm
from ..schemas.responses import (
    DeclinedSchema,
    InstrumentTypeSchema,
    InstrumentTypesSchema,
    IssuedDocumentSchema,
    MetrologyJobSchema,
    ProposalDecidedSchema,
    ProposalSchema,
    ReferenceStandardSchema,
    ReferenceStandardsSchema,
    TestingJobSchema,
)
from ..server import http, lookup_asker
from .entrypoints import json_entrypoint
from .operators import (
    READ,
    STEP,
    answer_in_writing,
    read_job,
    require_admin,
    require_operator,
    signed_body,
)

JOB_STEPS = operators.JOB_STEPS


CERTIFICATES = "/api/v1/metrology/certificates/<string:number>"
REPORTS = "/api/v1/testing/reports/<string:number>"
DOCUMENT_NUMBER = {"type": "string", "description": "e.g. SQJL-2026-000001 or a correction SQJL-2026-000001-R1"}


def command(description):
    """A command the domain service reads with its own schema; ``operator`` is taken from the sign-in."""
    return {"type": "object", "description": description}


PROPOSAL_ID = {"type": "string", "maxLength": 10, "description": "the proposal's `id` (1, 2, …)"}
CORRECTION = {"type": "object", "required": ["reason", "changes"], "properties": {
    "reason": {"type": "string", "maxLength": 500},
    "changes": {"type": "object", "description": "customer_name, instrument {name, model, manufacturer, "
                                                 "measuring_range, accuracy_class}, remarks: at least one"}}}
AMENDMENT = {"type": "object", "required": ["reason", "changes"], "properties": {
    "reason": {"type": "string", "maxLength": 500},
    "changes": {"type": "object", "description": "customer_name, remarks: at least one"}}}
APPROVAL = {"type": "object", "required": ["approved"], "properties": {
    "approved": {"type": "boolean"},
    "comment": {"type": "string", "maxLength": 500, "description": "required when refused"}}}
PROPOSED = ("Issued documents never change (ISO/IEC 17025 §7.8.8) and a new version is checked by a second "
            "person: this records a proposal (201: `id`, `status` proposed, `proposed_by`, `reason`, `changes`) "
            "on the current {document}, where GET shows it (`open_proposals`, and `proposals` with every "
            "decision). Nothing is issued until another operator of the laboratory approves it at POST "
            "{approval}, which issues the new version {version}. One proposal at a time (409 `proposal_open`); "
            "a superseded or withdrawn {document} takes none (409).")
APPROVED = ("By an operator other than who proposed it (409 `four_eyes`). Approved: the new version {version} "
            "naming the one it replaces is issued (its signatories name `proposed_by` and `approved_by`); the "
            "answer is the decided `proposal` (`status` approved, `new_number`) and the `document` now in force. "
            "Refused (`comment` required): the proposal is closed (`status` refused) and nothing is issued. A "
            "proposal is decided once (409); an unknown id is 404 `proposal_not_found`.")
ASSESSMENT_ONLY = "Only a JL03 job takes it (409 `not_a_standard_assessment` for any other item)."
DOCUMENT_REVIEW = {"type": "object", "required": ["passed"], "properties": {
    "passed": {"type": "boolean"},
    "comments": {"type": "string", "maxLength": 2000, "description": "what to correct (required when not passed)"}}}
ASSESSMENT = {"type": "object", "required": ["assessed_on", "assessors", "findings", "conclusion"], "properties": {
    "assessed_on": {"type": "string", "format": "date"},
    "assessors": {"type": "array", "minItems": 1, "maxItems": 10, "items": {"type": "string", "maxLength": 50},
                  "description": "the assessors' names (考评员)"},
    "findings": {"type": "string", "maxLength": 4000},
    "conclusion": {"type": "string", "enum": ["pass", "fail"]}}}
ASSESSMENT_DECISION = {"type": "object", "required": ["decision"], "properties": {
    "decision": {"type": "string", "enum": ["grant", "refuse"]},
    "comments": {"type": "string", "maxLength": 2000, "description": "required for a refusal"}}}
ANSWERED = ("Only a consulting job takes a written answer (409 `not_a_consulting_item` for any other item; 409 "
            "`invalid_transition` once answered, declined or ended). The request completes with it: the "
            "enterprise reads `result.answer` and `result.attachments` on its tracking view (GET "
            "/api/v1/requests/{code}), and the timeline says 已书面答复 (`question_answered`). " + ANSWER_FILES)


def read_a_job(domain, summary, answers):
    """GET a job of ``domain`` as its operators read it."""

    def read(self, request, code):
        return read_job(self.gateway, self.services, request, domain, code)

    return json_entrypoint("GET", f"/api/v1/{domain}/jobs/<string:code>", documented(
        summary, tags=[domain], auth="bearer", path={"code": REQUEST_CODE}, responses={200: answers},
        errors=READ), read)


def job_step(domain, summary, answers, takes, description):
    """POST one of the steps of a job of ``domain`` (``JOB_STEPS``; another is 404), the
    body as posted (``takes`` says what each step reads), signed by the operator."""

    def take_step(self, request, code, step):
        principal = require_operator(request, domain)
        if step not in JOB_STEPS[domain]:
            raise ApiError(404, "not_found")
        return operators.job_step(self.services, domain, code, step, signed_body(request, principal))

    return json_entrypoint("POST", f"/api/v1/{domain}/jobs/<string:code>/<string:step>", documented(
        summary, tags=[domain], auth="bearer", path={"code": REQUEST_CODE, "step": one_of(*JOB_STEPS[domain])},
        body=command(takes), responses={200: {"anyOf": [answers, DeclinedSchema]}}, errors=STEP,
        description=description), take_step)


def written_answer(domain, summary, answers):
    """POST the written answer to a consulting request of ``domain`` (JL04, JC03)."""

    def answer(self, request, code):
        return answer_in_writing(self.gateway, self.services, request, domain, code, ConsultingAnswerForm,
                                 sign=True)

    return json_entrypoint("POST", f"/api/v1/{domain}/jobs/<string:code>/answer", documented(
        summary, tags=[domain], auth="bearer", path={"code": REQUEST_CODE}, body=ConsultingAnswerForm,
        responses={200: answers}, errors=[CODE, *STEP], description=ANSWERED), answer)


def read_document(domain, rule, method, summary):
    """GET an issued document in full (``method`` of ``domain``'s service), with its status."""

    def read(self, request, number):
        require_operator(request, domain)
        return operators.command(self.services, domain, method, number)

    return json_entrypoint("GET", rule, documented(
        summary, tags=[domain], auth="bearer", path={"number": DOCUMENT_NUMBER},
        responses={200: IssuedDocumentSchema}, errors=READ), read)


def propose_change(domain, rule, method, changes, summary, document):
    """POST a proposed new version of an issued ``document`` (``changes``: what the body
    takes), which a second operator decides: 201 with the proposal."""

    def propose(self, request, number):
        principal = require_operator(request, domain)
        return 201, operators.command(self.services, domain, method, number, signed_body(request, principal))

    approval = openapi_path(f"{rule}/<id>/approval")
    return json_entrypoint("POST", rule, documented(
        summary, tags=[domain], auth="bearer", path={"number": DOCUMENT_NUMBER}, body=changes,
        responses={201: ProposalSchema}, errors=STEP,
        description=PROPOSED.format(document=document, approval=approval, version="…-R1")), propose)


def decide_change(domain, rule, method, summary):
    """POST the decision on a proposed new version: approved (it is issued) or refused."""

    def decide(self, request, number, proposal_id):
        principal = require_operator(request, domain)
        return operators.command(self.services, domain, method, number, proposal_id, signed_body(request, principal))

    return json_entrypoint("POST", rule, documented(
        summary, tags=[domain], auth="bearer", path={"number": DOCUMENT_NUMBER, "proposal_id": PROPOSAL_ID},
        body=APPROVAL, responses={200: ProposalDecidedSchema}, errors=STEP,
        description=APPROVED.format(version="…-R1")), decide)


def withdraw_document(domain, rule, method, summary):
    """POST the withdrawal of an issued document, with its ``reason``."""

    def withdraw(self, request, number):
        principal = require_operator(request, domain)
        return operators.command(self.services, domain, method, number, signed_body(request, principal))

    return json_entrypoint("POST", rule, documented(
        summary, tags=[domain], auth="bearer", path={"number": DOCUMENT_NUMBER}, body=command("`reason`"),
        responses={200: IssuedDocumentSchema}, errors=STEP), withdraw)


def register(rule, key, method, summary, answers):
    """GET one of metrology's registers, whole: ``{key: [...]}``."""

    def listed(self, request):
        require_operator(request, "metrology")
        return {key: operators.command(self.services, "metrology", method)}

    return json_entrypoint("GET", rule, documented(
        summary, tags=["metrology"], auth="bearer", responses={200: answers}, errors=[*SIGNED_IN, *SERVICE]), listed)


class LabApi:
    # -- jobs -----------------------------------------------------------------------------------
    metrology_job = read_a_job("metrology", "A metrology job (JL01/JL02)", MetrologyJobSchema)
    metrology_job_step = job_step(
        "metrology", "A step of a metrology job", MetrologyJobSchema,
        "start: {}; results: `environment` and `instruments` (JL01: type, items, conclusion; "
        "JL02: calibration points); review: `approved`, `comment`; issue: {}; decline: `reason`",
        "Results are reviewed by someone other than who recorded them (409 otherwise). "
        "Each step answers the job, a decline only its code and new status.")
    testing_job = read_a_job("testing", "A testing job (JC01/JC02)", TestingJobSchema)
    testing_job_step = job_step(
        "testing", "A step of a testing job", TestingJobSchema,
        "samples: `samples` (1-100: name, description, condition_on_receipt, quantity); start: {}; "
        "results: per sample and item (JC01: value, unit, limit, U, decision_rule; JC02: outcome); "
        "review: `approved`, `comment`; issue: {}; decline: `reason`",
        "Each step answers the job, a decline only its code and new status.")
    answer_metrology_question = written_answer(
        "metrology", "Answer a metrology consulting request (JL04 计量咨询) in writing", MetrologyJobSchema)
    answer_testing_question = written_answer(
        "testing", "Answer a testing consulting request (JC03 检测能力咨询) in writing", TestingJobSchema)

    # -- JL03 计量标准考核 (JJF 1033-2023) ----------------------------------------------------------
    @http("POST", "/api/v1/metrology/jobs/<string:code>/document-review")
    @documented("JL03: the written review of the applicant's documents", tags=["metrology"], auth="bearer",
                path={"code": REQUEST_CODE}, body=DOCUMENT_REVIEW, responses={200: MetrologyJobSchema},
                errors=STEP, description="Not passed returns the documents to be corrected (`comments` say "
                "what; 422 without them) and they are reviewed again. " + ASSESSMENT_ONLY)
    @json_endpoint
    def review_standard_documents(self, request, code):
        return self._job_command(request, "metrology", code, "review_standard_documents")

    @http("POST", "/api/v1/metrology/jobs/<string:code>/assessment")
    @documented("JL03: the assessment (考评), with its assessors and findings", tags=["metrology"], auth="bearer",
                path={"code": REQUEST_CODE}, body=ASSESSMENT, responses={200: MetrologyJobSchema}, errors=STEP,
                description="After the documents passed review; recorded again until the decision. `assessed_on` "
                "lies between the request's receipt and today (409 `assessment_date_out_of_range`). "
                + ASSESSMENT_ONLY)
    @json_endpoint
    def record_standard_assessment(self, request, code):
        return self._job_command(request, "metrology", code, "record_standard_assessment")

    @http("POST", "/api/v1/metrology/jobs/<string:code>/decision")
    @documented("JL03: the decision (审批): grant a 计量标准考核证书 (SQBK-…) or refuse", tags=["metrology"],
                auth="bearer", path={"code": REQUEST_CODE}, body=ASSESSMENT_DECISION,
                responses={200: MetrologyJobSchema}, errors=STEP,
                description="By someone who took no part in the assessment: not an assessor, not whoever "
                "recorded the assessment or reviewed the documents (409 `impartiality_conflict`). A grant needs "
                "a passed assessment (409 `assessment_not_passed`) and issues a 计量标准考核证书 numbered "
                "SQBK-YYYY-NNNNNN, valid five years (JJF 1033-2023) through the day before the anniversary, "
                "verifiable at GET /api/v1/verify/{number}; the request completes with `result."
                "certificate_number` and `valid_until`. A refusal (`comments` required) completes it with "
                "`result.decision` = refused. " + ASSESSMENT_ONLY)
    @json_endpoint
    def decide_standard_assessment(self, request, code):
        return self._job_command(request, "metrology", code, "decide_standard_assessment")

    def _job_command(self, request, domain, code, method):
        principal = require_operator(request, domain)
        return operators.command(self.services, domain, method, code, signed_body(request, principal))

    # -- issued documents -------------------------------------------------------------------------
    certificate = read_document("metrology", CERTIFICATES, "get_certificate",
                                "A certificate in full, with its status")
    correct_certificate = propose_change(
        "metrology", f"{CERTIFICATES}/corrections", "propose_correction", CORRECTION,
        "Propose a correction of a certificate (four eyes: a second operator approves it)", "certificate")
    approve_certificate_correction = decide_change(
        "metrology", f"{CERTIFICATES}/corrections/<string:proposal_id>/approval", "decide_correction",
        "Approve or refuse a proposed correction (by a second operator)")
    withdraw_metrology_certificate = withdraw_document("metrology", f"{CERTIFICATES}/withdrawal",
                                                       "withdraw_certificate", "Withdraw a certificate")

    report = read_document("testing", REPORTS, "get_report", "A test report in full, with its status")
    amend_report = propose_change(
        "testing", f"{REPORTS}/amendments", "propose_amendment", AMENDMENT,
        "Propose an amendment of a report (four eyes: a second operator approves it)", "report")
    approve_report_amendment = decide_change(
        "testing", f"{REPORTS}/amendments/<string:proposal_id>/approval", "decide_amendment",
        "Approve or refuse a proposed amendment (by a second operator)")
    withdraw_report = withdraw_document("testing", f"{REPORTS}/withdrawal", "withdraw_report", "Withdraw a report")

    @http("GET", "/api/v1/requests/<string:code>/documents/<string:number>")
    @documented(
        "The enterprise's own certificate or report, in full", tags=["intake"], auth="optional",
        path={"code": REQUEST_CODE, "number": DOCUMENT_NUMBER},
        query=[("phone", "the contact phone given at submission (not needed when signed in)", False)],
        responses={200: IssuedDocumentSchema}, errors=[CODE, 401, 404, 429, *SERVICE],
        description="The same rule as tracking: the contact phone, or a sign-in that may see the request.",
    )
    @json_endpoint
    def own_document(self, request, code, number):
        """The enterprise's own certificate or report, in full (it needs the contact phone)."""
        phone = request.args.get("phone", "")
        gateway = self.gateway
        principal = principal_of(request)
        with gateway.throttle.lookup(lookup_asker(request, principal), code_subject(code, phone)):
            return operators.own_document(self.services, gateway.requests, gateway.groups, code, phone, principal,
                                          number)

    # -- metrology's registers ---------------------------------------------------------------------
    instrument_types = register(
        "/api/v1/metrology/instrument-types", "instrument_types", "list_instrument_types",
        "Instrument types under compulsory verification, with their periods", InstrumentTypesSchema)

    @http("PUT", "/api/v1/metrology/instrument-types/<string:type_id>/period")
    @documented("An administrator sets a type's verification period", tags=["metrology"], auth="bearer",
                body=command("`period_months` (1-120) and `note`"), responses={200: InstrumentTypeSchema},
                errors=STEP)
    @json_endpoint
    def set_verification_period(self, request, type_id):
        principal = require_admin(request)
        return operators.command(self.services, "metrology", "set_verification_period", type_id, signed_body(request, principal))

    reference_standards = register(
        "/api/v1/metrology/reference-standards", "reference_standards", "list_reference_standards",
        "The laboratory's reference standards", ReferenceStandardsSchema)

    @http("POST", "/api/v1/metrology/reference-standards")
    @documented("Register a reference standard", tags=["metrology"], auth="bearer",
                body=command("id, name, model, serial_number, measuring_range, uncertainty, "
                             "calibration_certificate, calibrated_by, calibration_valid_until, last_good_check_on"),
                responses={201: ReferenceStandardSchema}, errors=[*BODY, *SIGNED_IN, 409, 422, *SERVICE])
    @json_endpoint
    def register_reference_standard(self, request):
        principal = require_operator(request, "metrology")
        return 201, operators.command(self.services, "metrology", "register_reference_standard", signed_body(request, principal))

    @http("GET", "/api/v1/metrology/reference-standards/<string:standard_id>")
    @documented("One reference standard with its checks", tags=["metrology"], auth="bearer",
                responses={200: ReferenceStandardSchema}, errors=READ)
    @json_endpoint
    def reference_standard(self, request, standard_id):
        require_operator(request, "metrology")
        return operators.command(self.services, "metrology", "get_reference_standard", standard_id)

    @http("POST", "/api/v1/metrology/reference-standards/<string:standard_id>/checks")
    @documented("Record a check of a reference standard", tags=["metrology"], auth="bearer",
                body=command("`checked_on`, `result` (within_tolerance or out_of_tolerance), `note`"),
                responses={200: ReferenceStandardSchema}, errors=STEP,
                description="Out of tolerance lists every certificate issued with it since its last good check.")
    @json_endpoint
    def check_reference_standard(self, request, standard_id):
        principal = require_operator(request, "metrology")
        return operators.command(self.services, "metrology", "record_reference_check", standard_id, signed_body(request, principal))
