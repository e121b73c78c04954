"""Request histories lived through the gateway's own domain model at chosen moments.

:class:`History` drives :class:`~services.gateway.domain.model.ServiceRequest` step by
step — submit, accept, 补正, dispatch, complete (as a domain service's ``job_completed``
projected onto the request), rate, answer a poor rating, the clock's alerts — each at a
moment the caller chooses, and keeps every event the request announces as the
envelope its outbox would publish, stamped with that moment. Tests build a small,
hand-countable month with it; the benchmark builds 100,000 random but plausible
histories (:func:`random_histories`).
"""

import random
import uuid
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from services.common.clock import CHINA, china_date
from services.gateway.domain import sla
from services.gateway.domain.model import ServiceRequest
from services.gateway.domain.request_code import new_code

ENTERPRISE = {"name": "宿迁市测试精密机械有限公司", "uscc": "91321322MA1ABC123P"}
CONTACT = {"name": "张伟", "phone": "13912345678"}
STAFF = {"role": "staff", "name": "服务站工作人员"}


def at(text):
    """A moment in Suqian, from ``"2026-09-01 09:30"``."""
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


class History:
    def __init__(self, catalogue, calendar):
        self.catalogue = catalogue
        self.calendar = calendar
        self.requests = {}
        self.envelopes = []
        self._sequences = defaultdict(int)

    # -- the steps -------------------------------------------------------------------------
    def submit(self, item, station, moment, enterprise=ENTERPRISE, contact=CONTACT):
        day = china_date(moment)
        self._sequences[(station, day)] += 1
        code = str(new_code(station, day, self._sequences[(station, day)]))
        request = ServiceRequest.submit(code, self.catalogue.item(item), station, {**enterprise}, contact,
                                        details={}, now=moment)
        self.requests[code] = request
        self._keep(request, moment)
        return code

    def accept(self, code, moment):
        return self._step(code, moment, lambda request: request.accept(STAFF, moment))

    def reject(self, code, moment, reason="材料不齐"):
        return self._step(code, moment, lambda request: request.reject(STAFF, moment, reason))

    def cancel(self, code, moment):
        return self._step(code, moment, lambda request: request.cancel({"role": "enterprise", "name": "企业"}, moment))

    def request_material(self, code, moment, note="请补充材料"):
        return self._step(code, moment, lambda request: request.request_material(STAFF, moment, note))

    def supplement(self, code, moment, answer="已补充"):
        return self._step(code, moment, lambda request: request.supplement({"role": "enterprise", "name": "企业"},
                                                                           moment, answer))

    def dispatch(self, code, moment):
        return self._step(code, moment, lambda request: request.dispatch(STAFF, moment))

    def terminate(self, code, moment, reason="企业不再需要"):
        """The station ends the dispatched request (终止)."""
        return self._step(code, moment, lambda request: request.terminate(STAFF, moment, reason))

    def complete(self, code, moment):
        """The domain service finishes the job; the gateway stops the clock."""
        def completed(request):
            request.apply_domain_event(str(uuid.uuid4()), "job_completed", request.domain, _utc(moment),
                                       {"result": {"summary": "办结"}}, clock=self.clock(request))
        return self._step(code, moment, completed)

    def rate(self, code, moment, level, comment=None):
        return self._step(code, moment, lambda request: request.rate(moment, level, comment))

    def answer_rectification(self, code, moment, answer="已整改"):
        return self._step(code, moment, lambda request: request.answer_rectification(STAFF, moment, answer))

    def check_clock(self, code, moment):
        """What the gateway's timer does at ``moment``: flag at risk or breached."""
        return self._step(code, moment, lambda request: request.check_service_level(self.clock(request), moment))

    # -- what was lived ---------------------------------------------------------------------
    def clock(self, request):
        return sla.Clock(self.catalogue.item(request.item).committed_days, self.calendar)

    def documents(self):
        """The requests as the gateway's repository stores them."""
        return [_document(request) for request in self.requests.values()]

    def _step(self, code, moment, change):
        request = self.requests[code]
        change(request)
        self._keep(request, moment)
        return request

    def _keep(self, request, moment):
        for event in request.new_events:
            self.envelopes.append({
                "event_id": str(uuid.uuid4()), "type": event.type, "version": 1, "source": "gateway",
                "occurred_at": _utc(moment), "request_code": request.code, "route": event.route,
                "data": event.data, "trace": {},
            })
        request.new_events.clear()
        request.version += 1


def _utc(moment):
    return moment.astimezone(UTC).isoformat()


def _document(request):
    from dataclasses import fields

    document = {field.name: getattr(request, field.name) for field in fields(request) if field.name != "new_events"}
    document["_id"] = request.code
    return document


# -- many plausible histories -------------------------------------------------------------------------
STATION_WEIGHTS = {"321322": 30, "321302": 20, "321323": 15, "321324": 13, "321311": 12, "321371": 7, "321300": 3}
ITEM_WEIGHTS = {"JL01": 20, "JL02": 15, "JC01": 12, "JC02": 10, "BZ01": 8, "RZ03": 5, "BZ02": 5, "JL04": 4,
                "BZ03": 3, "JC03": 3, "RZ01": 3, "RZ02": 3, "JL03": 2, "BZ04": 2}
LEVEL_WEIGHTS = {5: 60, 4: 25, 3: 8, 2: 4, 1: 3}


def random_histories(history, count, first_day, now, seed=7):
    """``count`` requests submitted between ``first_day`` and ``now``'s day, each lived as
    far as ``now`` allows: most accepted within hours, some rejected or withdrawn, some
    asked for material, most finished within their committed days and some late, about
    two in three rated, poor ratings mostly answered; the clock's alerts where due."""
    rng = random.Random(seed)
    days = [first_day + timedelta(days=offset) for offset in range((china_date(now) - first_day).days + 1)]
    working = [day for day in days if history.calendar.is_working_day(day)]
    stations, station_weights = zip(*STATION_WEIGHTS.items(), strict=True)
    items, item_weights = zip(*ITEM_WEIGHTS.items(), strict=True)
    for _ in range(count):
        day = rng.choice(working)
        moment = _on(day, rng.uniform(8.5, 17.5))
        if moment >= now:
            moment = now - timedelta(minutes=rng.uniform(1, 60))
        code = history.submit(rng.choices(items, item_weights)[0], rng.choices(stations, station_weights)[0], moment)
        _live(history, code, moment, now, rng)


def _live(history, code, moment, now, rng):
    """One request's life after submission, stopping at ``now``."""
    def next_moment(hours):
        return moment + timedelta(hours=hours)

    fate = rng.random()
    moment = next_moment(rng.expovariate(1 / 6))
    if moment >= now:
        return
    if fate < 0.04:
        history.reject(code, moment)
        return
    if fate < 0.06:
        history.cancel(code, moment)
        return
    history.accept(code, moment)
    if rng.random() < 0.08:
        paused = next_moment(rng.uniform(0.5, 4))
        resumed = _on(history.calendar.add_working_days(china_date(paused), rng.randint(1, 4)), rng.uniform(9, 17))
        if resumed >= now:
            if paused < now:
                history.request_material(code, paused)
            return
        history.request_material(code, paused)
        history.supplement(code, resumed)
        moment = resumed
    moment = next_moment(rng.uniform(0.2, 4))
    if moment >= now:
        return
    history.dispatch(code, moment)
    request = history.requests[code]
    clock = history.clock(request)
    committed = clock.committed_days
    late = rng.random() < 0.12
    days = committed + rng.randint(1, max(committed // 2, 1)) if late else rng.randint(0, committed)
    finished = max(_on(_finish_day(history, request, days), rng.uniform(9, 17.5)), moment + timedelta(minutes=30))
    due = clock.due(request)
    for alert_day in (due, due + timedelta(days=1)):
        alert_at = _on(alert_day, 0.05)
        if moment < alert_at < min(finished, now):
            history.check_clock(code, alert_at)
    if finished >= now:
        return
    history.complete(code, finished)
    if rng.random() < 0.65:
        rated_at = finished + timedelta(hours=rng.uniform(1, 72))
        if rated_at >= now:
            return
        level = rng.choices(list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values()))[0]
        history.rate(code, rated_at, level, "服务态度好" if level >= 4 else None)
        if level <= 2 and rng.random() < 0.85:
            answered = rated_at + timedelta(hours=rng.uniform(2, 60))
            if answered < now:
                history.answer_rectification(code, answered)


def _finish_day(history, request, working_days):
    """The day on which the request has taken ``working_days`` on its clock."""
    accepted = datetime.fromisoformat(request.accepted_at)
    paused = sla.paused_working_days(accepted, request.pauses, history.calendar)
    return history.calendar.add_working_days(china_date(accepted), working_days + paused)


def _on(day, hour):
    return datetime.combine(day, time(0), tzinfo=CHINA) + timedelta(hours=hour)
