"""Who follows which standard (标准跟踪): enterprises that declared or asked about it.

One small document per (standard, enterprise), keyed by both, so following twice is
the same as following once and two cases never contend for one document.
"""

from datetime import datetime
from typing import Any

from ...common.contracts import Enterprise, Follower
from ...common.repository import AlreadyExists


class FollowRegistry:
    def __init__(self, store: Any) -> None:
        self.store = store

    def ensure_indexes(self) -> None:
        self.store.ensure_indexes([("number", 1)], [("uscc", 1)])

    def follow(self, number: str, enterprise: Enterprise, request_code: str, now: datetime) -> None:
        document = {
            "_id": f"{number}|{enterprise.uscc}",
            "number": number,
            "uscc": enterprise.uscc,
            "name": enterprise.name,
            "request_code": request_code,
            "since": now.isoformat(),
        }
        try:
            self.store.insert(document)
        except AlreadyExists:
            pass  # already following; the first request that led to it is kept

    def followers(self, number: str) -> tuple[Follower, ...]:
        return tuple(
            Follower(document["uscc"], document["name"], document["request_code"])
            for document in self.store.find({"number": number}, sort=[("since", 1)])
        )

    def of_enterprise(self, uscc: str) -> list[dict[str, Any]]:
        """What an enterprise follows: each standard's number, since when, and the request
        that led to it, the latest first."""
        return [{key: document[key] for key in ("number", "since", "request_code")}
                for document in self.store.find({"uscc": uscc}, sort=[("since", -1)])]

    def unfollow(self, number: str, uscc: str) -> bool:
        """The enterprise no longer follows the standard (a later request citing it
        follows it again); False if it did not."""
        return bool(self.store.delete(f"{number}|{uscc}"))
