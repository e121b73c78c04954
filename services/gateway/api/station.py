"""The station's work (服务站): its queue, and accept / reject / 补正 / dispatch / reassign.

Staff act on their own station's requests only; managers read every station's; each
step names the version the person saw, so of two people acting at once one wins and
the other gets 409 with the request as it now is.
"""

from datetime import UTC, datetime

from marshmallow import ValidationError

from ...common.clock import china_date
from .. import handlers
from ..apidoc import documented
from ..auth import require_principal
from ..domain.access import ADMIN, MANAGER, STAFF, may_work_station, require
from ..domain.request_code import parse_code
from ..errors import ApiError, json_endpoint, read_json_object, request_language
from ..handlers import RequestNotFound
from ..reference import reference_data, working_calendar
from ..schemas import (
    STATION_STEP_SCHEMAS,
    QueueFiltersSchema,
    QueueSchema,
    StaffRequestViewSchema,
)
from ..views import queue_row, staff_view, station_summary
from ..web import http

QUEUE = "/api/v1/station/requests"
STEPS = {"accept": "accept", "reject": "reject", "request-material": "request_material",
         "dispatch": "dispatch", "reassign": "reassign"}


class StationApi:
    @http("GET", QUEUE)
    @documented(
        "A station's queue with filters and counts", tags=["station"], auth="bearer",
        query=[("station", "staff: their own (default); managers: any", False),
               ("status", "one status (default: every open status)", False),
               ("item", "catalogue code", False), ("domain", "domain service", False),
               ("due", "soon (due by the next working day) or overdue", False),
               ("limit", "page size, 1-500 (default 100)", False), ("offset", "rows to skip", False)],
        responses={200: QueueSchema}, errors=[400, 401, 403, 422],
    )
    @json_endpoint
    def station_queue(self, request):
        principal = require_principal(request)
        filters = QueueFiltersSchema().load(request.args.to_dict())
        return self.queue_for(principal, filters, request_language(request))

    @http("GET", f"{QUEUE}/<string:code>")
    @documented("One request with its audit trail, for the station", tags=["station"], auth="bearer",
                responses={200: StaffRequestViewSchema}, errors=[400, 401, 403, 404])
    @json_endpoint
    def station_request(self, request, code):
        principal = require_principal(request)
        found = self.requests.get(str(parse_code(code)))
        if found is None:
            raise RequestNotFound(code)
        require(may_work_station(principal, found.station, read_only=True))
        catalogue, stations = reference_data()
        return StaffRequestViewSchema().dump(staff_view(found, catalogue, stations, request_language(request)))

    @http("POST", f"{QUEUE}/<string:code>/<string:step>")
    @documented(
        "A station's step: accept, reject, request-material (补正), dispatch, reassign",
        tags=["station"], auth="bearer", body={"type": "object", "properties": {
            "version": {"type": "integer"}, "reason": {"type": "string"}, "note": {"type": "string"},
            "station": {"type": "string"}}, "required": ["version"]},
        responses={200: StaffRequestViewSchema}, errors=[400, 401, 403, 404, 409, 422],
        description="`version` is the version the person saw; 409 `stale_request` carries `current`.",
    )
    @json_endpoint
    def station_step(self, request, code, step):
        principal = require_principal(request)
        if step not in STEPS:
            raise ApiError(404, "not_found")
        command = STATION_STEP_SCHEMAS[step]().load(read_json_object(request))
        return StaffRequestViewSchema().dump(
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
            self.requests, station, catalogue, working_calendar(), china_date(datetime.now(UTC)),
            status=filters.get("status"), item=filters.get("item"), domain=filters.get("domain"),
            due=filters.get("due"), limit=limit, offset=offset,
        )
        return QueueSchema().dump({
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
        found = handlers.station_step(self.requests, str(parse_code(code)), principal, STEPS[step],
                                      command["version"], datetime.now(UTC), **params)
        self.relay.notify()
        catalogue, _ = reference_data()
        return staff_view(found, catalogue, stations, lang)
