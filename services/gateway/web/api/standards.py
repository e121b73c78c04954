"""Standards API (标准): the public catalogue search, operators' BZ cases, the
administrators' catalogue changes, and the gateway's part of the standards watch.

Search and a standard's page need no sign-in; everything else is an operator's.
"""

from ....common.clock import china_date
from ...domain.request_code import parse_code
from ...handlers import operators
from ..apidoc import ANSWER_FILES, BODY, CODE, REQUEST_CODE, SERVICE, SIGNED_IN, documented
from ..errors import json_endpoint, read_json_object, request_language
from ..schemas.operators import WrittenAnswerForm, command_from, load_command
from ..schemas.responses import (
    StandardsCaseSchema,
    StandardSchema,
    StandardSearchSchema,
)
from ..schemas.standards import (
    AddStandardForm,
    EndStandardForm,
    ReviewDeclarationForm,
    SearchQuery,
)
from ..server import http
from ..views import standard_view
from .operators import STEP, answer_in_writing, decline, read_job, require_operator

CASES = "/api/v1/standards/cases/<string:code>"
STANDARD_NUMBER = {"type": "string", "description": "typed any way, e.g. GB/T 19001-2016 or gbt19001; "
                                                   "no year means the latest edition"}


class StandardsApi:
    # -- public -------------------------------------------------------------------------
    @http("GET", "/api/v1/standards")
    @documented("Search the standards catalogue by number or title words, best match first (public)",
                tags=["standards"],
                query=[("q", "a standard number (typed any way) or words of its title", True,
                        {"type": "string", "minLength": 1, "maxLength": 200}),
                       ("limit", "how many (default 20)", False, {"type": "integer", "minimum": 1, "maximum": 100})],
                responses={200: StandardSearchSchema}, errors=[422, *SERVICE])
    @json_endpoint
    def search_standards(self, request):
        query = SearchQuery().load(
            {name: request.args[name] for name in ("q", "limit") if name in request.args}
        )
        found = operators.command(self.services, "standards", "search", query["q"], query.get("limit") or 20)
        lang = request_language(request)
        return {
            **found,
            "results": [standard_view(standard, lang) for standard in found["results"]],
        }

    @http("GET", "/api/v1/standards/<path:number>")
    @documented("One standard: its state, editions and replacements (public)", tags=["standards"],
                path={"number": STANDARD_NUMBER}, responses={200: StandardSchema}, errors=[404, *SERVICE])
    @json_endpoint
    def standard(self, request, number):
        return standard_view(
            operators.command(self.services, "standards", "get_standard", number), request_language(request)
        )

    # -- administrators -----------------------------------------------------------------
    @http("POST", "/api/v1/standards")
    @documented("Add a standard to the catalogue (e.g. a new edition)", tags=["standards"], auth="bearer",
                body=AddStandardForm, responses={201: StandardSchema}, errors=[*BODY, *SIGNED_IN, 409, 422, *SERVICE])
    @json_endpoint
    def add_standard(self, request):
        require_operator(request, "standards")
        command = load_command(AddStandardForm, read_json_object(request), china_date(self.gateway.now()))
        return 201, standard_view(
            operators.command(self.services, "standards", "add_standard", command), request_language(request)
        )

    @http("POST", "/api/v1/standards/supersessions")
    @documented("Mark a standard superseded (naming its replacement) or withdrawn; its followers are told",
                tags=["standards"], auth="bearer", body=EndStandardForm, responses={200: StandardSchema}, errors=STEP)
    @json_endpoint
    def end_standard(self, request):
        """Mark a standard superseded (naming its replacement) or withdrawn."""
        require_operator(request, "standards")
        command = load_command(EndStandardForm, read_json_object(request), china_date(self.gateway.now()))
        return standard_view(
            operators.command(self.services, "standards", "end_standard", command), request_language(request)
        )

    # -- operators' cases ---------------------------------------------------------------
    @http("GET", CASES)
    @documented("A BZ case with the references it cites, as checked", tags=["standards"], auth="bearer",
                path={"code": REQUEST_CODE}, responses={200: StandardsCaseSchema},
                errors=[CODE, *SIGNED_IN, 404, *SERVICE])
    @json_endpoint
    def standards_case(self, request, code):
        return read_job(self.gateway, self.services, request, "standards", code)

    @http("POST", f"{CASES}/review")
    @documented("Decide a BZ02 self-declaration: approved, or changes_requested with comments",
                tags=["standards"], auth="bearer", path={"code": REQUEST_CODE}, body=ReviewDeclarationForm,
                body_required=False, responses={200: StandardsCaseSchema}, errors=[CODE, *STEP])
    @json_endpoint
    def review_declaration(self, request, code):
        return self._case_step(request, code, "review_declaration", ReviewDeclarationForm)

    @http("POST", f"{CASES}/answer")
    @documented("A written answer with attachments (BZ03/BZ04, or a BZ01 the catalogue could not answer)",
                tags=["standards"], auth="bearer", path={"code": REQUEST_CODE}, body=WrittenAnswerForm,
                body_required=False, responses={200: StandardsCaseSchema}, errors=[CODE, *STEP],
                description=ANSWER_FILES)
    @json_endpoint
    def answer_standards_question(self, request, code):
        return answer_in_writing(self.gateway, self.services, request, "standards", code, WrittenAnswerForm,
                                 sign=False)

    decline_standards_case = decline("standards", f"{CASES}/decline",
                                     "Decline a dispatched case before answering it: back to the station")

    def _case_step(self, request, code, method, form):
        require_operator(request, "standards")
        code = str(parse_code(code))  # a mistyped address is told before the body is read
        command = command_from(request, form, china_date(self.gateway.now()))
        return operators.command(self.services, "standards", method, code, command)
