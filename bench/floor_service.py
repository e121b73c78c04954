"""The floor the intake benchmark compares with, beside the ceiling: a bare nameko ``@http``
endpoint that does the least DESIGN §6 lets a submission cost. It stores the request with
its event in the document's outbox (an insert into the same nx-27017 the platform uses),
publishes that event with publisher confirms (nameko's EventDispatcher, like the
ceiling), and answers 201.

It does less than any correct intake: no validation, no request code, no trace, and the
event is never taken out of the outbox afterwards. So the floor's share of the ceiling
bounds the share intake can reach on this machine and store.

``FLOOR_GROUP_COMMIT=1`` stores the requests that arrive together with one
``insert_many`` (group commit): nx-27017 spends a third as much per document that way, so
this variant bounds an intake that batched its writes too."""

import json
import os
import uuid
from datetime import UTC, datetime

import eventlet
from eventlet.event import Event
from eventlet.queue import LightQueue
from nameko.events import EventDispatcher
from nameko.extensions import DependencyProvider
from nameko.web.handlers import http

from services.common.mongo import MongoDatabase

GROUP_COMMIT = os.environ.get("FLOOR_GROUP_COMMIT") == "1"


class GroupInsert(DependencyProvider):
    """``insert(collection, document)``, which waits until one writer thread has stored the
    document together with every other document waiting at that moment."""

    def setup(self):
        self.waiting = LightQueue()
        self.writer = None

    def start(self):
        self.writer = eventlet.spawn(self._write_continually)

    def stop(self):
        if self.writer is not None:
            self.writer.kill()

    def get_dependency(self, worker_ctx):
        return self.insert

    def insert(self, collection, document):
        stored = Event()
        self.waiting.put((collection, document, stored))
        stored.wait()

    def _write_continually(self):
        while True:
            batch = [self.waiting.get()]
            while not self.waiting.empty():
                batch.append(self.waiting.get_nowait())
            try:
                batch[0][0].insert_many([document for _, document, _ in batch], ordered=False)
            except Exception as exc:  # every waiter answers with the failure
                for _, _, stored in batch:
                    stored.send_exception(exc)
            else:
                for _, _, stored in batch:
                    stored.send(None)


class FloorService:
    name = "floor"

    database = MongoDatabase()
    dispatch = EventDispatcher()
    group_insert = GroupInsert()

    @http("POST", "/api/v1/requests")
    def submit(self, request):
        body = json.loads(request.get_data() or b"{}")
        event = {"event_id": str(uuid.uuid4()), "type": "floor.request_submitted",
                 "occurred_at": datetime.now(UTC).isoformat(), "data": {"size": len(body)}}
        document = {"_id": event["event_id"], "form": body, "outbox": [event]}
        if GROUP_COMMIT:
            self.group_insert(self.database.requests, document)
        else:
            self.database.requests.insert_one(document)
        self.dispatch("request_submitted", event)
        return 201, json.dumps({"status": "submitted"})
