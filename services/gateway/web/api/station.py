"""The station's work (服务站): its queue, and accept / reject / 补正 / dispatch / reassign /
terminate.

Staff act on their own station's requests only; managers read every station's; each
step names the version the person saw, so of two people acting at once one wins and
the other gets 409 with the request as it now is.
"""

from ...domain.catalogue import DOMAINS
from ...handlers import notifications, station
from ..apidoc import BODY, CODE, REQUEST_CODE, SIGNED_IN, documented, one_of
from ..auth import require_principal
from ..errors import ApiError, json_endpoint, read_json_object, request_language
from ..schemas.intake import (
    QUEUE_DUE,
    QUEUE_FILTERS,
    QUEUE_STATUSES,
    QUEUE_VIEW,
    STAFF_REQUEST_VIEW,
    STATION_STEP_SCHEMAS,
    QueueSchema,
    StaffRequestViewSchema,
)
from ..server import http
from ..views import Reader, queue_view, staff_view

QUEUE = "/api/v1/station/requests"
STEPS = {"accept": "accept", "reject": "reject", "request-material": "request_material",
         "dispatch": "dispatch", "reassign": "reassign", "answer-rectification": "answer_rectification",
         "terminate": "terminate"}


class StationApi:
    @http("GET", QUEUE)
    @documented(
        "A station's queue with filters and counts", tags=["station"], auth="bearer",
        query=[("station", "staff: their own (default); managers and admins: any, or every station when none "
                "is named", False, {"type": "string", "maxLength": 6}),
               ("status", "one status (default: every open status)", False, one_of(*QUEUE_STATUSES)),
               ("item", "catalogue code", False, {"type": "string", "maxLength": 10}),
               ("domain", "domain service", False, one_of(*DOMAINS)),
               ("due", "soon (due by the next working day) or overdue", False, one_of(*QUEUE_DUE)),
               ("limit", "page size (default 100)", False, {"type": "integer", "minimum": 1, "maximum": 500}),
               ("offset", "rows to skip", False, {"type": "integer", "minimum": 0, "maximum": 10**6})],
        responses={200: QueueSchema}, errors=[*SIGNED_IN, 422],
    )
    @json_endpoint
    def station_queue(self, request):
        principal = require_principal(request)
        filters = QUEUE_FILTERS.load(request.args.to_dict())
        reader = Reader.of(self.gateway, request_language(request))
        queue = station.queue(self.gateway.requests, reader.catalogue, reader.stations, reader.calendar, principal,
                              filters, reader.today)
        return QUEUE_VIEW.dump(queue_view(queue, reader))

    @http("GET", f"{QUEUE}/<string:code>")
    @documented("One request with its audit trail, for the station", tags=["station"], auth="bearer",
                path={"code": REQUEST_CODE}, responses={200: StaffRequestViewSchema},
                errors=[CODE, *SIGNED_IN, 404])
    @json_endpoint
    def station_request(self, request, code):
        found = station.request_for_staff(self.gateway.requests, require_principal(request), code)
        view = staff_view(found, Reader.of(self.gateway, request_language(request)))
        view["notifications"] = notifications.of_request(self.gateway.deliveries, found.code)
        return STAFF_REQUEST_VIEW.dump(view)

    @http("POST", f"{QUEUE}/<string:code>/<string:step>")
    @documented(
        "A station's step: accept, reject, request-material (补正), dispatch, reassign, answer-rectification, "
        "terminate",
        tags=["station"], auth="bearer", body={"type": "object", "properties": {
            "version": {"type": "integer"}, "reason": {"type": "string"}, "note": {"type": "string"},
            "station": {"type": "string"}, "answer": {"type": "string"}}, "required": ["version"]},
        path={"code": REQUEST_CODE, "step": one_of(*STEPS)},
        responses={200: StaffRequestViewSchema}, errors=[*BODY, *SIGNED_IN, 404, 409, 422],
        description="`version` is the version the person saw; 409 `stale_request` carries `current`. "
        "`reject` (不予受理, with `reason`) is allowed on a submitted request and on an accepted one before "
        "dispatch. `terminate` (终止, with `reason`) ends a dispatched request before any document is issued "
        "(409 `document_issued` after): the request becomes `terminated` (已终止), its clock stops (a "
        "terminated request is never late), and its domain service is told (`gateway.request_terminated`, "
        "routed to it) and stops its job, case or application, which its timeline then shows "
        "(`job_cancelled`). `answer-rectification` answers a rating of 1-2 (整改) with `answer`; the "
        "enterprise reads it.",
    )
    @json_endpoint
    def station_step(self, request, code, step):
        principal = require_principal(request)
        if step not in STEPS:
            raise ApiError(404, "not_found")
        command = STATION_STEP_SCHEMAS[step].load(read_json_object(request))
        gateway = self.gateway
        found = station.take_step(gateway.requests, gateway.stations, principal, code, STEPS[step], command,
                                  gateway.now())
        return STAFF_REQUEST_VIEW.dump(staff_view(found, Reader.of(gateway, request_language(request))))
