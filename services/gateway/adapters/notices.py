"""Notices for enterprises (企业提醒), e.g. a standard they follow was superseded.

One document per (event, enterprise), keyed by both, so a redelivered event posts its
notice once. The tracking view shows an enterprise's notices beside any of its requests.
"""

from ...common.repository import AlreadyExists


class NoticeBoard:
    def __init__(self, store):
        self.store = store

    def ensure_indexes(self):
        self.store.ensure_indexes([("uscc", 1)])

    def post(self, event_id, uscc, notice):
        """False if this event's notice to this enterprise was posted already."""
        try:
            self.store.insert({"_id": f"{event_id}:{uscc}", "uscc": uscc, **notice})
            return True
        except AlreadyExists:
            return False

    def for_enterprise(self, uscc):
        documents = self.store.find({"uscc": uscc}, sort=[("at", 1)])
        return [
            {key: value for key, value in document.items() if key not in ("_id", "version")}
            for document in documents
        ]
