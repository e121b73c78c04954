"""Certification operators' API (认证认可): the gateway forwards each step over RPC.

Applications are addressed by request code, certificates by their number. Every step
is refused with 409 when the application or certificate is not in a state for it.
"""

from ....common.clock import china_date
from ...domain.request_code import parse_code
from ...handlers import operators
from ..apidoc import CODE, REQUEST_CODE, documented
from ..errors import json_endpoint
from ..schemas.certification import (
    DecisionForm,
    ProductCheckForm,
    RecertifyForm,
    ReduceScopeForm,
    RestoreForm,
    ReviewForm,
    Stage1Form,
    Stage2Form,
    SurveillanceForm,
    SuspendForm,
    WithdrawForm,
)
from ..schemas.operators import command_from
from ..schemas.responses import CertificationSchema
from ..server import http
from .entrypoints import json_entrypoint
from .operators import READ, STEP, decline, read_job, require_operator

APPLICATIONS = "/api/v1/certification/applications/<string:code>"
CERTIFICATES = "/api/v1/certification/certificates/<string:number>"
CERTIFICATE_NUMBER = {"type": "string", "description": "e.g. SQRZ-2026-000001"}


AUDITORS = ("`auditors`: the audit team's names (the person recording it when none are given); none of them, "
            "nor whoever records the audit, may take the decision.")
IMPARTIAL = ("The decision is taken by someone who did not review the application and did not record or take "
             "part in any of its audits (ISO/IEC 17021-1 §9.5, ISO/IEC 17065 §7.5): 409 `impartiality_conflict` "
             "otherwise. Every step records who took it (`review.by`, each audit's `recorded_by` and `auditors`, "
             "`decision.by`), taken from the sign-in.")


def application_step(path, method, form, summary, description=""):
    """POST …/applications/{code}/``path``: the certification service's ``method`` with the
    body read by ``form``, taken by the signed-in operator."""

    def take_step(self, request, code):
        principal = require_operator(request, "certification")
        code = str(parse_code(code))  # a mistyped address is told before the body is read
        command = command_from(request, form, china_date(self.gateway.now()))
        # who takes the step is the signed-in person, never what a body says (impartiality)
        return operators.command(self.services, "certification", method, code,
                                 {**command, "operator": principal.name})

    return json_entrypoint("POST", f"{APPLICATIONS}/{path}", documented(
        summary, tags=["certification"], auth="bearer", path={"code": REQUEST_CODE}, body=form,
        body_required=False, responses={200: CertificationSchema}, errors=[CODE, *STEP],
        description=description or summary), take_step)


def certificate_step(path, method, form, summary):
    """POST …/certificates/{number}/``path``: the certification service's ``method`` with
    the body read by ``form``."""

    def take_step(self, request, number):
        require_operator(request, "certification")
        command = command_from(request, form, china_date(self.gateway.now()))
        return operators.command(self.services, "certification", method, number, command)

    return json_entrypoint("POST", f"{CERTIFICATES}/{path}", documented(
        summary, tags=["certification"], auth="bearer", path={"number": CERTIFICATE_NUMBER}, body=form,
        body_required=False, responses={200: CertificationSchema}, errors=STEP), take_step)


class CertificationApi:
    # -- applications -----------------------------------------------------------------
    @http("GET", APPLICATIONS)
    @documented("An RZ01/RZ02 application and, once granted, its certificate", tags=["certification"],
                auth="bearer", path={"code": REQUEST_CODE}, responses={200: CertificationSchema},
                errors=[CODE, *READ])
    @json_endpoint
    def certification_application(self, request, code):
        return read_job(self.gateway, self.services, request, "certification", code)

    review_certification_application = application_step(
        "review", "review_application", ReviewForm, "Review an application: `accepted`, `comments` (needed when refused)")
    record_stage1_audit = application_step(
        "stage1", "record_stage1", Stage1Form, "Stage 1 audit of a management system", AUDITORS)
    record_stage2_audit = application_step(
        "stage2", "record_stage2", Stage2Form, "Stage 2 audit of a management system, with its recommendation", AUDITORS)
    record_type_test = application_step(
        "type-test", "record_type_test", ProductCheckForm, "Type test of a product", AUDITORS)
    record_factory_inspection = application_step(
        "factory-inspection", "record_factory_inspection", ProductCheckForm, "Factory inspection for a product", AUDITORS)
    decide_certification = application_step(
        "decision", "decide", DecisionForm, "Decide: grant (issues SQRZ-YYYY-NNNNNN) or refuse, by someone who took no part",
        IMPARTIAL)
    decline_certification_application = decline(
        "certification", f"{APPLICATIONS}/decline", "Decline a dispatched application before review: back to the station")

    # -- certificates -----------------------------------------------------------------
    @http("GET", CERTIFICATES)
    @documented("A certification certificate with its surveillance schedule", tags=["certification"],
                auth="bearer", path={"number": CERTIFICATE_NUMBER}, responses={200: CertificationSchema},
                errors=READ)
    @json_endpoint
    def certification_certificate(self, request, number):
        require_operator(request, "certification")
        return operators.command(self.services, "certification", "get_certificate", number)

    record_surveillance_audit = certificate_step("surveillance", "record_surveillance", SurveillanceForm,
                                                 "Record a surveillance audit")
    suspend_certificate = certificate_step("suspend", "suspend", SuspendForm, "Suspend a certificate (at most 6 months)")
    restore_certificate = certificate_step("restore", "restore", RestoreForm, "Restore a suspended certificate")
    withdraw_certification_certificate = certificate_step("withdraw", "withdraw", WithdrawForm, "Withdraw a certificate")
    reduce_certificate_scope = certificate_step("reduce-scope", "reduce_scope", ReduceScopeForm,
                                                "Reduce a certificate's scope or sites")
    recertify_certificate = certificate_step("recertify", "recertify", RecertifyForm,
                                             "Recertify in the last year before expiry")
