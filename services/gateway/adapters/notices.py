"""Notices for enterprises (企业提醒), e.g. a standard they follow was superseded.

One document per (event, enterprise), keyed by both, so a redelivered event posts its
notice once. The tracking view shows an enterprise's notices beside any of its requests.
"""

from typing import Any

from ...common.repository import AlreadyExists


class NoticeBoard:
    def __init__(self, store: Any) -> None:
        self.store = store

    def ensure_indexes(self) -> None:
        self.store.ensure_indexes([("uscc", 1)])

    def post(self, event_id: str, uscc: str, notice: dict[str, Any]) -> bool:
        """False if this event's notice to this enterprise was posted already."""
        try:
            self.store.insert({"_id": f"{event_id}:{uscc}", "uscc": uscc, **notice})
            return True
        except AlreadyExists:
            return False

    def for_enterprise(self, uscc: str) -> list[dict[str, Any]]:
        return self._shown(self.store.find({"uscc": uscc}, sort=[("at", 1)]))

    def of_requests(self, uscc: str, codes: list[str]) -> list[dict[str, Any]]:
        """The enterprise's notices that came of these requests (e.g. the standard a BZ01
        request asked about was superseded)."""
        return self._shown(self.store.find({"uscc": uscc, "request_code": {"$in": list(codes)}}, sort=[("at", 1)]))

    @staticmethod
    def _shown(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {key: value for key, value in document.items() if key not in ("_id", "version")}
            for document in documents
        ]
