"""The service catalogue and the stations, read from data (DESIGN §3: data, not code).

Adding a service item is an edit of ``gateway/data/catalogue.json``: the form's
validation (``gateway/schemas.py``) and pages are built from it.
"""

from dataclasses import asdict, dataclass
from typing import Any

LANGUAGES = ("zh-CN", "en")
DOMAINS = ("metrology", "standards", "certification", "testing")


# eq=False: items are compared (and cached) by identity; their fields hold dicts.
@dataclass(frozen=True, eq=False)
class Item:
    code: str
    domain: str
    committed_days: int
    name: dict[str, str]  # language -> text
    description: dict[str, str]
    materials: tuple[dict[str, str], ...]  # each: language -> text
    fields: tuple[dict[str, Any], ...]  # the form's fields (name, type, label, ...)

    def as_dict(self) -> dict[str, Any]:
        """The item as the catalogue's data has it (lists where the item keeps tuples)."""
        return {**asdict(self), "materials": list(self.materials), "fields": list(self.fields)}


class UnknownItem(LookupError):
    """A request names an item the catalogue no longer has."""


class Catalogue:
    def __init__(self, data: dict[str, Any]) -> None:
        self.domains: dict[str, dict[str, Any]] = {domain["code"]: domain for domain in data["domains"]}
        self.items: dict[str, Item] = {raw["code"]: _item(raw) for raw in data["items"]}
        unknown = {item.domain for item in self.items.values()} - set(DOMAINS)
        if unknown or set(self.domains) - set(DOMAINS):
            raise ValueError(f"catalogue names unknown domains: {sorted(unknown)}")

    def item(self, code: str) -> Item | None:
        """The item with this code, or None."""
        return self.items.get(code)

    def committed_days(self, code: str) -> int:
        """The working days committed for an item that requests carry. An item dropped from
        the catalogue keeps the days of the day it was dropped only in a release's history,
        so requests of it are an error of the data, told by name."""
        item = self.items.get(code)
        if item is None:
            raise UnknownItem(code)
        return item.committed_days

    def known(self, code: str) -> Item:
        """The item of a stored request or group (see :meth:`committed_days`)."""
        item = self.items.get(code)
        if item is None:
            raise UnknownItem(code)
        return item

    def as_dict(self) -> dict[str, Any]:
        return {
            "domains": list(self.domains.values()),
            "items": [item.as_dict() for item in self.items.values()],
        }


class Stations:
    def __init__(self, data: dict[str, Any]) -> None:
        self.by_division: dict[str, dict[str, Any]] = {station["division"]: station for station in data["stations"]}

    def get(self, division: str) -> dict[str, Any] | None:
        return self.by_division.get(division)


def _item(raw: dict[str, Any]) -> Item:
    return Item(
        code=raw["code"],
        domain=raw["domain"],
        committed_days=int(raw["committed_days"]),
        name=raw["name"],
        description=raw["description"],
        materials=tuple(raw["materials"]),
        fields=tuple(raw["fields"]),
    )
