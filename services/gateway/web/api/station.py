"""The station's work (服务站): its queue, and accept / reject / 补正 / dispatch / reassign.

Staff act on their own station's requests only; managers read every station's; each
step names the version the person saw, so of two people acting at once one wins and
the other gets 409 with the request as it now is.
"""

from datetime import UTC, datetime

from marshmallow import ValidationError

from ....common.clock import china_date
from ...bootstrap import reference_data
from ...domain.access import ADMIN, MANAGER, STAFF, may_work_station, require
from ...domain.catalogue import DOMAINS
from ...domain.request_code import parse_code
from ...handlers import intake as handlers
from ...handlers.intake import RequestNotFound
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
from ..views import queue_row, staff_view, station_summary

QUEUE = "/api/v1/station/requests"
STEPS = {"accept": "accept", "reject": "reject", "request-material": "request_material",
         "dispatch": "dispatch", "reassign": "reassign", "answer-rectification": "answer_rectification"}


class StationApi:
    @http("GET", QUEUE)
    @documented(
        "A station's queue with filters and counts", tags=["station"], auth="bearer",
        query=[("station", "staff: their own (default); managers: any", False, {"type": "string", "maxLength": 6}),
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
        return self.queue_for(principal, filters, request_language(request))

    @http("GET", f"{QUEUE}/<string:code>")
    @documented("One request with its audit trail, for the station", tags=["station"], auth="bearer",
                path={"code": REQUEST_CODE}, responses={200: StaffRequestViewSchema},
                errors=[CODE, *SIGNED_IN, 404])
    @json_endpoint
    def station_request(self, request, code):
        principal = require_principal(request)
        found = self.requests.get_or_none(str(parse_code(code)))
        if found is None:
            raise RequestNotFound(code)
        require(may_work_station(principal, found.station, read_only=True))
        catalogue, stations = reference_data()
        return STAFF_REQUEST_VIEW.dump(staff_view(found, catalogue, stations, request_language(request),
                                                  calendar=self.current_calendar()))

    @http("POST", f"{QUEUE}/<string:code>/<string:step>")
    @documented(
        "A station's step: accept, reject, request-material (补正), dispatch, reassign, answer-rectification",
        tags=["station"], auth="bearer", body={"type": "object", "properties": {
            "version": {"type": "integer"}, "reason": {"type": "string"}, "note": {"type": "string"},
            "station": {"type": "string"}, "answer": {"type": "string"}}, "required": ["version"]},
        path={"code": REQUEST_CODE, "step": one_of(*STEPS)},
        responses={200: StaffRequestViewSchema}, errors=[*BODY, *SIGNED_IN, 404, 409, 422],
        description="`version` is the version the person saw; 409 `stale_request` carries `current`. "
        "`answer-rectification` answers a rating of 1-2 (整改) with `answer`; the enterprise reads it.",
    )
    @json_endpoint
    def station_step(self, request, code, step):
        principal = require_principal(request)
        if step not in STEPS:
            raise ApiError(404, "not_found")
        command = STATION_STEP_SCHEMAS[step].load(read_json_object(request))
        return STAFF_REQUEST_VIEW.dump(
            self.take_station_step(principal, code, step, command, request_language(request)))

    # shared with the console
    def queue_for(self, principal, filters, lang):
        require(principal.role in (STAFF, MANAGER, ADMIN))  # operators work jobs, not queues
        catalogue, stations = reference_data()
        station = filters.get("station") or principal.station
        if station is None or stations.get(station) is None:
            raise ValidationError({"station": ["unknown_station" if station else "required"]})
        require(may_work_station(principal, station, read_only=True))
        limit, offset = filters.get("limit") or 100, filters.get("offset") or 0
        rows, total, counts = handlers.station_queue(
            self.requests, station, catalogue, self.current_calendar(), china_date(datetime.now(UTC)),
            status=filters.get("status"), item=filters.get("item"), domain=filters.get("domain"),
            due=filters.get("due"), limit=limit, offset=offset,
        )
        return QUEUE_VIEW.dump({
            "station": station_summary(stations.get(station), lang),
            "counts": counts,
            "total": total,
            "offset": offset,
            "limit": limit,
            "requests": [queue_row(*row, catalogue, lang) for row in rows],
        })

    def take_station_step(self, principal, code, step, command, lang):
        _, stations = reference_data()
        if step == "reassign" and stations.get(command["station"]) is None:
            raise ValidationError({"station": ["unknown_station"]})
        params = {key: value for key, value in command.items() if key != "version"}
        now = datetime.now(UTC)
        found = handlers.station_step(self.requests, str(parse_code(code)), principal, STEPS[step],
                                      command["version"], now, **params)
        catalogue, _ = reference_data()
        return staff_view(found, catalogue, stations, lang, calendar=self.current_calendar(), today=china_date(now))
