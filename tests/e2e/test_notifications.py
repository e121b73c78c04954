"""People are told, end to end (issue 29 §2): one request followed through its steps
finds exactly one delivery per step, recipient and channel in the records, and each
e-mail and SMS exactly once at the local catcher (the dev outbox: a real SMTP server and
an SMS API), also when the gateway (where the notifier runs) is killed mid-way and
started again; a kind the enterprise turned off is not sent; a failed send shows to staff
in the API and the console."""

import collections
import contextlib
import uuid

import httpx
import pytest

from services.common.clock import utc_now
from services.gateway.domain.notifications import in_quiet_hours, provider_key

from ..conftest import form_token, new_client_address, staff_of
from ..support.accounts import new_enterprise, new_uscc
from ..support.waiting import eventually

pytestmark = pytest.mark.e2e

STATION = "321322"
STAFF = staff_of(STATION)


def lookup_body(uscc, email, phone="139-1234-5678"):
    """A standards lookup (BZ01): answered by the standards service, so it completes."""
    return {"item": "BZ01", "enterprise": {"name": "宿迁市通知测试有限公司", "uscc": uscc, "station": STATION},
            "contact": {"name": "王芳", "phone": phone, "email": email}, "details": {"query": "GB/T 19001-2016"}}


def staff_view(api, code):
    seen = api.get(f"/api/v1/station/requests/{code}", headers=STAFF)
    assert seen.status_code == 200, seen.text
    return seen.json()


def step(api, code, name, **body):
    answer = api.post(f"/api/v1/station/requests/{code}/{name}", headers=STAFF,
                      json={"version": staff_view(api, code)["version"], **body})
    assert answer.status_code == 200, answer.text
    return answer.json()


def deliveries(api, code):
    return staff_view(api, code)["notifications"]


def kill_and_restart_gateway(stack):
    stack.processes["gateway"].kill()
    stack.processes["gateway"].wait()
    stack.processes.pop("gateway")
    stack.start_service("gateway")
    stack.wait_healthy(timeout=120)


def settled(rows, wanted):
    """Every delivery planned (``wanted`` kinds × channels are there) and none waiting to
    be sent, except an SMS waiting out the night."""
    kinds = {(row["kind"], row["channel"]) for row in rows}
    waiting = [row for row in rows if row["status"] in ("queued", "sending")
               and not (row["channel"] == "sms" and in_quiet_hours(utc_now()))]
    return wanted <= kinds and not waiting


class TestOneRequestThroughItsSteps:
    def test_each_step_tells_each_recipient_once_per_channel_also_across_a_gateway_restart(self, stack, api):
        email = f"wang.{uuid.uuid4().hex[:8]}@example.com"
        created = api.post("/api/v1/requests", json=lookup_body(new_uscc(), email))
        assert created.status_code == 201, created.text
        code = created.json()["code"]
        assert staff_view(api, code)["contact"]["phone"] == "13912345678"  # typed with hyphens, kept as 11 digits

        step(api, code, "request-material", note="请补充产品执行标准文本")
        answered = api.post(f"/api/v1/requests/{code}/supplement",
                            json={"phone": "+86 139 1234 5678", "answer": "已补充执行标准文本"})
        assert answered.status_code == 200, answered.text
        step(api, code, "accept")
        kill_and_restart_gateway(stack)  # the notifier dies with it, mid-way
        step(api, code, "dispatch")
        eventually(lambda: staff_view(api, code)["status"], lambda status: status == "completed", timeout=60)

        enterprise_kinds = {"material_requested", "accepted", "dispatched", "completed"}
        wanted = {(kind, channel) for kind in enterprise_kinds for channel in ("sms", "email")} | {
            ("new_request", "in_app"), ("supplemented", "in_app")}
        rows = eventually(lambda: deliveries(api, code), lambda rows: settled(rows, wanted), timeout=60)

        per_step = collections.Counter((row["kind"], row["channel"], row["recipient"]) for row in rows)
        assert set(per_step.values()) == {1}, per_step
        assert {(row["kind"], row["channel"]) for row in rows} == wanted | {("new_request", "in_app")}
        by_recipient = {row["channel"]: row["recipient"] for row in rows if row["channel"] != "in_app"}
        assert by_recipient == {"sms": "139****5678", "email": f"w***@{email.split('@')[1]}"}
        assert {row["status"] for row in rows if row["channel"] == "email"} == {"sent"}

        # At the SMTP server: exactly one e-mail per step, each with its record's key.
        gateway_db_keys = _keys(stack, code)
        caught = [message for message in stack.outbox_messages() if message["to"] == email]
        assert collections.Counter(message["key"] for message in caught) == collections.Counter(
            provider_key(key) for key, channel in gateway_db_keys if channel == "email")
        assert len(caught) == len(enterprise_kinds)
        assert any(code in message["text"] and "请补充产品执行标准" in message["text"] for message in caught)
        sms = [message for message in stack.outbox_messages() if message["key"] in
               {provider_key(key) for key, channel in gateway_db_keys if channel == "sms"}]
        sent_sms = [row for row in rows if row["channel"] == "sms" and row["status"] == "sent"]
        assert len(sms) == len(sent_sms) and all(len(message["text"]) <= 70 + 80 for message in sms)

        # the dev outbox's page lists what the catcher got (dev mode: the e2e stack's)
        listed = api.get("/dev/outbox")
        assert listed.status_code == 200 and email in listed.text and "请补充产品执行标准" in listed.text

        # the standards operators' workbench shows the dispatch among their notices
        with console_of(stack, "standards-1") as console:
            assert f'data-kind="new_request" data-code="{code}"' in console.get("/staff/jobs").text


@contextlib.contextmanager
def console_of(stack, username):
    """A console session of a demo account (password demo-<username>)."""
    with httpx.Client(base_url=stack.gateway_url, timeout=10,
                      headers={"X-Forwarded-For": new_client_address()}) as console:
        signed = console.post("/staff/login", data={"username": username, "password": f"demo-{username}",
                                                    "form_token": form_token(console, "/staff/login")})
        assert signed.status_code == 303, signed.text
        yield console


def _keys(stack, code):
    import pymongo

    client = pymongo.MongoClient(stack.mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        database = client[f"{stack.db_prefix}gateway"]
        return [(record["_id"], record["channel"]) for record in database.notifications.find({"request_code": code})]
    finally:
        client.close()


class TestTheEnterprisesChoice:
    def test_a_kind_turned_off_is_recorded_opted_out_and_not_sent_but_a_material_request_is(self, stack, api):
        uscc, password = new_enterprise(stack)
        token = api.post("/api/v1/auth/login", json={"username": uscc, "password": password}).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        refused = api.put("/api/v1/notifications/settings", headers=bearer, json={"off": ["material_requested"]})
        assert refused.status_code == 422 and "off" in refused.json()["fields"]
        changed = api.put("/api/v1/notifications/settings", headers=bearer, json={"off": ["dispatched", "accepted"]})
        assert changed.status_code == 200, changed.text
        assert {kind["kind"]: kind["on"] for kind in changed.json()["kinds"]}["dispatched"] is False
        assert api.get("/api/v1/notifications/settings", headers=STAFF).status_code == 403

        email = f"li.{uuid.uuid4().hex[:8]}@example.com"
        code = api.post("/api/v1/requests", json=lookup_body(uscc, email), headers=bearer).json()["code"]
        step(api, code, "request-material", note="补充说明")
        api.post(f"/api/v1/requests/{code}/supplement", json={"answer": "已补充"}, headers=bearer)
        step(api, code, "accept")
        step(api, code, "dispatch")
        wanted = {("material_requested", "email"), ("accepted", "email"), ("dispatched", "email"),
                  ("material_requested", "in_app")}
        rows = eventually(lambda: deliveries(api, code), lambda rows: settled(rows, wanted), timeout=60)
        statuses = {(row["kind"], row["channel"]): row["status"] for row in rows}
        assert statuses[("dispatched", "email")] == statuses[("accepted", "email")] == "opted_out"
        assert statuses[("material_requested", "email")] == "sent"
        assert statuses[("material_requested", "in_app")] == "sent"
        subjects = [message["subject"] for message in stack.outbox_messages() if message["to"] == email]
        assert [subject for subject in subjects if subject.startswith("请补正材料")] == subjects[:1]
        assert not [subject for subject in subjects if subject.startswith(("已受理", "已派发"))]


class TestAFailedSend:
    def test_a_refused_address_shows_as_failed_in_the_api_and_the_console(self, stack, api):
        code = api.post("/api/v1/requests", json=lookup_body(new_uscc(), "nobody@refused.invalid")).json()["code"]
        step(api, code, "accept")
        rows = eventually(lambda: deliveries(api, code),
                          lambda rows: any(row["channel"] == "email" and row["status"] == "failed" for row in rows),
                          timeout=30)
        failed = next(row for row in rows if row["channel"] == "email")
        assert failed["recipient"] == "n***@refused.invalid" and "550" in failed["error"]

        with console_of(stack, f"staff-{STATION}") as console:
            shown = console.get(f"/staff/requests/{code}")
            queue = console.get("/staff")
        assert shown.status_code == 200
        assert 'data-status="failed"' in shown.text and "发送失败" in shown.text and "n***@refused.invalid" in shown.text
        assert f"服务站 {STATION}" in shown.text  # an in-app recipient says what it is
        # the station's own in-app notices: the new request is among them
        assert f'data-kind="new_request" data-code="{code}"' in queue.text
