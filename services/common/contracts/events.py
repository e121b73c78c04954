"""The cross-service events as values. Pure Python: domain models build and read them."""

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class Enterprise:
    """Who a request is for: its name and unified social credit code."""

    name: str
    uscc: str


@dataclass(frozen=True)
class RoutedRequest:
    """What the station's events about a dispatched request name alike: the request (its
    code and item), the domain service it is routed to (``<type>.<domain>``) and the
    station it is from."""

    SOURCE: ClassVar[str] = "gateway"

    code: str
    item: str
    domain: str
    station: str

    def as_data(self) -> dict[str, Any]:
        """The event's ``data``, as published."""
        return asdict(self)


@dataclass(frozen=True)
class DispatchedWork(RoutedRequest):
    """``gateway.request_dispatched``: the station hands a request to the domain service
    of its item (routed ``request_dispatched.<domain>``).

    ``dispatch`` counts the request's dispatches: work a service declined may be
    dispatched to it again, and the later dispatch opens the work afresh."""

    TYPE: ClassVar[str] = "request_dispatched"

    enterprise: Enterprise
    contact: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    dispatch: int = 1

    def job_fields(self) -> dict[str, Any]:
        """What every domain service's job keeps of the request it was opened for."""
        return {
            "request_code": self.code,
            "item": self.item,
            "station": self.station,
            "enterprise": asdict(self.enterprise),
            "contact": dict(self.contact),
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class Follower:
    """An enterprise following a standard, and the request that made it follow."""

    uscc: str
    name: str
    request_code: str | None = None


@dataclass(frozen=True)
class StandardEnded:
    """``standards.standard_superseded``: a catalogued standard was superseded (by
    ``replaced_by``) or withdrawn. The gateway tells its followers; testing and
    certification flag the open work and standing certificates that cite it."""

    TYPE: ClassVar[str] = "standard_superseded"
    SOURCE: ClassVar[str] = "standards"

    number: str
    status: str  # "superseded" or "withdrawn"
    on: str  # the day it ended, ISO
    title_zh: str | None = None
    title_en: str | None = None  # not every catalogued standard has an English title
    replaced_by: str | None = None
    followers: tuple[Follower, ...] = ()

    def as_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["followers"] = [asdict(follower) for follower in self.followers]
        return data


@dataclass(frozen=True)
class TerminatedWork(RoutedRequest):
    """``gateway.request_terminated``: the station ended a dispatched request before any
    document was issued (routed ``request_terminated.<domain>``, like the dispatch). The
    domain service stops the work of that ``dispatch`` unless it has issued what the work
    produces, and says which it did (``job_cancelled`` or ``job_not_cancelled``)."""

    TYPE: ClassVar[str] = "request_terminated"

    reason: str
    terminated_at: str
    dispatch: int = 1
