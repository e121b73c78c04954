"""The fault suite (issue 8): nothing is lost and nothing is done twice while parts die.

    make faults            (or: python -m tests.faults.suite --submissions 500)

The whole platform runs as real processes on a RabbitMQ node and an nx-27017 server of
the suite's own. While a stream of submissions flows — each accepted and dispatched by
station staff through the API — the suite, in turn,

* kills each domain service with SIGKILL and starts it again,
* stops and starts RabbitMQ,
* stops and starts the Mongo-wire server,
* kills the gateway with SIGKILL and starts it again.

Then it waits for every accepted submission (answered 201) to reach its expected final
state — a standards lookup (BZ01) and a certificate verification (RZ03) are answered by
their services and complete; a calibration (JL02) waits in the laboratory with one job —
and checks that each got there exactly once: one domain event of each kind, one entry on
its timeline. It prints ``submitted N, completed N, lost 0, duplicated 0`` and exits
non-zero otherwise.

The notifier rides along (issue 29 §2): every submission gives a contact mobile and
e-mail, so each of the enterprise's steps (accepted, dispatched, completed) is one e-mail
and one SMS to the dev outbox (services/gateway/cli/dev_outbox.py, a real SMTP server and
SMS API that keeps every message it gets). The keys expected are those of the enterprise's
events in the gateway's event log; at the end each must have reached the outbox exactly
once, the gateway's kill included. It prints ``notification keys lost 0, duplicated 0``
(SMS are left out of the count between 21:00 and 08:00 Beijing time, when they wait).
"""

import argparse
import collections
import shutil
import sys
import tempfile
import threading
import time
import uuid

import httpx
import pymongo

from services.common.clock import utc_now
from services.common.devstack import DevStack, StackError, free_port
from services.gateway.domain.notifications import (
    ENTERPRISE_EVENTS,
    delivery_key,
    in_quiet_hours,
    provider_key,
)

from ..support.data import JL02_BODY
from .broker import PrivateBroker

STATION = JL02_BODY["enterprise"]["station"]
# Every submission's contact is told by SMS and e-mail (the notifier's count at the end).
CONTACT = {**JL02_BODY["contact"], "email": "faults@example.com"}
BODY = {**JL02_BODY, "contact": CONTACT}
WORKLOAD = [  # (body, expected final status, the domain events that must happen exactly once)
    ({**BODY, "item": "BZ01", "details": {"query": "GB/T 19001-2016"}}, "completed",
     ("job_accepted", "lookup_answered")),
    ({**BODY, "item": "RZ03", "details": {"certificate_number": "SQRZ-2026-999999"}}, "completed",
     ("verification_answered",)),
    (BODY, "in_progress", ("job_accepted",)),
]
DOMAIN_SERVICES = ("metrology", "standards", "certification", "testing")
UNLIMITED = "1000000000"  # submissions a minute: the suite is one client (gateway/handlers/intake_limits.py)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Platform:
    def __init__(self):
        self.broker = PrivateBroker(port=free_port())
        self.stack = None

    def start(self):
        self.broker.start()
        self.stack = DevStack(
            tempfile.mkdtemp(prefix="qi-faults-"),
            amqp_uri=self.broker.uri,
            gateway_port=free_port(),
            extra_env={"MONGO_DB_PREFIX": f"faults{uuid.uuid4().hex[:6]}_", "ACCESS_TOKEN_SECONDS": "7200",
                       "RPC_TIMEOUT": "3", "OTEL_TRACES_EXPORTER": "none", "NOTIFY_SEND_SECONDS": "1",
                       # 500 submissions from one client in a minute: no rate limit here
                       "INTAKE_RATE_PER_MINUTE": UNLIMITED, "INTAKE_RATE_PER_MINUTE_SIGNED_IN": UNLIMITED},
        )
        self.stack.start()
        return self

    def stop(self, keep_files=False):
        """Stop everything; the platform's logs and data are kept only if asked (a failed
        run, to look into), else removed: hundreds of runs must not fill the disk."""
        if self.stack is not None:
            self.stack.stop()
            if keep_files:
                log(f"logs and data kept in {self.stack.var_dir}")
            else:
                shutil.rmtree(self.stack.var_dir, ignore_errors=True)
        self.broker.remove()

    @property
    def url(self):
        return self.stack.gateway_url


def staff_token(url):
    while True:
        try:
            answer = httpx.post(f"{url}/api/v1/auth/login", timeout=10,
                                json={"username": f"staff-{STATION}", "password": f"demo-staff-{STATION}"})
            if answer.status_code == 200:
                return answer.json()["access_token"]
        except httpx.HTTPError:
            pass
        time.sleep(0.5)


class Submitter(threading.Thread):
    """Submits until ``count`` submissions were accepted (201), at a steady pace; what is
    refused or cut off by a fault is simply not accepted, as for a real user who retries."""

    def __init__(self, url, count, per_second):
        super().__init__(daemon=True)
        self.url, self.count, self.pause = url, count, 1 / per_second
        self.accepted = []  # (code, workload index)
        self.refused = 0

    def run(self):
        with httpx.Client(base_url=self.url, timeout=15) as client:
            index = 0
            while len(self.accepted) < self.count:
                body = WORKLOAD[index % len(WORKLOAD)][0]
                try:
                    answer = client.post("/api/v1/requests", json=body)
                    if answer.status_code == 201:
                        self.accepted.append((answer.json()["code"], index % len(WORKLOAD)))
                        index += 1
                    else:
                        self.refused += 1
                except httpx.HTTPError:
                    self.refused += 1
                time.sleep(self.pause)


class StationStaff(threading.Thread):
    """Accepts and dispatches every accepted submission, as the station's staff would,
    trying again whatever the platform answers while a part is down."""

    def __init__(self, url, submitter):
        super().__init__(daemon=True)
        self.url, self.submitter = url, submitter
        self.done = set()
        self.stop_when_done = threading.Event()

    def run(self):
        headers = {"Authorization": f"Bearer {staff_token(self.url)}"}
        with httpx.Client(base_url=self.url, timeout=15, headers=headers) as client:
            while True:
                pending = [code for code, _ in list(self.submitter.accepted) if code not in self.done]
                if not pending and self.stop_when_done.is_set():
                    return
                for code in pending:
                    if self.dispatch(client, code):
                        self.done.add(code)
                time.sleep(0.2)

    @staticmethod
    def dispatch(client, code):
        try:
            seen = client.get(f"/api/v1/station/requests/{code}")
            if seen.status_code != 200:
                return False
            status, version = seen.json()["status"], seen.json()["version"]
            if status == "submitted":
                client.post(f"/api/v1/station/requests/{code}/accept", json={"version": version})
                return False  # read it again, then dispatch
            if status == "accepted":
                client.post(f"/api/v1/station/requests/{code}/dispatch", json={"version": version})
                return False
            return True  # dispatched or further
        except (httpx.HTTPError, ValueError, KeyError):
            return False


def break_things(platform, pause):
    """One fault after another, each healed before the next."""
    stack = platform.stack
    for service in DOMAIN_SERVICES:
        time.sleep(pause)
        log(f"kill -9 {service}")
        stack.processes[service].kill()
        stack.processes[service].wait()
        stack.processes.pop(service)
        time.sleep(1)
        stack.start_service(service)
    time.sleep(pause)
    log("restart RabbitMQ")
    platform.broker.restart()
    time.sleep(pause)
    log("restart the Mongo-wire server")
    stack.restart_mongo()
    time.sleep(pause)
    log("kill -9 gateway")
    stack.processes["gateway"].kill()
    stack.processes["gateway"].wait()
    stack.processes.pop("gateway")
    time.sleep(1)
    stack.start_service("gateway")
    stack.wait_healthy(timeout=120)
    log("all parts healed")


def final_states(platform, accepted, timeout):
    """Wait until every accepted submission is where it should end; the last views."""
    deadline = time.monotonic() + timeout
    views = {}
    # As the station's staff: the enterprise's lookup by code and phone is rate-limited
    # (as it should be), and 500 lookups from one address are an enumeration to it.
    headers = {"Authorization": f"Bearer {staff_token(platform.url)}"}
    with httpx.Client(base_url=platform.url, timeout=15, headers=headers) as client:
        while True:
            for code, kind in accepted:
                expected = WORKLOAD[kind][1]
                if views.get(code, {}).get("status") == expected:
                    continue
                try:
                    answer = client.get(f"/api/v1/station/requests/{code}")
                    if answer.status_code == 200:
                        views[code] = answer.json()
                except httpx.HTTPError:
                    pass
            arrived = sum(views.get(code, {}).get("status") == WORKLOAD[kind][1] for code, kind in accepted)
            if arrived == len(accepted) or time.monotonic() > deadline:
                return views
            log(f"{arrived}/{len(accepted)} at their final state")
            time.sleep(3)


def duplicates(platform, accepted, views):
    """Requests whose domain work shows more than once, in the event history or on the timeline."""
    client = pymongo.MongoClient(platform.stack.mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        event_log = client[f"{platform.stack.extra_env['MONGO_DB_PREFIX']}gateway"].event_log
        counted = collections.Counter(
            (event["request_code"], event["type"])
            for event in event_log.find({"request_code": {"$in": [code for code, _ in accepted]}},
                                        {"request_code": 1, "type": 1})
        )
    finally:
        client.close()
    twice = set()
    for code, kind in accepted:
        once = ("request_submitted", *WORKLOAD[kind][2])
        if any(counted[(code, event)] > 1 for event in once):
            twice.add(code)
        timeline = [entry["event"] for entry in views.get(code, {}).get("timeline", [])]
        if any(timeline.count(event) > 1 for event in WORKLOAD[kind][2]):
            twice.add(code)
    return twice


def expected_notification_keys(platform, accepted):
    """The provider keys the enterprise's steps call for: one e-mail and one SMS per
    accepted, dispatched and completed event in the gateway's event log (SMS only outside
    the quiet hours, when they are sent at once)."""
    client = pymongo.MongoClient(platform.stack.mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        event_log = client[f"{platform.stack.extra_env['MONGO_DB_PREFIX']}gateway"].event_log
        events = list(event_log.find({"request_code": {"$in": [code for code, _ in accepted]},
                                      "type": {"$in": list(ENTERPRISE_EVENTS)}}, {"_id": 1}))
    finally:
        client.close()
    recipients = [(f"email:{CONTACT['email']}", "email")]
    if not in_quiet_hours(utc_now()):
        recipients.append((f"phone:{CONTACT['phone']}", "sms"))
    return {provider_key(delivery_key(event["_id"], who, channel)) for event in events for who, channel in recipients}


def notification_count(platform, accepted, timeout):
    """(expected, lost, duplicated): waits until every expected key reached the outbox."""
    deadline = time.monotonic() + timeout
    while True:
        expected = expected_notification_keys(platform, accepted)
        try:
            received = collections.Counter(message["key"] for message in platform.stack.outbox_messages())
        except httpx.HTTPError:
            received = collections.Counter()
        lost = expected - set(received)
        if not lost or time.monotonic() > deadline:
            duplicated = {key for key in expected if received[key] > 1}
            return expected, lost, duplicated
        log(f"{len(expected) - len(lost)}/{len(expected)} notifications at the outbox")
        time.sleep(3)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=500)
    parser.add_argument("--per-second", type=float, default=6.0)
    parser.add_argument("--pause", type=float, default=5.0, help="seconds between faults")
    parser.add_argument("--settle", type=float, default=300.0, help="seconds allowed to reach final states")
    args = parser.parse_args(argv)

    platform = Platform()
    passed = False
    try:
        log("starting the platform on a private RabbitMQ and nx-27017")
        platform.start()
        submitter = Submitter(platform.url, args.submissions, args.per_second)
        staff = StationStaff(platform.url, submitter)
        submitter.start()
        staff.start()
        break_things(platform, args.pause)
        submitter.join()
        log(f"{len(submitter.accepted)} submissions accepted ({submitter.refused} refused or cut off by faults)")
        staff.stop_when_done.set()
        staff.join(timeout=args.settle)
        views = final_states(platform, submitter.accepted, args.settle)
        reached = [code for code, kind in submitter.accepted
                   if views.get(code, {}).get("status") == WORKLOAD[kind][1]]
        twice = duplicates(platform, submitter.accepted, views)
        submitted = len(submitter.accepted)
        lost = submitted - len(reached)
        print(f"submitted {submitted}, completed {len(reached) - len(twice & set(reached))}, "
              f"lost {lost}, duplicated {len(twice)}", flush=True)
        expected, keys_lost, keys_twice = notification_count(platform, submitter.accepted, args.settle)
        print(f"notification keys expected {len(expected)}, lost {len(keys_lost)}, duplicated {len(keys_twice)}",
              flush=True)
        if keys_lost or keys_twice:
            print(f"  lost: {sorted(keys_lost)[:20]}\n  duplicated: {sorted(keys_twice)[:20]}", flush=True)
            return 1
        if lost or twice:
            for code, kind in submitter.accepted:
                if code not in reached or code in twice:
                    seen = views.get(code, {})
                    print(f"  {code} {WORKLOAD[kind][0]['item']}: {seen.get('status')} "
                          f"{[entry['event'] for entry in seen.get('timeline', [])]}")
            return 1
        passed = True
        return 0
    except StackError:
        # A part that died instead of healing: show why, since the log directory is
        # gone with the machine on CI.
        show_log_tails(platform)
        raise
    finally:
        platform.stop(keep_files=not passed)


def show_log_tails(platform, lines=40):
    if platform.stack is None:
        return
    for path in sorted(platform.stack.log_dir.glob("*.log")):
        tail = path.read_text(errors="replace").splitlines()[-lines:]
        print(f"--- last {len(tail)} lines of {path.name} ---", *tail, sep="\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
