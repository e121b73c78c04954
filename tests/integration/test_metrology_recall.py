"""Recall and the out-of-tolerance fan-out, with metrology on the real broker and store:
its timer raises due reminders, its own events build the instrument file."""

from datetime import UTC, datetime, timedelta

import eventlet
import pytest
from nameko import config as nameko_config

from services.common.clock import china_date
from services.metrology.service import MetrologyService

from ..support.data import (
    JL01_BODY,
    JL02_BODY,
    REFERENCE_STANDARD,
    calibration_results,
    verification_results,
)
from ..support.events import dispatch_envelope
from ..support.rpc import rpc
from .broker import EventWatcher, publish, wait_until

pytestmark = pytest.mark.integration

VERIFIED = "321322-20261126-00001-6"
CALIBRATED = "321322-20261126-00002-4"
OTHER_ENTERPRISE = {"name": "宿迁市另一家有限公司", "uscc": "91321300MA1XYZ789T", "station": "321322"}


@pytest.fixture
def metrology(container_factory, service_config):
    with nameko_config.patch({"RECALL_CHECK_SECONDS": "0.2"}):
        container = container_factory(MetrologyService)
        container.start()
        yield container


@pytest.fixture
def events(amqp_uri):
    watcher = EventWatcher(amqp_uri, "metrology")
    yield watcher
    watcher.close()


@pytest.fixture
def database(mongo_client, db_prefix):
    return mongo_client[f"{db_prefix}metrology"]




def work_through(amqp_uri, database, code, body, results):
    publish(amqp_uri, "gateway", dispatch_envelope(code, body["item"], "metrology", body["details"],
                                                   enterprise=body["enterprise"], contact=body["contact"]))
    assert wait_until(lambda: database.jobs.find_one({"_id": code}))
    rpc(amqp_uri, "metrology", "start_job", code, {"operator": "李工"})
    rpc(amqp_uri, "metrology", "record_results", code, results)
    rpc(amqp_uri, "metrology", "review_results", code, {"operator": "赵工", "approved": True})
    return rpc(amqp_uri, "metrology", "issue_documents", code, {"operator": "钱主任"})["documents"][0]["number"]


def test_a_verification_bound_instrument_is_reminded_once_when_due(metrology, events, database, amqp_uri):
    rpc(amqp_uri, "metrology", "register_reference_standard", REFERENCE_STANDARD)
    number = work_through(amqp_uri, database, VERIFIED, JL01_BODY, verification_results())
    work_through(amqp_uri, database, CALIBRATED, JL02_BODY, calibration_results())
    key = "91321322MA1ABC123P:PG-0001"
    assert wait_until(lambda: (database.instruments.find_one({"_id": key}) or {}).get("current"))
    assert rpc(amqp_uri, "metrology", "get_instrument", "91321322MA1ABC123P", "PG-0001")["current"]["number"] == number

    # Months pass: the certificate runs out in 20 days, inside the 30-day window.
    expires = china_date(datetime.now(UTC)) + timedelta(days=20)
    document = database.instruments.find_one({"_id": key})
    document["current"]["valid_until"] = expires.isoformat()
    document["recall_check_at"] = 0
    database.instruments.replace_one({"_id": key}, document)

    due = events.wait_for(lambda e: e["type"] == "calibration_due")
    assert due and due[0]["request_code"] == VERIFIED
    assert due[0]["data"]["days_before"] == 30 and due[0]["data"]["valid_until"] == expires.isoformat()
    eventlet.sleep(1.5)  # several more timer ticks
    reminders = [e for e in events.drain() if e["type"] == "calibration_due"]
    assert len(reminders) == 1  # once, and none for the calibrated (not verification-bound) one
    assert rpc(amqp_uri, "metrology", "get_instrument", "91321322MA1ABC123P", "PG-0001")["due"]["days_before"] == 30


def test_an_out_of_tolerance_standard_tells_each_affected_enterprise(metrology, events, database, amqp_uri):
    rpc(amqp_uri, "metrology", "register_reference_standard", REFERENCE_STANDARD)
    first = work_through(amqp_uri, database, VERIFIED, JL01_BODY, verification_results())
    other_body = {**JL02_BODY, "enterprise": OTHER_ENTERPRISE}
    second = work_through(amqp_uri, database, CALIBRATED, other_body, calibration_results())

    today = china_date(datetime.now(UTC)).isoformat()
    standard = rpc(amqp_uri, "metrology", "record_reference_check", "RS-P01",
                   {"operator": "王工", "checked_on": today, "result": "out_of_tolerance"})
    assert sorted(c["number"] for c in standard["out_of_tolerance"]["certificates"]) == sorted([first, second])

    assert events.wait_for(lambda e: e["type"] == "certificates_affected")
    eventlet.sleep(0.5)  # time for any further (or duplicate) announcement to arrive
    affected = [e for e in events.drain() if e["type"] == "certificates_affected"]
    by_enterprise = {e["data"]["uscc"]: [c["number"] for c in e["data"]["certificates"]] for e in affected}
    assert by_enterprise == {"91321322MA1ABC123P": [first], "91321300MA1XYZ789T": [second]}
    assert len(affected) == 2
    noted = wait_until(lambda: rpc(amqp_uri, "metrology", "get_instrument", "91321300MA1XYZ789T", "SN-0001")["notices"])
    assert noted[0]["certificates"] == [second]
