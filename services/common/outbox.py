"""Transactional outbox: a state change and the events it announces are one write.

An aggregate's document carries its own outbox of events not yet confirmed by the
broker::

    {"_id": ..., "version": 7, ...state...,
     "outbox": [{"envelope": {...}, "sent": false}, ...],
     "outbox_pending": 1, "outbox_claimed_until": 1796287781.2, "outbox_claimed_by": "<relay>"}

Repositories put new envelopes in with :func:`add_to_outbox` inside the same
single-document write as the state change (nx-27017 offers no isolated transactions,
so one document is the unit of atomicity). The write also claims the document for the
relay of the process that wrote it (``WRITE_CLAIM_SECONDS``) and hands it over
(:func:`hand_over`): :class:`OutboxRelay` publishes it from memory at once, with
publisher confirms, and takes the events out of the outbox only after the broker has
confirmed them. Should that process die first, the claim runs out and any replica's
sweep publishes the events. A crash between confirm and mark publishes again;
consumers are idempotent on ``event_id``, so at-least-once delivery is safe.
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
CLAIMED_BY_FIELD = "outbox_claimed_by"  # the relay or sweep that holds the claim
# A write claims its document for the relays of this process, so they publish it without
# first claiming it (a second write of the document) and reading it back.
WRITTEN_HERE = f"writer-{uuid.uuid4().hex}"
WRITE_CLAIM_SECONDS = 10  # then a sweep anywhere takes over: the writer may have died
PUBLISHERS = 8  # documents published at once; kombu pools 10 producers per broker
HANDING_ON = 2  # confirmed batches handed on and marked sent at once behind the publishing


def add_to_outbox(document, envelopes):
    """Append envelopes to a document's outbox (in memory; the caller writes the
    document), dropping entries marked sent by an earlier release, and claim it for this
    process's relay while any event waits."""
    outbox = [entry for entry in document.get("outbox", []) if not entry["sent"]]
    outbox.extend({"envelope": envelope, "sent": False} for envelope in envelopes)
    document["outbox"] = outbox
    document[PENDING_FIELD] = len(outbox)
    if outbox:
        document[CLAIM_FIELD], document[CLAIMED_BY_FIELD] = time.time() + WRITE_CLAIM_SECONDS, WRITTEN_HERE
    else:
        document[CLAIM_FIELD], document[CLAIMED_BY_FIELD] = 0, None
    return document


AS_CLAIMED = {"outbox": 1, "version": 1, PENDING_FIELD: 1}  # what marking a claimed document needs

# The relay of this process for each collection it publishes (by full name, "db.coll"),
# so a store's write can hand its document over without the relay reading it back.
_relays = {}


def hand_over(collection, document):
    """A store wrote ``document`` (with its outbox) to ``collection``: give it to this
    process's relay, if one publishes that collection. Without one (a command-line
    tool), the write's claim runs out and a service's sweep publishes it."""
    relay = _relays.get(collection.full_name)
    if relay is not None:
        relay.take(collection.name, document)


class OutboxRelay(DependencyProvider):
    """Publishes what the service's aggregates put in their outboxes.

    Runs one green thread per container. The documents this process writes are handed
    to it (:func:`hand_over`) and go out at once; a sweep every ``interval`` seconds
    catches anything left behind (a writer that died, a broker outage, a consumer queue
    that did not exist yet). Several replicas may run: a short claim on each document
    keeps two relays from publishing the same events at once.
    """

    def __init__(self, collections, interval=1.0, batch_size=200, claim_seconds=10, on_confirmed=None):
        self.collection_names = tuple(collections)
        self.interval = interval
        self.batch_size = batch_size
        self.claim_seconds = claim_seconds
        # on_confirmed(database, envelopes): run after a batch is confirmed and before it
        # is marked sent, so a failure there publishes the batch again (at least once).
        # It takes in every event, so a broadcast event no queue is bound for yet has
        # still reached a consumer; one meant for a service (``route``) waits for its queue.
        self.on_confirmed = on_confirmed
        self._wakeup = LightQueue(maxsize=1)
        self._handed = {}  # collection name -> {document id: its latest write handed over}
        self._handing_on = eventlet.GreenPool(HANDING_ON)
        self._in_flight = set()  # ids of events confirmed, being handed on, not yet marked sent
        self._hand_on_failed = False
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
        self.register()
        self.container.spawn_managed_thread(self._run, identifier="outbox_relay")

    def stop(self):
        self.kill()
        with eventlet.Timeout(self.claim_seconds, False):  # else their claims run out: published again
            self._handing_on.waitall()  # batches being handed on get marked sent

    def kill(self):
        self._running = False
        self.unregister()
        self.notify()

    def register(self):
        """Take over the writes this process makes to the relay's collections."""
        for name in self.collection_names:
            _relays.setdefault(self.database[name].full_name, self)

    def unregister(self):
        for name in self.collection_names:
            if _relays.get(self.database[name].full_name) is self:
                del _relays[self.database[name].full_name]

    def get_dependency(self, worker_ctx):
        return self

    # -- public -----------------------------------------------------------------------
    def notify(self):
        """Wake the relay."""
        try:
            self._wakeup.put_nowait(True)
        except Full:
            pass

    def take(self, collection_name, document):
        """A write of this process left events in ``document``'s outbox: publish them."""
        waiting = self._handed.setdefault(collection_name, {})
        known = waiting.get(document["_id"])
        if known is None or known["version"] < document["version"]:  # a later write holds them all
            waiting[document["_id"]] = {key: document[key] for key in ("_id", "version", "outbox", PENDING_FIELD)}
        self.notify()

    def relay_handed(self, wait=True):
        """Publish what writes handed over since the last call; how many were confirmed.
        Without ``wait``, their handing on and marking may still be under way."""
        handed, self._handed = self._handed, {}
        return sum(self._relay(self.database[name], list(documents.values()), wait)
                   for name, documents in handed.items())

    def sweep(self):
        """Publish what was left behind: documents whose claim ran out (their writer
        died, or their events could not be published); how many were confirmed."""
        return sum(self._relay(self.database[name], self._claim_abandoned(self.database[name]))
                   for name in self.collection_names)

    def relay_pending(self, sweep=True):
        """Publish the pending envelopes written here, found by their claim (hand-overs
        a failure dropped from memory), and, with ``sweep``, those whose claim ran out;
        returns how many were confirmed."""
        confirmed = sum(self._relay(self.database[name], self._written_here(self.database[name]))
                        for name in self.collection_names)
        return confirmed + (self.sweep() if sweep else 0)

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
        next_sweep = 0.0
        while self._running:
            try:
                self._wakeup.get(timeout=self.interval)
            except Empty:
                pass
            if not self._running:
                break
            try:
                with tracing.untraced():
                    if failures or self._hand_on_failed:
                        self._handing_on.waitall()
                        self._hand_on_failed = False
                        self.relay_pending(sweep=False)  # what the failure dropped from memory
                    self.relay_handed(wait=False)
                    if time.monotonic() >= next_sweep:
                        self.sweep()
                        next_sweep = time.monotonic() + self.interval
                failures = 0
            except Exception:  # noqa: BLE001 - the relay must outlive any one failure
                failures += 1
                log.warning("outbox relay failed; retrying", exc_info=True)
                eventlet.sleep(min(0.5 * 2**failures, 10))

    def _written_here(self, collection):
        """Documents this process wrote with events waiting: claimed for us already."""
        return list(collection.find({PENDING_FIELD: {"$gt": 0}, CLAIMED_BY_FIELD: WRITTEN_HERE},
                                    AS_CLAIMED, limit=self.batch_size))

    def _claim_abandoned(self, collection):
        """Claim up to ``batch_size`` pending documents nobody holds (their writer died,
        or their events could not be published) and read back those this sweep won."""
        # Epoch seconds, not ISO text: nx-27017 reads ISO-looking strings as dates and
        # then will not compare them with other strings.
        now = time.time()
        claimable = {PENDING_FIELD: {"$gt": 0}, CLAIM_FIELD: {"$lt": now}}
        ids = [document["_id"] for document in collection.find(claimable, {"_id": 1}, limit=self.batch_size)]
        if not ids:
            return []
        sweep = uuid.uuid4().hex
        collection.update_many({"_id": {"$in": ids}, **claimable},
                               {"$set": {CLAIM_FIELD: now + self.claim_seconds, CLAIMED_BY_FIELD: sweep}})
        return list(collection.find({"_id": {"$in": ids}, CLAIMED_BY_FIELD: sweep}, AS_CLAIMED))

    def _relay(self, collection, claimed, wait=True):
        """Publish the claimed documents' events, hand them on, take them out of the
        outbox: one bulk write for the batch. Without ``wait`` the handing on and the
        marking are left to a green thread of their own, so that the next batch goes out
        meanwhile: folding events into a read model is no reason to hold up a dispatch."""
        if not claimed:
            return 0
        confirmed = []
        # A publish waits for its confirm: several documents at once, so the waits overlap
        # (one document's events stay in order, in one green thread).
        publishers = eventlet.GreenPool(PUBLISHERS)
        sent = publishers.imap(lambda document: self._publish_unsent(document, confirmed), claimed)
        published = list(zip(claimed, sent, strict=True))
        if wait or self.on_confirmed is None:
            self._hand_on_and_mark(collection, published, confirmed)
        else:
            self._in_flight.update(envelope["event_id"] for envelope, _ in confirmed)
            self._handing_on.spawn(self._hand_on_and_mark_later, collection, published, confirmed)  # waits for room
        return sum(len(sent_ids) for _, sent_ids in published)

    def _hand_on_and_mark(self, collection, published, confirmed):
        if confirmed and self.on_confirmed is not None:
            name = f"hand on {self.exchange.name} ({self.on_confirmed.__name__})"
            with tracing.handing_on(name, confirmed):
                self.on_confirmed(self.database, [envelope for envelope, _ in confirmed])
        self._mark_all_sent(collection, published)

    def _hand_on_and_mark_later(self, collection, published, confirmed):
        try:
            with tracing.untraced():
                self._hand_on_and_mark(collection, published, confirmed)
        except Exception:  # noqa: BLE001 - the events stay unsent: the relay publishes them again
            self._hand_on_failed = True
            log.warning("handing on a confirmed batch failed; it will be published again", exc_info=True)
            self.notify()
        finally:
            self._in_flight.difference_update(envelope["event_id"] for envelope, _ in confirmed)

    def _publish_unsent(self, document, confirmed):
        """Publish a claimed document's unsent envelopes in order, appending each one the
        broker confirmed to ``confirmed`` (with the headers it went out with); the ids to
        mark sent."""
        sent_ids = set()
        for entry in document.get("outbox", []):
            if entry["sent"] or entry["envelope"]["event_id"] in self._in_flight:
                continue  # a later write's copy of an event a batch being handed on holds
            envelope = entry["envelope"]
            try:
                confirmed.append((envelope, self._publish(envelope)))
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
        """One bulk write taking the confirmed events out of every claimed document, as
        it was claimed; a document written or marked since is read again and marked on
        its own."""
        result = collection.bulk_write([
            UpdateOne(_as_read(document),
                      {"$set": _marked(document.get("outbox", []), sent_ids, release=True)})
            for document, sent_ids in published
        ], ordered=False)
        if result.matched_count == len(published):
            return
        sent_by_id = {document["_id"]: sent_ids for document, sent_ids in published if sent_ids}
        for document in collection.find({"_id": {"$in": list(sent_by_id)}, PENDING_FIELD: {"$gt": 0}},
                                        {"outbox": 1}):
            unsent = {entry["envelope"]["event_id"] for entry in document.get("outbox", []) if not entry["sent"]}
            if unsent & sent_by_id[document["_id"]]:
                self._mark_sent(collection, document["_id"], sent_by_id[document["_id"]])

    def _publish(self, envelope):
        """Publish and wait for the confirm; the AMQP headers it went out with.
        UndeliverableMessage if no queue is bound for it, unless on_confirmed takes it in
        (then it is not asked for: a returned message costs the channel it came on)."""
        envelope = validate_envelope(envelope)
        key = routing_key(envelope)
        mandatory = self.on_confirmed is None or bool(envelope.get("route"))
        # The AMQP headers carry the envelope's trace on (see tracing.publishing).
        with tracing.publishing(envelope, self.exchange.name, key) as headers:
            self.publisher.publish(envelope, exchange=self.exchange, routing_key=key, headers=headers,
                                   mandatory=mandatory)
        metrics.event_published(envelope)
        return headers

    def _mark_sent(self, collection, document_id, sent_ids, attempts=5):
        """Take confirmed envelopes out of a document written since they were claimed.

        The write is conditional on the document's version so a concurrent state change
        is never overwritten; on a conflict the document is re-read and marked again.
        The claim is left to whoever wrote the events still waiting.
        """
        document = None
        for _ in range(attempts):
            if document is None:
                document = collection.find_one({"_id": document_id}, AS_CLAIMED)
                if document is None:
                    return
            result = collection.update_one(
                _as_read(document),
                {"$set": _marked(document.get("outbox", []), sent_ids, release=False)},
            )
            if result.matched_count:
                return
            document = None  # changed since: read it again
        log.warning("could not mark outbox of %s; its events will be sent again", document_id)


def _as_read(document):
    """The condition under which a document is as it was read: no write since (its
    version) and no events marked sent since (its count of them waiting), so marking it
    from that copy can neither overwrite a change nor bring back an event taken out."""
    return {"_id": document["_id"], "version": document.get("version"), PENDING_FIELD: document.get(PENDING_FIELD)}


def _marked(outbox, sent_ids, release):
    """The fields that take ``sent_ids`` (and entries sent before) out of the outbox and,
    with ``release``, give up the claim: what still waits is left to the sweep."""
    outbox = [entry for entry in outbox if not entry["sent"] and entry["envelope"]["event_id"] not in sent_ids]
    fields = {"outbox": outbox, PENDING_FIELD: len(outbox)}
    if release or not outbox:
        fields.update({CLAIM_FIELD: 0, CLAIMED_BY_FIELD: None})
    return fields
