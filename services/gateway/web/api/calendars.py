"""The working-day calendar: anyone reads a year; an admin loads a year's official
holiday schedule (each November, when the State Council publishes it), which moves the
due dates of open requests (calendars.py)."""

from ....common.repository import AlreadyExists, VersionConflict
from ...handlers.calendar import load_official_schedule
from ..apidoc import BODY, SIGNED_IN, documented
from ..errors import ApiError, json_endpoint, read_json_object, request_language
from ..schemas.calendar import (
    SCHEDULE_DOC,
    YEAR_PATH,
    CalendarYearSchema,
    LoadedCalendarSchema,
    check_year,
    official_schedule,
)
from ..server import http
from ..views import calendar_year_view
from .operators import require_admin

YEAR = "/api/v1/calendar/<int:year>"


class CalendarApi:
    @http("GET", YEAR)
    @documented("A year of the working-day calendar", tags=["calendar"], path={"year": YEAR_PATH},
                responses={200: CalendarYearSchema}, errors=[404, 422],
                description="Every day off of the year (weekends included) with its name, and every make-up "
                "working day, each with its `source`: `official` (the State Council's schedule, shipped or "
                "loaded) or `provisional` (computed from the statutory rules: in-lieu days for holidays on "
                "a weekend, no swapped working days) while the year's schedule is not loaded.")
    @json_endpoint
    def calendar_year(self, request, year):
        check_year(year)
        schedule = self.gateway.calendar.current().year(year)
        return CalendarYearSchema().dump(calendar_year_view(schedule, request_language(request)))

    @http("PUT", YEAR)
    @documented("Load a year's official holiday schedule (admins)", tags=["calendar"], auth="bearer",
                path={"year": YEAR_PATH}, body=SCHEDULE_DOC, responses={200: LoadedCalendarSchema},
                errors=[*BODY, *SIGNED_IN, 404, 409, 422],
                description="The State Council's 放假调休安排 for the year: `holidays` ({name: [dates]} or "
                "[{name, dates}], weekend days moved into a holiday in its block), `make_up_workdays` (调休上班, "
                "weekend days) and `source` (the notice). Checked as a whole (every date in the year, no date "
                "twice, no overlap, make-up days on weekends, every statutory holiday given). It replaces the "
                "year's provisional or earlier schedule; the due dates of open requests are recomputed and "
                "each one that moves gets a `due_date_changed` timeline entry (`moved`). Loading the same "
                "schedule again finishes a recompute that was interrupted.")
    @json_endpoint
    def load_calendar_year(self, request, year):
        principal = require_admin(request)
        check_year(year)
        gateway = self.gateway
        now = gateway.now()
        book = gateway.calendar
        schedule = official_schedule(year, read_json_object(request), book.statutory_days(year), principal.actor(),
                                     now)
        try:
            loaded = load_official_schedule(book, gateway.requests, schedule, principal.actor(), now,
                                            gateway.catalogue)
        except (AlreadyExists, VersionConflict) as exc:
            raise ApiError(409, "concurrent_change") from exc
        view = calendar_year_view(loaded["schedule"], request_language(request))
        return LoadedCalendarSchema().dump({**view, "moved": loaded["moved"]})
