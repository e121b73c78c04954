"""Standards API (标准): the public catalogue search, operators' BZ cases, the
administrators' catalogue changes, and the gateway's part of the standards watch.

Search and a standard's page need no sign-in; everything else is an operator's.
"""

from ...common.consumer import consume_event
from ..domain.request_code import parse_code
from ..errors import json_endpoint, read_json_object, request_language
from ..operator_commands import command_from, load_command
from ..standards_schemas import (
    AddStandardForm,
    AnswerForm,
    EndStandardForm,
    ReviewDeclarationForm,
    SearchQuery,
)
from ..standards_watch import post_standard_notices
from ..views import standard_view
from ..web import http
from .operators import require_operator, signed_body

CASES = "/api/v1/standards/cases/<string:code>"


class StandardsApi:
    # -- public -------------------------------------------------------------------------
    @http("GET", "/api/v1/standards")
    @json_endpoint
    def search_standards(self, request):
        query = SearchQuery().load(
            {name: request.args[name] for name in ("q", "limit") if name in request.args}
        )
        found = self.call_service("standards", "search", query["q"], query.get("limit") or 20)
        lang = request_language(request)
        return {
            **found,
            "results": [standard_view(standard, lang) for standard in found["results"]],
        }

    @http("GET", "/api/v1/standards/<path:number>")
    @json_endpoint
    def standard(self, request, number):
        return standard_view(
            self.call_service("standards", "get_standard", number), request_language(request)
        )

    # -- administrators -----------------------------------------------------------------
    @http("POST", "/api/v1/standards")
    @json_endpoint
    def add_standard(self, request):
        require_operator(request, "standards")
        command = load_command(AddStandardForm, read_json_object(request))
        return 201, standard_view(
            self.call_service("standards", "add_standard", command), request_language(request)
        )

    @http("POST", "/api/v1/standards/supersessions")
    @json_endpoint
    def end_standard(self, request):
        """Mark a standard superseded (naming its replacement) or withdrawn."""
        require_operator(request, "standards")
        command = load_command(EndStandardForm, read_json_object(request))
        return standard_view(
            self.call_service("standards", "end_standard", command), request_language(request)
        )

    # -- operators' cases ---------------------------------------------------------------
    @http("GET", CASES)
    @json_endpoint
    def standards_case(self, request, code):
        require_operator(request, "standards")
        return self.call_service("standards", "get_case", str(parse_code(code)))

    @http("POST", f"{CASES}/review")
    @json_endpoint
    def review_declaration(self, request, code):
        return self._case_step(request, code, "review_declaration", ReviewDeclarationForm)

    @http("POST", f"{CASES}/answer")
    @json_endpoint
    def answer_standards_question(self, request, code):
        return self._case_step(request, code, "answer_question", AnswerForm)

    @http("POST", f"{CASES}/decline")
    @json_endpoint
    def decline_standards_case(self, request, code):
        """Decline a dispatched case before answering it: back to the station."""
        principal = require_operator(request, "standards")
        return self.call_service("standards", "decline_job", str(parse_code(code)), signed_body(request, principal))

    def _case_step(self, request, code, method, form):
        require_operator(request, "standards")
        code = str(parse_code(code))  # a mistyped address is told before the body is read
        command = command_from(request, form)
        return self.call_service("standards", method, code, command)

    # -- the standards watch ------------------------------------------------------------
    @consume_event("standards", "standard_superseded")
    def tell_standard_followers(self, envelope):
        post_standard_notices(self.notices, envelope)
