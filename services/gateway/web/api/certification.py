"""Certification operators' API (认证认可): the gateway forwards each step over RPC.

Applications are addressed by request code, certificates by their number. Every step
is refused with 409 when the application or certificate is not in a state for it.
"""

from ....common.clock import china_date
from ...domain.request_code import parse_code
from ...handlers import operators
from ..apidoc import BODY, CODE, REQUEST_CODE, SERVICE, SIGNED_IN, documented
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
from ..schemas.responses import CertificationSchema, DeclinedSchema
from ..server import http
from .operators import require_operator, signed_body

APPLICATIONS = "/api/v1/certification/applications/<string:code>"
CERTIFICATES = "/api/v1/certification/certificates/<string:number>"


READ = [*SIGNED_IN, 404, *SERVICE]
STEP = [*BODY, *SIGNED_IN, 404, 409, 422, *SERVICE]
CERTIFICATE_NUMBER = {"type": "string", "description": "e.g. SQRZ-2026-000001"}


AUDITORS = ("`auditors`: the audit team's names (the person recording it when none are given); none of them, "
            "nor whoever records the audit, may take the decision.")


def application_step(summary, form, description=""):
    return documented(summary, tags=["certification"], auth="bearer", path={"code": REQUEST_CODE}, body=form,
                      body_required=False, responses={200: CertificationSchema}, errors=[CODE, *STEP],
                      description=description or summary)


def certificate_step(summary, form):
    return documented(summary, tags=["certification"], auth="bearer", path={"number": CERTIFICATE_NUMBER},
                      body=form, body_required=False, responses={200: CertificationSchema}, errors=STEP)


class CertificationApi:
    # -- applications -----------------------------------------------------------------
    @http("GET", APPLICATIONS)
    @documented("An RZ01/RZ02 application and, once granted, its certificate", tags=["certification"],
                auth="bearer", path={"code": REQUEST_CODE}, responses={200: CertificationSchema},
                errors=[CODE, *READ])
    @json_endpoint
    def certification_application(self, request, code):
        require_operator(request, "certification")
        gateway = self.gateway
        return operators.job(self.services, gateway.requests, gateway.catalogue, gateway.calendar.current(),
                             "certification", code, china_date(gateway.now()))

    @http("POST", f"{APPLICATIONS}/review")
    @application_step("Review an application: `accepted`, `comments` (needed when refused)", ReviewForm)
    @json_endpoint
    def review_certification_application(self, request, code):
        return self._application_step(request, code, "review_application", ReviewForm)

    @http("POST", f"{APPLICATIONS}/stage1")
    @application_step("Stage 1 audit of a management system", Stage1Form, AUDITORS)
    @json_endpoint
    def record_stage1_audit(self, request, code):
        return self._application_step(request, code, "record_stage1", Stage1Form)

    @http("POST", f"{APPLICATIONS}/stage2")
    @application_step("Stage 2 audit of a management system, with its recommendation", Stage2Form, AUDITORS)
    @json_endpoint
    def record_stage2_audit(self, request, code):
        return self._application_step(request, code, "record_stage2", Stage2Form)

    @http("POST", f"{APPLICATIONS}/type-test")
    @application_step("Type test of a product", ProductCheckForm, AUDITORS)
    @json_endpoint
    def record_type_test(self, request, code):
        return self._application_step(request, code, "record_type_test", ProductCheckForm)

    @http("POST", f"{APPLICATIONS}/factory-inspection")
    @application_step("Factory inspection for a product", ProductCheckForm, AUDITORS)
    @json_endpoint
    def record_factory_inspection(self, request, code):
        return self._application_step(request, code, "record_factory_inspection", ProductCheckForm)

    @http("POST", f"{APPLICATIONS}/decision")
    @application_step("Decide: grant (issues SQRZ-YYYY-NNNNNN) or refuse, by someone who took no part", DecisionForm,
                      "The decision is taken by someone who did not review the application and did not record "
                      "or take part in any of its audits (ISO/IEC 17021-1 §9.5, ISO/IEC 17065 §7.5): 409 "
                      "`impartiality_conflict` otherwise. Every step records who took it (`review.by`, each "
                      "audit's `recorded_by` and `auditors`, `decision.by`), taken from the sign-in.")
    @json_endpoint
    def decide_certification(self, request, code):
        return self._application_step(request, code, "decide", DecisionForm)

    @http("POST", f"{APPLICATIONS}/decline")
    @documented("Decline a dispatched application before review: back to the station", tags=["certification"],
                auth="bearer", path={"code": REQUEST_CODE},
                body={"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string",
                                                                                          "maxLength": 500}}},
                responses={200: DeclinedSchema}, errors=[CODE, *STEP])
    @json_endpoint
    def decline_certification_application(self, request, code):
        """Decline a dispatched application before review: back to the station."""
        principal = require_operator(request, "certification")
        return operators.command(self.services, "certification", "decline_job", str(parse_code(code)),
                                 signed_body(request, principal))

    # -- certificates -----------------------------------------------------------------
    @http("GET", CERTIFICATES)
    @documented("A certification certificate with its surveillance schedule", tags=["certification"],
                auth="bearer", path={"number": CERTIFICATE_NUMBER}, responses={200: CertificationSchema},
                errors=READ)
    @json_endpoint
    def certification_certificate(self, request, number):
        require_operator(request, "certification")
        return operators.command(self.services, "certification", "get_certificate", number)

    @http("POST", f"{CERTIFICATES}/surveillance")
    @certificate_step("Record a surveillance audit", SurveillanceForm)
    @json_endpoint
    def record_surveillance_audit(self, request, number):
        return self._certificate_step(request, number, "record_surveillance", SurveillanceForm)

    @http("POST", f"{CERTIFICATES}/suspend")
    @certificate_step("Suspend a certificate (at most 6 months)", SuspendForm)
    @json_endpoint
    def suspend_certificate(self, request, number):
        return self._certificate_step(request, number, "suspend", SuspendForm)

    @http("POST", f"{CERTIFICATES}/restore")
    @certificate_step("Restore a suspended certificate", RestoreForm)
    @json_endpoint
    def restore_certificate(self, request, number):
        return self._certificate_step(request, number, "restore", RestoreForm)

    @http("POST", f"{CERTIFICATES}/withdraw")
    @certificate_step("Withdraw a certificate", WithdrawForm)
    @json_endpoint
    def withdraw_certification_certificate(self, request, number):
        return self._certificate_step(request, number, "withdraw", WithdrawForm)

    @http("POST", f"{CERTIFICATES}/reduce-scope")
    @certificate_step("Reduce a certificate's scope or sites", ReduceScopeForm)
    @json_endpoint
    def reduce_certificate_scope(self, request, number):
        return self._certificate_step(request, number, "reduce_scope", ReduceScopeForm)

    @http("POST", f"{CERTIFICATES}/recertify")
    @certificate_step("Recertify in the last year before expiry", RecertifyForm)
    @json_endpoint
    def recertify_certificate(self, request, number):
        return self._certificate_step(request, number, "recertify", RecertifyForm)

    # -- internals --------------------------------------------------------------------
    def _application_step(self, request, code, method, form):
        principal = require_operator(request, "certification")
        code = str(parse_code(code))  # a mistyped address is told before the body is read
        command = command_from(request, form, china_date(self.gateway.now()))
        # who takes the step is the signed-in person, never what a body says (impartiality)
        return operators.command(self.services, "certification", method, code, {**command, "operator": principal.name})

    def _certificate_step(self, request, number, method, form):
        require_operator(request, "certification")
        command = command_from(request, form, china_date(self.gateway.now()))
        return operators.command(self.services, "certification", method, number, command)
