"""Transactional outbox: a state change and the events it announces are one write.

An aggregate's document carries its own outbox::

    {"_id": ..., "version": 7, ...state...,
     "outbox": [{"envelope": {...}, "sent": false}, ...],
     "outbox_pending": 1}

Repositories put new envelopes in with :func:`add_to_outbox` inside the same
single-document write as the state change (nx-27017 offers no isolated transactions,
so one document is the unit of atomicity). :class:`OutboxRelay` then publishes the
unsent envelopes with publisher confirms and marks them sent only after the broker
has confirmed them. A crash in between re-publishes on the next sweep; consumers are
idempotent on ``event_id``, so at-least-once delivery is safe.
"""

import logging
import time
import uuid
from datetime import datetime

import eventlet
from eventlet.queue import Empty, Full, LightQueue
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange
from pymongo import UpdateOne

from . import metrics, tracing
from .config import database_name, setting
from .envelope import InvalidEnvelope, routing_key, validate_envelope
from .mongo import connect

log = logging.getLogger(__name__)

PENDING_FIELD = "outbox_pending"
CLAIM_FIELD = "outbox_claimed_until"
CLAIMED_BY_FIELD = "outbox_claimed_by"  # the sweep that holds the claim: it reads back what it won


def count_unsent(outbox):
    # A count, not a boolean: nx-27017 stores booleans written by $set as 0/1.
    return sum(1 for entry in outbox if not entry["sent"])


def add_to_outbox(document, envelopes):
    """Append envelopes to a document's outbox (in memory; the caller writes the document)."""
    outbox = document.setdefault("outbox", [])
    outbox.extend({"envelope": envelope, "sent": False} for envelope in envelopes)
    document[PENDING_FIELD] = count_unsent(outbox)
    document.setdefault(CLAIM_FIELD, 0)
    return document


class OutboxRelay(DependencyProvider):
    """Publishes what the service's aggregates put in their outboxes.

    Runs one green thread per container. Handlers call ``relay.notify()`` after a
    write so new events go out at once; a sweep every ``interval`` seconds catches
    anything left behind (a crash between write and publish, a broker outage, a
    consumer queue that did not exist yet). Several replicas may run: a short claim
    on each document keeps two relays from publishing the same events at once.
    """

    def __init__(self, collections, interval=1.0, batch_size=200, claim_seconds=10, on_confirmed=None):
        self.collection_names = tuple(collections)
        self.interval = interval
        self.batch_size = batch_size
        self.claim_seconds = claim_seconds
        # on_confirmed(database, envelopes): run after a batch is confirmed and before it
        # is marked sent, so a failure there publishes the batch again (at least once).
        self.on_confirmed = on_confirmed
        self._wakeup = LightQueue(maxsize=1)
        self._running = False

    # -- nameko lifecycle -------------------------------------------------------------
    def setup(self):
        service_name = self.container.service_name
        # nameko's own "<service>.events" topic exchange, so nameko tools see our events.
        self.exchange = get_event_exchange(service_name)
        self.publisher = Publisher(
            setting("AMQP_URI"),
            use_confirms=True,
            # Unroutable means "no queue yet": keep the event and try again later.
            mandatory=True,
            serializer="json",
            declare=[self.exchange],
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )
        self.client = connect()
        self.database = self.client[database_name(service_name)]

    def start(self):
        self._running = True
        self.container.spawn_managed_thread(self._run, identifier="outbox_relay")

    def stop(self):
        self._running = False
        self.notify()

    def kill(self):
        self._running = False
        self.notify()

    def get_dependency(self, worker_ctx):
        return self

    # -- public -----------------------------------------------------------------------
    def notify(self):
        """Wake the relay: something was just written to an outbox."""
        try:
            self._wakeup.put_nowait(True)
        except Full:
            pass

    def relay_pending(self):
        """Publish every pending envelope once; returns how many were confirmed."""
        return sum(self._relay_batch(self.database[name]) for name in self.collection_names)

    def backlog(self, limit=1000):
        """(events not yet confirmed, age in seconds of the oldest of them or 0), looking
        at no more than ``limit`` documents per collection: the lag of this relay."""
        pending, oldest = 0, None
        for name in self.collection_names:
            documents = self.database[name].find(
                {PENDING_FIELD: {"$gt": 0}}, {"outbox": 1}, limit=limit
            )
            for document in documents:
                for entry in document.get("outbox", []):
                    if not entry["sent"]:
                        pending += 1
                        at = datetime.fromisoformat(entry["envelope"]["occurred_at"]).timestamp()
                        oldest = at if oldest is None else min(oldest, at)
        return pending, (max(time.time() - oldest, 0.0) if oldest is not None else 0.0)

    # -- internals --------------------------------------------------------------------
    def _run(self):
        failures = 0
        while self._running:
            try:
                self._wakeup.get(timeout=self.interval)
            except Empty:
                pass
            if not self._running:
                break
            try:
                with tracing.untraced():
                    self.relay_pending()
                failures = 0
            except Exception:  # noqa: BLE001 - the relay must outlive any one failure
                failures += 1
                log.warning("outbox relay failed; retrying", exc_info=True)
                eventlet.sleep(min(0.5 * 2**failures, 10))

    def _relay_batch(self, collection):
        """Claim up to ``batch_size`` pending documents, publish their events, mark them
        sent: four round trips to the store for the batch, not two per document (the
        relay was the gateway's largest cost after an intake burst)."""
        # Epoch seconds, not ISO text: nx-27017 reads ISO-looking strings as dates and
        # then will not compare them with other strings.
        now = time.time()
        claimable = {PENDING_FIELD: {"$gt": 0}, CLAIM_FIELD: {"$lt": now}}
        ids = [document["_id"] for document in collection.find(claimable, {"_id": 1}, limit=self.batch_size)]
        if not ids:
            return 0
        sweep = uuid.uuid4().hex
        collection.update_many({"_id": {"$in": ids}, **claimable},
                               {"$set": {CLAIM_FIELD: now + self.claim_seconds, CLAIMED_BY_FIELD: sweep}})
        claimed = list(collection.find({"_id": {"$in": ids}, CLAIMED_BY_FIELD: sweep}, {"outbox": 1, "version": 1}))
        confirmed = []
        published = [(document, self._publish_unsent(document, confirmed)) for document in claimed]
        if confirmed and self.on_confirmed is not None:
            self.on_confirmed(self.database, confirmed)
        self._mark_all_sent(collection, published)
        return sum(len(sent_ids) for _, sent_ids in published)

    def _publish_unsent(self, document, confirmed):
        """Publish a claimed document's unsent envelopes in order, appending each one the
        broker confirmed to ``confirmed``; the ids to mark sent."""
        sent_ids = set()
        for entry in document.get("outbox", []):
            if entry["sent"]:
                continue
            envelope = entry["envelope"]
            try:
                self._publish(envelope)
                confirmed.append(envelope)
            except UndeliverableMessage:
                log.warning(
                    "no queue is bound for %s yet; it stays in the outbox", routing_key(envelope)
                )
                break  # keep the order of this document's events
            except InvalidEnvelope:
                log.error("dropping malformed envelope from outbox: %r", envelope)
            sent_ids.add(envelope["event_id"])
        return sent_ids

    def _mark_all_sent(self, collection, published):
        """One bulk write marking every claimed document as it was claimed; a document
        changed since (its version moved) is read again and marked on its own."""
        if not published:
            return
        collection.bulk_write([
            UpdateOne({"_id": document["_id"], "version": document.get("version")},
                      {"$set": _marked(document.get("outbox", []), sent_ids)})
            for document, sent_ids in published
        ], ordered=False)
        sent_by_id = {document["_id"]: sent_ids for document, sent_ids in published if sent_ids}
        if not sent_by_id:
            return
        for document in collection.find({"_id": {"$in": list(sent_by_id)}, PENDING_FIELD: {"$gt": 0}},
                                        {"outbox": 1}):
            unsent = {entry["envelope"]["event_id"] for entry in document.get("outbox", []) if not entry["sent"]}
            if unsent & sent_by_id[document["_id"]]:
                self._mark_sent(collection, document["_id"], sent_by_id[document["_id"]])

    def _publish(self, envelope):
        envelope = validate_envelope(envelope)
        key = routing_key(envelope)
        # The AMQP headers carry the envelope's trace on (see tracing.publishing).
        with tracing.publishing(envelope, self.exchange.name, key) as headers:
            self.publisher.publish(envelope, exchange=self.exchange, routing_key=key, headers=headers)
        metrics.event_published(envelope)

    def _mark_sent(self, collection, document_id, sent_ids, attempts=5):
        """Flag confirmed envelopes of one document as sent and release the claim.

        The write is conditional on the document's version so a concurrent state change
        is never overwritten; on a conflict the document is re-read and marked again.
        """
        document = None
        for _ in range(attempts):
            if document is None:
                document = collection.find_one({"_id": document_id}, {"outbox": 1, "version": 1})
                if document is None:
                    return
            result = collection.update_one(
                {"_id": document_id, "version": document.get("version")},
                {"$set": _marked(document.get("outbox", []), sent_ids)},
            )
            if result.matched_count:
                return
            document = None  # changed since: read it again
        log.warning("could not mark outbox of %s; its events will be sent again", document_id)


def _marked(outbox, sent_ids):
    """The fields that flag ``sent_ids`` as sent and release the claim."""
    outbox = [{**entry, "sent": entry["sent"] or entry["envelope"]["event_id"] in sent_ids} for entry in outbox]
    return {"outbox": outbox, PENDING_FIELD: count_unsent(outbox), CLAIM_FIELD: 0, CLAIMED_BY_FIELD: None}
