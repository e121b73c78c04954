"""The gateway's reference data: the catalogue and the stations, read once from data files.

The working-day calendar is the shipped holiday schedule (``data/cn-public-holidays.json``)
unless ``WORKING_CALENDAR`` names a file of the same format, so next year's schedule,
published each November, can be put in place without a new release.
"""

import json
from functools import cache
from importlib import resources
from pathlib import Path

from ..common.config import setting
from .domain.calendar import WorkingCalendar
from .domain.catalogue import Catalogue, Stations


def _load(name):
    return json.loads((resources.files("services.gateway") / "data" / name).read_text(encoding="utf-8"))


@cache
def reference_data():
    return Catalogue(_load("catalogue.json")), Stations(_load("stations.json"))


SHIPPED_CALENDAR = "builtin"


@cache
def working_calendar():
    return WorkingCalendar.from_schedule(holiday_schedule(setting("WORKING_CALENDAR")))


def holiday_schedule(source):
    if source == SHIPPED_CALENDAR:
        return _load("cn-public-holidays.json")
    return json.loads(Path(source).read_text(encoding="utf-8"))
