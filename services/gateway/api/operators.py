"""Domain operators' API: the gateway forwards to the domain service over RPC.

Until accounts arrive (issue 6) an operator presents the shared ``OPERATOR_API_KEY``.
"""

import hmac

from nameko.web.handlers import http

from ...common.config import secret
from ..apidoc import documented
from ..errors import Unauthorized, json_endpoint, read_json_object
from ..schemas import CompleteJobSchema


class OperatorApi:
    @http("GET", "/api/v1/metrology/jobs/<string:code>")
    @documented("A metrology job", tags=["operators"], auth="operator", responses={200: None},
                errors=[401, 404, 503])
    @json_endpoint
    def metrology_job(self, request, code):
        require_operator(request)
        return self.call_service("metrology", "get_job", code)

    @http("POST", "/api/v1/metrology/jobs/<string:code>/complete")
    @documented("Issue the certificate of a metrology job", tags=["operators"], auth="operator",
                body=CompleteJobSchema, responses={200: None}, errors=[400, 401, 404, 409, 422, 503])
    @json_endpoint
    def complete_metrology_job(self, request, code):
        require_operator(request)
        command = CompleteJobSchema().load(read_json_object(request) if has_body(request) else {})
        return self.call_service("metrology", "issue_certificate", code, command)


def require_operator(request):
    presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not presented or not hmac.compare_digest(presented, secret("OPERATOR_API_KEY")):
        raise Unauthorized()


def has_body(request):
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"
