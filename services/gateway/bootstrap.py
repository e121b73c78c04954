"""The gateway's reference data: the catalogue and the stations, read once from data files,
and the built-in official holiday schedules.

The built-in schedules are the shipped State Council schedules
(``data/cn-public-holidays.json``) unless ``WORKING_CALENDAR`` names a file of the same
format. The running services do not read the calendar from here alone: schedules an
admin loads later are in the database, and years without an official schedule are
provisional (``calendars.py`` puts them together and reads them again while running).
"""

import json
from functools import cache
from importlib import resources
from pathlib import Path

from ..common.config import setting
from .adapters.statutory_holidays import provisional_year
from .domain.calendar import WorkingCalendar, schedules_from_file
from .domain.catalogue import Catalogue, Stations


def _load(name):
    return json.loads((resources.files("services.gateway") / "data" / name).read_text(encoding="utf-8"))


@cache
def reference_data():
    return Catalogue(_load("catalogue.json")), Stations(_load("stations.json"))


SHIPPED_CALENDAR = "builtin"


@cache
def builtin_schedules():
    """The official year schedules that come with the release (or WORKING_CALENDAR's file)."""
    return tuple(schedules_from_file(holiday_schedule(setting("WORKING_CALENDAR"))))


@cache
def working_calendar():
    """The built-in official years and provisional ones for the rest, without the
    schedules loaded into a database: for tests, benchmarks and scripts. The services
    read ``calendars.book_of(database).current()``."""
    return WorkingCalendar(builtin_schedules(), provisional_year)


def holiday_schedule(source):
    if source == SHIPPED_CALENDAR:
        return _load("cn-public-holidays.json")
    return json.loads(Path(source).read_text(encoding="utf-8"))
