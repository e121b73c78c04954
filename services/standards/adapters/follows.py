"""Who follows which standard (标准跟踪): enterprises that declared or asked about it.

One small document per (standard, enterprise), keyed by both, so following twice is
the same as following once and two cases never contend for one document.
"""

from ...common.contracts import Follower
from ...common.repository import AlreadyExists


class FollowRegistry:
    def __init__(self, store):
        self.store = store

    def ensure_indexes(self):
        self.store.ensure_indexes([("number", 1)])

    def follow(self, number, enterprise, request_code, now):
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

    def followers(self, number):
        return tuple(
            Follower(document["uscc"], document["name"], document["request_code"])
            for document in self.store.find({"number": number}, sort=[("since", 1)])
        )
