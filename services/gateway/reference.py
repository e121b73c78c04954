"""The gateway's reference data: the catalogue and the stations, read once from data files."""

import json
from functools import cache
from importlib import resources

from .domain.calendar import WorkingCalendar
from .domain.catalogue import Catalogue, Stations


def _load(name):
    return json.loads((resources.files("services.gateway") / "data" / name).read_text(encoding="utf-8"))


@cache
def reference_data():
    return Catalogue(_load("catalogue.json")), Stations(_load("stations.json"))


@cache
def working_calendar():
    return WorkingCalendar.from_schedule(_load("cn-public-holidays.json"))
