"""The service catalogue and the stations, read from data (DESIGN §3: data, not code).

Adding a service item is an edit of ``gateway/data/catalogue.json``: the form's
validation (``gateway/schemas.py``) and pages are built from it.
"""

from dataclasses import dataclass

LANGUAGES = ("zh-CN", "en")
DOMAINS = ("metrology", "standards", "certification", "testing")


# eq=False: items are compared (and cached) by identity; their fields hold dicts.
@dataclass(frozen=True, eq=False)
class Item:
    code: str
    domain: str
    committed_days: int
    name: dict
    description: dict
    materials: tuple
    fields: tuple

    def as_dict(self):
        return {
            "code": self.code,
            "domain": self.domain,
            "committed_days": self.committed_days,
            "name": self.name,
            "description": self.description,
            "materials": list(self.materials),
            "fields": list(self.fields),
        }


class Catalogue:
    def __init__(self, data):
        self.domains = {domain["code"]: domain for domain in data["domains"]}
        self.items = {raw["code"]: _item(raw) for raw in data["items"]}
        unknown = {item.domain for item in self.items.values()} - set(DOMAINS)
        if unknown or set(self.domains) - set(DOMAINS):
            raise ValueError(f"catalogue names unknown domains: {sorted(unknown)}")

    def item(self, code):
        """The item with this code, or None."""
        return self.items.get(code)

    def as_dict(self):
        return {
            "domains": list(self.domains.values()),
            "items": [item.as_dict() for item in self.items.values()],
        }


class Stations:
    def __init__(self, data):
        self.by_division = {station["division"]: station for station in data["stations"]}

    def get(self, division):
        return self.by_division.get(division)


def _item(raw):
    return Item(
        code=raw["code"],
        domain=raw["domain"],
        committed_days=int(raw["committed_days"]),
        name=raw["name"],
        description=raw["description"],
        materials=tuple(raw["materials"]),
        fields=tuple(raw["fields"]),
    )
