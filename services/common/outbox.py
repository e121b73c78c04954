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
from eventlet.semaphore import Semaphore
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange
from pymongo import UpdateOne

from . import metrics, tracing
from .config import database_name, setting
from .envelope import InvalidEnvelope, routing_key, validate_envelope
from .mongo import BACKGROUND_BATCH, connect, database_of

log = logging.getLogger(__name__)

PENDING_FIELD = "outbox_pending"
CLAIM_FIELD = "outbox_claimed_until"
CLAIMED_BY_FIELD = "outbox_claimed_by"  # the relay or sweep that holds the claim
# A write claims its document for the relays of this process, so they publish it without
# first claiming it (a second write of the document) and reading it back.
WRITTEN_HERE = f"writer-{uuid.uuid4().hex}"
WRITE_CLAIM_SECONDS = 10  # then a sweep anywhere takes over: the writer may have died
PUBLISHERS = 8  # documents published at once; kombu pools 10 producers per broker
# Seconds: confirmed events are handed on at most this often, in one batch. Each batch
# costs an event-log insert and an increment of each day bucket its events fall in, and
# nx-27017 rewrites a bucket whole with every event id it counted that day: at 0.1 s a
# 300-a-second intake load spent a third of a core of the store on increments alone
# (issue 30). Nothing waits on the hand-on; the publish itself is not held up.
SETTLE_INTERVAL = 0.5
MARK_DELAY = 1.0  # seconds a settled event waits for a write of this process to take it out


def add_to_outbox(document, envelopes, settled=frozenset()):
    """Append envelopes to a document's outbox (in memory; the caller writes the
    document), dropping entries marked sent by an earlier release and those this
    process's relay has ``settled`` (confirmed and handed on), and claim it for this
    process's relay while any event waits."""
    outbox = [entry for entry in document.get("outbox", [])
              if not entry["sent"] and entry["envelope"]["event_id"] not in settled]
    outbox.extend({"envelope": envelope, "sent": False} for envelope in envelopes)
    document["outbox"] = outbox
    document[PENDING_FIELD] = len(outbox)
    if outbox:
        document[CLAIM_FIELD], document[CLAIMED_BY_FIELD] = time.time() + WRITE_CLAIM_SECONDS, WRITTEN_HERE
    else:
        document[CLAIM_FIELD], document[CLAIMED_BY_FIELD] = 0, None
    return document


AS_CLAIMED = {"outbox": 1, "version": 1, PENDING_FIELD: 1}  # what marking a claimed document needs


class OutboxRelay(DependencyProvider):
    """Publishes what the service's aggregates put in their outboxes.

    Runs two green threads per container. The documents this process writes are handed
    to it (:func:`hand_over`) and go out at once; a sweep every ``interval`` seconds
    catches anything left behind (a writer that died, a broker outage, a consumer queue
    that did not exist yet). Several replicas may run: a short claim on each document
    keeps two relays from publishing the same events at once.

    What the broker confirmed is settled behind the publishing, by a second green thread,
    in batches: handed on (``on_confirmed``) at most every ``settle_interval`` seconds,
    then taken out of the outbox. Not at once: a write of this process within
    ``mark_delay`` seconds leaves the settled events out of the document it writes (the
    next step of a request often comes that soon), which costs nothing; what no write took
    out by then is marked sent, all due documents in one bulk write. Under load, both
    batches grow with the load, so that their writes do not.
    """

    def __init__(self, collections, interval=1.0, batch_size=200, claim_seconds=10, on_confirmed=None,
                 settle_interval=SETTLE_INTERVAL, mark_delay=MARK_DELAY):
        self.collection_names = tuple(collections)
        self.interval = interval
        self.batch_size = batch_size
        self.claim_seconds = claim_seconds
        self.settle_interval = settle_interval
        self.mark_delay = mark_delay
        # on_confirmed(database, envelopes): run after a batch is confirmed and before it
        # is marked sent, so a failure there publishes the batch again (at least once).
        # It takes in every event, so a broadcast event no queue is bound for yet has
        # still reached a consumer; one meant for a service (``route``) waits for its queue.
        self.on_confirmed = on_confirmed
        self._wakeup = LightQueue(maxsize=1)
        self._settle_wakeup = LightQueue(maxsize=1)
        self._settling = Semaphore()  # one settle at a time
        self._handed = {}  # collection name -> {document id: its latest write handed over}
        self._confirmed = []  # (collection name, [(document, sent ids)], [(envelope, headers)]) to hand on
        # collection name -> {document id: _Tracked}: documents with events confirmed and
        # not yet out of their outbox (being handed on, or settled and waiting to be marked)
        self._tracked = {}
        self._in_flight = set()  # ids of events confirmed and not yet out of the outbox
        self.settled = set()  # ids of those handed on too: a write of this process leaves them out
        self._hand_on_failed = False
        self._running = False
        self._taking_writes = False

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
        self.database = database_of(self.client, database_name(service_name))

    def start(self):
        self._running = True
        self.register()
        self.container.spawn_managed_thread(self._run, identifier="outbox_relay")
        self.container.spawn_managed_thread(self._settle_continually, identifier="outbox_settler")

    def stop(self):
        self.kill()
        # What was confirmed is handed on and marked sent now; else the claims run out and
        # those events are published again.
        with eventlet.Timeout(self.claim_seconds, False):
            self.settle(flush=True)

    def kill(self):
        self._running = False
        self.unregister()
        self.notify()
        _put(self._settle_wakeup)

    def register(self):
        """Take over the writes of this process's stores (``take``) from now on."""
        self._taking_writes = True

    def unregister(self):
        """Stopping: a write's claim runs out and a sweep (of any replica) publishes it."""
        self._taking_writes = False

    @property
    def taking_writes(self):
        return self._taking_writes

    def publishes(self, collection):
        """Whether this relay publishes the outboxes of ``collection`` (a pymongo one)."""
        return collection.name in self.collection_names and collection.database.name == self.database.name

    def get_dependency(self, worker_ctx):
        return self

    # -- public -----------------------------------------------------------------------
    def notify(self):
        """Wake the relay."""
        _put(self._wakeup)

    def take(self, collection_name, document):
        """A write of this process stored ``document``: publish the events in its outbox,
        and forget the settled ones it left out."""
        if not self._taking_writes:
            return
        tracked = self._tracked.get(collection_name, {}).get(document["_id"])
        if tracked is not None:
            self._written_over(collection_name, tracked, document)
        waiting = self._handed.setdefault(collection_name, {})
        known = waiting.get(document["_id"])
        if known is not None and known["version"] >= document["version"]:
            return
        if document[PENDING_FIELD]:
            waiting[document["_id"]] = _copy(document)  # a later write holds them all
            self.notify()
        elif known is not None:
            del waiting[document["_id"]]  # nothing left to publish: this write took it all out

    def relay_handed(self, wait=True):
        """Publish what writes handed over since the last call; how many were confirmed.
        With ``wait``, they are handed on and marked sent before it returns; without, that
        is left to the settler (:meth:`settle`)."""
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

    def settle(self, flush=False):
        """Hand on what was confirmed since the last call, then mark sent what has waited
        ``mark_delay`` seconds for a write to take it out (with ``flush``, everything
        settled). A failure to hand on leaves that batch to be published again."""
        with self._settling:
            confirmed, self._confirmed = self._confirmed, []
            if confirmed:
                self._hand_on(confirmed)
            self._mark_settled(None if flush else time.monotonic() - self.mark_delay)

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
                    if not entry["sent"] and entry["envelope"]["event_id"] not in self._in_flight:
                        pending += 1
                        at = datetime.fromisoformat(entry["envelope"]["occurred_at"]).timestamp()
                        oldest = at if oldest is None else min(oldest, at)
        return pending, (max(time.time() - oldest, 0.0) if oldest is not None else 0.0)

    # -- internals: publishing ----------------------------------------------------------
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
        """Publish the claimed documents' events. With ``wait``, hand them on and take
        them out of the outbox (one bulk write) before returning; without, leave that to
        the settler, so that the next batch goes out meanwhile: folding events into a read
        model is no reason to hold up a dispatch."""
        if not claimed:
            return 0
        confirmed = []
        # A publish waits for its confirm: several documents at once, so the waits overlap
        # (one document's events stay in order, in one green thread).
        publishers = eventlet.GreenPool(PUBLISHERS)
        sent = publishers.imap(lambda document: self._publish_unsent(document, confirmed), claimed)
        published = [(document, sent_ids) for document, sent_ids in zip(claimed, sent, strict=True) if sent_ids]
        if wait:
            self._hand_on_now(collection, published, confirmed)
        elif published:
            self._track(collection.name, published)
            self._confirmed.append((collection.name, published, confirmed))
            _put(self._settle_wakeup)
        return sum(len(sent_ids) for _, sent_ids in published)

    def _hand_on_now(self, collection, published, confirmed):
        if confirmed and self.on_confirmed is not None:
            self._call_on_confirmed(confirmed)
        self._mark_all_sent(collection, [(document, sent_ids, True) for document, sent_ids in published])

    def _call_on_confirmed(self, confirmed):
        name = f"hand on {self.exchange.name} ({self.on_confirmed.__name__})"
        with tracing.handing_on(name, confirmed):
            self.on_confirmed(self.database, [envelope for envelope, _ in confirmed])

    def _publish_unsent(self, document, confirmed):
        """Publish a claimed document's unsent envelopes in order, appending each one the
        broker confirmed to ``confirmed`` (with the headers it went out with); the ids to
        mark sent."""
        sent_ids = set()
        for entry in document.get("outbox", []):
            if entry["sent"] or entry["envelope"]["event_id"] in self._in_flight:
                continue  # a later write's copy of an event confirmed and not yet settled
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

    # -- internals: settling ------------------------------------------------------------
    def _settle_continually(self):
        while self._running:
            try:
                self._settle_wakeup.get(timeout=self.mark_delay / 2)
            except Empty:
                pass
            if not self._running:
                break
            started = time.monotonic()
            try:
                with tracing.untraced():
                    self.settle()
            except Exception:  # noqa: BLE001 - what it could not mark is marked next time, or sent again
                log.warning("settling confirmed events failed; retrying", exc_info=True)
            # What is confirmed meanwhile waits for the next round: a batch per round.
            eventlet.sleep(max(0.0, self.settle_interval - (time.monotonic() - started)))

    def _track(self, collection_name, published):
        """Remember the documents whose events were confirmed until they are out of the
        outbox, with the latest copy of each that this process knows."""
        tracked = self._tracked.setdefault(collection_name, {})
        for document, sent_ids in published:
            entry = tracked.get(document["_id"])
            if entry is None:
                entry = tracked[document["_id"]] = _Tracked(_copy(document))
            elif entry.copy is not None and document["version"] > entry.copy["version"]:
                entry.copy = _copy(document)
            entry.events |= sent_ids
            self._in_flight |= sent_ids

    def _written_over(self, collection_name, tracked, document):
        """A write of this process stored a newer copy of a tracked document: mark from it,
        and forget the settled events it left out (it took them out of the outbox)."""
        if tracked.copy is None or document["version"] > tracked.copy["version"]:
            tracked.copy = _copy(document)
        taken_out = tracked.settled - _unsent_ids(document)
        if taken_out:
            self._forget(collection_name, document["_id"], tracked, taken_out)

    def _hand_on(self, confirmed):
        envelopes = [pair for _, _, pairs in confirmed for pair in pairs]
        try:
            if envelopes and self.on_confirmed is not None:
                self._call_on_confirmed(envelopes)
        except Exception:  # noqa: BLE001 - the events stay unsent: the relay publishes them again
            for collection_name, published, _ in confirmed:
                for document, sent_ids in published:
                    tracked = self._tracked.get(collection_name, {}).get(document["_id"])
                    if tracked is not None:
                        self._forget(collection_name, document["_id"], tracked, sent_ids)
            self._hand_on_failed = True
            log.warning("handing on a confirmed batch failed; it will be published again", exc_info=True)
            self.notify()
            return
        now = time.monotonic()
        for collection_name, published, _ in confirmed:
            for document, sent_ids in published:
                tracked = self._tracked.get(collection_name, {}).get(document["_id"])
                if tracked is None:
                    continue
                settled = sent_ids & tracked.events
                tracked.settled |= settled
                self.settled |= settled
                tracked.since = tracked.since or now

    def _mark_settled(self, settled_before):
        """Take the settled events out of the outbox of every document settled before
        ``settled_before`` (monotonic; None for all), from the latest copy known."""
        for collection_name, tracked in list(self._tracked.items()):
            due = [(document_id, entry, entry.copy, set(entry.settled)) for document_id, entry in tracked.items()
                   if entry.settled and (settled_before is None or entry.since <= settled_before)]
            if not due:
                continue
            collection = self.database[collection_name]
            handed = self._handed.get(collection_name, {})
            all_marked = self._mark_all_sent(collection, [
                # The claim is given up only if nothing else of the document is on its way.
                (copy, marked, not (entry.events - marked) and document_id not in handed)
                for document_id, entry, copy, marked in due if copy is not None
            ])
            for document_id, entry, copy, marked in due:
                if copy is None:  # not known since a mark that failed: read it again
                    self._mark_sent(collection, document_id, marked)
                elif entry.copy is copy:
                    # Marking moved the document on: the copy follows if it is sure to be right.
                    entry.copy = _as_marked(copy, marked) if all_marked else None
                self._forget(collection_name, document_id, entry, marked)

    def _forget(self, collection_name, document_id, tracked, event_ids):
        tracked.events -= event_ids
        tracked.settled -= event_ids
        self._in_flight -= event_ids
        self.settled -= event_ids
        if tracked.events:
            tracked.since = tracked.since if tracked.settled else None
        elif self._tracked.get(collection_name, {}).get(document_id) is tracked:
            del self._tracked[collection_name][document_id]

    def _mark_all_sent(self, collection, marks):
        """Bulk writes taking the confirmed events out of every document, as it was last
        seen (``marks``: (copy, sent ids, whether to give up the claim)), ``BACKGROUND_BATCH``
        documents a write so that no submission's insert waits behind a long one; a
        document written or marked since is read again and marked on its own. True if no
        document had to be."""
        all_marked = True
        for start in range(0, len(marks), BACKGROUND_BATCH):
            all_marked = self._mark_batch_sent(collection, marks[start:start + BACKGROUND_BATCH]) and all_marked
        return all_marked

    def _mark_batch_sent(self, collection, marks):
        if not marks:
            return True
        result = collection.bulk_write([
            UpdateOne(_as_read(document), {"$set": _marked(document.get("outbox", []), sent_ids, release)})
            for document, sent_ids, release in marks
        ], ordered=False)
        if result.matched_count == len(marks):
            return True
        sent_by_id = {document["_id"]: sent_ids for document, sent_ids, _ in marks if sent_ids}
        for document in collection.find({"_id": {"$in": list(sent_by_id)}, PENDING_FIELD: {"$gt": 0}},
                                        {"outbox": 1}):
            if _unsent_ids(document) & sent_by_id[document["_id"]]:
                self._mark_sent(collection, document["_id"], sent_by_id[document["_id"]])
        return False

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


class _Tracked:
    """A document with events confirmed and not yet out of its outbox."""

    __slots__ = ("copy", "events", "settled", "since")

    def __init__(self, copy):
        self.copy = copy  # the latest copy this process knows: a mark is conditioned on it
        self.events = set()  # confirmed, not yet out of the outbox
        self.settled = set()  # of those, handed on: a write may leave them out, or a mark
        self.since = None  # when the first of them was settled (monotonic)


def _copy(document):
    return {key: document.get(key) for key in ("_id", "version", "outbox", PENDING_FIELD)}


def _as_marked(copy, sent_ids):
    """The copy as a mark of ``sent_ids`` that matched it left it (the version stays)."""
    return {**copy, **{key: value for key, value in _marked(copy.get("outbox", []), sent_ids, False).items()
                       if key in ("outbox", PENDING_FIELD)}}


def _unsent_ids(document):
    return {entry["envelope"]["event_id"] for entry in document.get("outbox", []) if not entry["sent"]}


def _put(queue):
    try:
        queue.put_nowait(True)
    except Full:
        pass


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
