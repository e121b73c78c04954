"""The laboratory's API (metrology and testing, ISO/IEC 17025): operators work jobs step
by step, manage certificates, reports, verification periods and reference standards;
the enterprise reads its own documents.

Bodies are handed to the domain service as they came; its schemas validate them and a
refusal comes back field by field (``errors.py``). Operators name themselves in the
body (``operator``) from their sign-in (``operators.signed_body``).
"""

from .. import handlers
from ..auth import principal_of
from ..errors import ApiError, DocumentNotFound, json_endpoint
from ..throttling import code_subject
from ..web import client_address, http
from .operators import require_admin, require_operator, signed_body

# URL step → the domain service's RPC method, per laboratory.
JOB_STEPS = {
    "metrology": {"start": "start_job", "results": "record_results", "review": "review_results",
                  "issue": "issue_documents", "decline": "decline_job"},
    "testing": {"samples": "receive_samples", "start": "start_job", "results": "record_results",
                "review": "review_results", "issue": "issue_report", "decline": "decline_job"},
}


class LabApi:
    # -- jobs -----------------------------------------------------------------------------------
    @http("GET", "/api/v1/metrology/jobs/<string:code>")
    @json_endpoint
    def metrology_job(self, request, code):
        require_operator(request, "metrology")
        return self.call_service("metrology", "get_job", code)

    @http("POST", "/api/v1/metrology/jobs/<string:code>/<string:step>")
    @json_endpoint
    def metrology_job_step(self, request, code, step):
        return self._job_step(request, "metrology", code, step)

    @http("GET", "/api/v1/testing/jobs/<string:code>")
    @json_endpoint
    def testing_job(self, request, code):
        require_operator(request, "testing")
        return self.call_service("testing", "get_job", code)

    @http("POST", "/api/v1/testing/jobs/<string:code>/<string:step>")
    @json_endpoint
    def testing_job_step(self, request, code, step):
        return self._job_step(request, "testing", code, step)

    def _job_step(self, request, domain, code, step):
        principal = require_operator(request, domain)
        method = JOB_STEPS[domain].get(step)
        if method is None:
            raise ApiError(404, "not_found")
        return self.call_service(domain, method, code, signed_body(request, principal))

    # -- issued documents -------------------------------------------------------------------------
    @http("GET", "/api/v1/metrology/certificates/<string:number>")
    @json_endpoint
    def certificate(self, request, number):
        require_operator(request, "metrology")
        return self.call_service("metrology", "get_certificate", number)

    @http("POST", "/api/v1/metrology/certificates/<string:number>/corrections")
    @json_endpoint
    def correct_certificate(self, request, number):
        principal = require_operator(request, "metrology")
        return 201, self.call_service("metrology", "correct_certificate", number, signed_body(request, principal))

    @http("POST", "/api/v1/metrology/certificates/<string:number>/withdrawal")
    @json_endpoint
    def withdraw_metrology_certificate(self, request, number):
        principal = require_operator(request, "metrology")
        return self.call_service("metrology", "withdraw_certificate", number, signed_body(request, principal))

    @http("GET", "/api/v1/testing/reports/<string:number>")
    @json_endpoint
    def report(self, request, number):
        require_operator(request, "testing")
        return self.call_service("testing", "get_report", number)

    @http("POST", "/api/v1/testing/reports/<string:number>/amendments")
    @json_endpoint
    def amend_report(self, request, number):
        principal = require_operator(request, "testing")
        return 201, self.call_service("testing", "amend_report", number, signed_body(request, principal))

    @http("POST", "/api/v1/testing/reports/<string:number>/withdrawal")
    @json_endpoint
    def withdraw_report(self, request, number):
        principal = require_operator(request, "testing")
        return self.call_service("testing", "withdraw_report", number, signed_body(request, principal))

    @http("GET", "/api/v1/requests/<string:code>/documents/<string:number>")
    @json_endpoint
    def own_document(self, request, code, number):
        """The enterprise's own certificate or report, in full (it needs the contact phone)."""
        phone = request.args.get("phone", "")
        with self.throttle.lookup(client_address(request), code_subject(code, phone)):
            found, _ = handlers.track_request(self.requests, self.groups, code, phone, principal_of(request))
        service = "testing" if found.domain == "testing" else "metrology"
        method = "get_report" if service == "testing" else "get_certificate"
        document = self.call_service(service, method, number)
        if document["request_code"] != found.code:
            raise DocumentNotFound()
        return document

    # -- metrology's registers ---------------------------------------------------------------------
    @http("GET", "/api/v1/metrology/instrument-types")
    @json_endpoint
    def instrument_types(self, request):
        require_operator(request, "metrology")
        return {"instrument_types": self.call_service("metrology", "list_instrument_types")}

    @http("PUT", "/api/v1/metrology/instrument-types/<string:type_id>/period")
    @json_endpoint
    def set_verification_period(self, request, type_id):
        principal = require_admin(request)
        return self.call_service("metrology", "set_verification_period", type_id, signed_body(request, principal))

    @http("GET", "/api/v1/metrology/reference-standards")
    @json_endpoint
    def reference_standards(self, request):
        require_operator(request, "metrology")
        return {"reference_standards": self.call_service("metrology", "list_reference_standards")}

    @http("POST", "/api/v1/metrology/reference-standards")
    @json_endpoint
    def register_reference_standard(self, request):
        principal = require_operator(request, "metrology")
        return 201, self.call_service("metrology", "register_reference_standard", signed_body(request, principal))

    @http("GET", "/api/v1/metrology/reference-standards/<string:standard_id>")
    @json_endpoint
    def reference_standard(self, request, standard_id):
        require_operator(request, "metrology")
        return self.call_service("metrology", "get_reference_standard", standard_id)

    @http("POST", "/api/v1/metrology/reference-standards/<string:standard_id>/checks")
    @json_endpoint
    def check_reference_standard(self, request, standard_id):
        principal = require_operator(request, "metrology")
        return self.call_service("metrology", "record_reference_check", standard_id, signed_body(request, principal))
