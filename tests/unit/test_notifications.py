"""The notifier's rules (issue 29 §2), with in-memory fakes: what is said, to whom, when,
what an enterprise may turn off, how a failed send is tried again, and that an event
delivered twice is told once."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.common.clock import CHINA
from services.common.contracts import Follower, StandardEnded
from services.common.envelope import new_envelope
from services.gateway.adapters.channels import SendFailed
from services.gateway.adapters.repository import AccountRepository, RequestRepository
from services.gateway.bootstrap import reference_data, shipped_calendar
from services.gateway.domain import notifications as notify
from services.gateway.domain.access import Forbidden, Principal
from services.gateway.domain.account import Account
from services.gateway.domain.model import ServiceRequest
from services.gateway.handlers import notifications
from tests.fakes.store import InMemoryDocumentStore

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)  # 11:00 in Beijing


def beijing(hour, minute=0, day=7):
    return datetime(2026, 12, day, hour, minute, tzinfo=CHINA)


class FakeDeliveries:
    """The delivery store's contract in memory: one record per key, claims that lease."""

    def __init__(self):
        self.records = {}

    def record(self, deliveries):
        new = 0
        for delivery in deliveries:
            if delivery.key not in self.records:
                self.records[delivery.key] = replace(delivery)
                new += 1
        return new

    def claim_due(self, now, lease_seconds):
        due = [d for d in self.records.values() if d.status in (notify.QUEUED, notify.SENDING)
               and d.not_before <= now]
        if not due:
            return None
        delivery = min(due, key=lambda d: d.not_before)
        delivery.status, delivery.attempts = notify.SENDING, delivery.attempts + 1
        delivery.not_before = now + timedelta(seconds=lease_seconds)
        return replace(delivery)

    def mark_sent(self, key, attempts, now):
        delivery = self.records[key]
        if delivery.status == notify.SENDING and delivery.attempts == attempts:
            delivery.status, delivery.sent_at = notify.SENT, now

    def mark_retry(self, key, attempts, error, at):
        delivery = self.records[key]
        delivery.status, delivery.not_before, delivery.last_error = notify.QUEUED, at, error

    def mark_failed(self, key, attempts, error, now):
        delivery = self.records[key]
        delivery.status, delivery.last_error = notify.FAILED, error

    def mark_opted_out(self, key, attempts, now):
        delivery = self.records[key]
        if delivery.status == notify.SENDING and delivery.attempts == attempts:
            delivery.status = notify.OPTED_OUT

    def of_request(self, code):
        return [d for d in self.records.values() if d.request_code == code]


class RecordingChannel:
    def __init__(self, fail=0, permanent=False):
        self.sent, self.fail, self.permanent = [], fail, permanent

    def send(self, address, subject, text, key):
        if self.fail:
            self.fail -= 1
            raise SendFailed("provider down", permanent=self.permanent)
        self.sent.append((address, text, key))


FACTS = {"code": "321322-20261207-00001-7", "item": "JL02", "domain": "metrology", "due": "2026-12-16"}
LINK = "https://qi.example.gov.cn/me/requests/321322-20261207-00001-7"


class TestWhatIsSaid:
    @pytest.mark.parametrize("kind", notify.KINDS)
    def test_every_kind_says_the_request_code_or_what_it_is_about_and_the_link_in_both_languages(self, kind):
        message = notify.render(kind, {**FACTS, "note": "营业执照副本", "reason": "材料不全", "days_left": 7,
                                       "instrument": "压力表", "valid_until": "2026-12-14", "number": "GB/T 1-2020",
                                       "status": "superseded", "documents": ["JL-2026-0001"]}, "{L}")
        assert "{L}" in message.text_zh and "{L}" in message.text_en
        if kind not in (notify.RECALL_DUE, notify.STANDARD_SUPERSEDED):
            assert FACTS["code"] in message.text_zh and FACTS["code"] in message.text_en

    @pytest.mark.parametrize("kind", [notify.ACCEPTED, notify.MATERIAL_REQUESTED, notify.REJECTED,
                                      notify.DISPATCHED, notify.RECALL_DUE])
    def test_an_sms_fits_one_segment_of_70_characters_before_the_link(self, kind):
        message = notify.render(kind, {**FACTS, "note": "请补充营业执照副本和计量器具说明书原件扫描件",
                                       "reason": "不属于本站受理范围", "days_left": 30, "instrument": "压力表",
                                       "valid_until": "2026-12-14"}, "")
        assert len(notify.sms_text(message)) <= notify.SMS_SEGMENT

    def test_a_long_note_is_cut_and_the_link_carries_the_rest(self):
        message = notify.render(notify.MATERIAL_REQUESTED, {**FACTS, "note": "很" * 200}, LINK)
        assert "…" in message.text_zh and "很" * 20 not in message.text_zh

    def test_completion_names_the_document_numbers(self):
        message = notify.render(notify.COMPLETED, {**FACTS, "documents": ["SQJL-2026-000123"]}, LINK)
        assert "SQJL-2026-000123" in message.text_zh and "SQJL-2026-000123" in message.text_en

    def test_the_email_carries_both_languages_and_the_code_in_its_subject(self):
        message = notify.render(notify.ACCEPTED, FACTS, LINK)
        assert notify.email_body(message).startswith(message.text_zh) and message.text_en in notify.email_body(
            message)
        assert FACTS["code"] in notify.email_subject(message, FACTS["code"])


class TestQuietHours:
    def test_an_sms_due_at_22_00_waits_until_08_00_the_next_morning(self):
        assert notify.not_before(notify.SMS, notify.ACCEPTED, FACTS, beijing(22)) == beijing(8, day=8)

    def test_an_sms_due_at_07_59_waits_until_08_00_that_morning(self):
        assert notify.not_before(notify.SMS, notify.DISPATCHED, FACTS, beijing(7, 59)) == beijing(8)

    def test_an_sms_in_the_day_goes_at_once(self):
        assert notify.not_before(notify.SMS, notify.DISPATCHED, FACTS, beijing(20, 59)) == beijing(20, 59)

    def test_email_and_in_app_ignore_quiet_hours(self):
        assert notify.not_before(notify.EMAIL, notify.ACCEPTED, FACTS, beijing(23)) == beijing(23)
        assert notify.not_before(notify.IN_APP, notify.ACCEPTED, FACTS, beijing(23)) == beijing(23)

    def test_a_deadline_that_falls_today_is_sent_even_at_night(self):
        facts = {"days_left": 0, "valid_until": "2026-12-07"}
        assert notify.not_before(notify.SMS, notify.RECALL_DUE, facts, beijing(6)) == beijing(6)
        week_ahead = {"days_left": 7, "valid_until": "2026-12-14"}
        assert notify.not_before(notify.SMS, notify.RECALL_DUE, week_ahead, beijing(6)) == beijing(8)


class TestOptingOut:
    def test_any_kind_but_material_requests_and_rejections_may_be_turned_off(self):
        assert notify.turned_off(["dispatched", "recall_due"]) == {"dispatched", "recall_due"}
        for kind in ("material_requested", "rejected"):
            with pytest.raises(notify.MandatoryKind):
                notify.turned_off([kind])

    def test_an_unknown_kind_is_refused(self):
        with pytest.raises(ValueError):
            notify.turned_off(["birthday"])

    def test_a_kind_turned_off_is_recorded_as_opted_out_and_never_sent(self):
        deliveries, sms = FakeDeliveries(), RecordingChannel()
        planned = notify.plan("e1", notify.DISPATCHED, FACTS, [notify.Recipient.phone("13912345678")], LINK, NOW,
                              off=["dispatched"])
        deliveries.record(planned)
        notifications.send_due(deliveries, FakeSettings(), {"sms": sms}, lambda: NOW, 5)
        assert [d.status for d in deliveries.records.values()] == [notify.OPTED_OUT] and sms.sent == []

    def test_a_material_request_is_sent_whatever_the_settings_say(self):
        planned = notify.plan("e1", notify.MATERIAL_REQUESTED, FACTS, [notify.Recipient.phone("13912345678")], LINK,
                              NOW, off=["material_requested", "dispatched"])
        assert planned[0].status == notify.QUEUED


class TestOncePerEventRecipientAndChannel:
    def test_the_contact_is_told_by_sms_and_email_and_the_account_in_app(self):
        recipients = notify.enterprise_recipients({"phone": "13912345678", "email": "Li@Example.com"},
                                                  "91320000MA1XXXXX0X", ["13912345678", "13800000000"])
        assert [(r.channel, r.address) for r in recipients] == [
            ("sms", "13912345678"), ("sms", "13800000000"), ("email", "Li@Example.com"),
            ("in_app", "91320000MA1XXXXX0X")]

    def test_an_event_delivered_twice_writes_its_deliveries_once(self):
        deliveries = FakeDeliveries()
        recipients = notify.enterprise_recipients({"phone": "13912345678", "email": "li@example.com"}, "U1")
        first = deliveries.record(notify.plan("e1", notify.ACCEPTED, FACTS, recipients, LINK, NOW))
        again = deliveries.record(notify.plan("e1", notify.ACCEPTED, FACTS, recipients, LINK, NOW + timedelta(1)))
        assert (first, again, len(deliveries.records)) == (3, 0, 3)

    def test_the_key_names_event_recipient_and_channel_and_the_provider_key_is_stable(self):
        key = notify.delivery_key("e1", "phone:13912345678", "sms")
        assert key == "e1:phone:13912345678:sms"
        assert notify.provider_key(key) == notify.provider_key(key) and len(notify.provider_key(key)) == 32

    def test_an_in_app_notice_is_delivered_when_written(self):
        planned = notify.plan("e1", notify.NEW_REQUEST, FACTS, [notify.Recipient.station("321322")], LINK, NOW)
        assert planned[0].status == notify.SENT and planned[0].sent_at == NOW


class TestSending:
    def test_a_due_delivery_is_sent_with_its_key_and_marked_sent(self):
        deliveries, sms = FakeDeliveries(), RecordingChannel()
        deliveries.record(notify.plan("e1", notify.ACCEPTED, FACTS, [notify.Recipient.phone("13912345678")], LINK,
                                      NOW))
        assert notifications.send_due(deliveries, FakeSettings(), {"sms": sms}, lambda: NOW, 5)["sent"] == 1
        assert sms.sent == [("13912345678", notify.render(notify.ACCEPTED, FACTS, LINK).text_zh,
                             "e1:phone:13912345678:sms")]
        assert notifications.send_due(deliveries, FakeSettings(), {"sms": sms}, lambda: NOW, 5)["sent"] == 0

    def test_an_sms_queued_at_22_00_goes_out_at_08_00(self):
        deliveries, sms = FakeDeliveries(), RecordingChannel()
        deliveries.record(notify.plan("e1", notify.DISPATCHED, FACTS, [notify.Recipient.phone("13912345678")], LINK,
                                      beijing(22)))
        notifications.send_due(deliveries, FakeSettings(), {"sms": sms}, lambda: beijing(7, 59, day=8), 5)
        assert sms.sent == []
        notifications.send_due(deliveries, FakeSettings(), {"sms": sms}, lambda: beijing(8, day=8), 5)
        assert len(sms.sent) == 1

    def test_an_sms_waiting_for_08_00_is_not_sent_once_the_enterprise_turned_its_kind_off(self):
        deliveries, sms, settings = FakeDeliveries(), RecordingChannel(), FakeSettings()
        uscc = "91321322MA1ABC123P"
        deliveries.record(notify.plan("e1", notify.DISPATCHED, FACTS, [notify.Recipient.phone("13912345678")], LINK,
                                      beijing(22), uscc=uscc))
        settings.set_off(uscc, [notify.DISPATCHED], beijing(23))  # turned off on /me/notifications overnight
        outcome = notifications.send_due(deliveries, settings, {"sms": sms}, lambda: beijing(8, day=8), 5)
        assert sms.sent == [] and outcome["opted_out"] == 1
        [delivery] = deliveries.records.values()
        assert delivery.status == notify.OPTED_OUT

    def test_a_kind_that_cannot_be_turned_off_is_sent_whatever_the_settings_say_at_sending(self):
        deliveries, sms = FakeDeliveries(), RecordingChannel()
        uscc = "91321322MA1ABC123P"
        deliveries.record(notify.plan("e1", notify.MATERIAL_REQUESTED, FACTS, [notify.Recipient.phone("13912345678")],
                                      LINK, NOW, uscc=uscc))
        settings = FakeSettings({uscc: [notify.MATERIAL_REQUESTED]})
        assert notifications.send_due(deliveries, settings, {"sms": sms}, lambda: NOW, 5)["sent"] == 1

    def test_a_failed_send_is_tried_again_later_with_back_off_then_fails_for_good(self):
        deliveries, email = FakeDeliveries(), RecordingChannel(fail=99)
        deliveries.record(notify.plan("e1", notify.ACCEPTED, FACTS, [notify.Recipient.email("li@example.com")],
                                      LINK, NOW))
        moment, waits = NOW, []
        for _ in range(3):
            notifications.send_due(deliveries, FakeSettings(), {"email": email}, lambda moment=moment: moment, 3)
            record = next(iter(deliveries.records.values()))
            if record.status == notify.QUEUED:
                waits.append((record.not_before - moment).total_seconds())
                moment = record.not_before
        assert waits == [30.0, 60.0]
        assert record.status == notify.FAILED and record.attempts == 3 and "provider down" in record.last_error

    def test_a_permanent_refusal_fails_at_once(self):
        deliveries = FakeDeliveries()
        deliveries.record(notify.plan("e1", notify.ACCEPTED, FACTS, [notify.Recipient.phone("19900001234")], LINK,
                                      NOW))
        notifications.send_due(deliveries, FakeSettings(), {"sms": RecordingChannel(fail=1, permanent=True)}, lambda: NOW, 5)
        assert next(iter(deliveries.records.values())).status == notify.FAILED

    def test_a_sender_that_died_holding_a_delivery_leaves_it_to_another_after_the_lease(self):
        deliveries, sms = FakeDeliveries(), RecordingChannel()
        deliveries.record(notify.plan("e1", notify.ACCEPTED, FACTS, [notify.Recipient.phone("13912345678")], LINK,
                                      NOW))
        claimed = deliveries.claim_due(NOW, notify.LEASE_SECONDS)  # ... and the sender is killed here
        assert claimed is not None and deliveries.claim_due(NOW, notify.LEASE_SECONDS) is None
        later = NOW + timedelta(seconds=notify.LEASE_SECONDS)
        notifications.send_due(deliveries, FakeSettings(), {"sms": sms}, lambda: later, 5)
        assert [key for _, _, key in sms.sent] == [claimed.key]  # the same key: the provider sends it once

    def test_back_off_doubles_and_is_capped_at_an_hour(self):
        assert [(notify.retry_at(n, NOW, max_attempts=20) - NOW).total_seconds() for n in (1, 2, 3, 9)] == [
            30, 60, 120, 3600]
        assert notify.retry_at(5, NOW) is None


class TestWhatStaffSee:
    def test_recipients_are_masked(self):
        assert notify.mask("sms", "13912345678") == "139****5678"
        assert notify.mask("email", "zhang.san@example.com") == "z***@example.com"

    def test_a_request_lists_its_deliveries_with_status_and_the_last_error(self):
        deliveries = FakeDeliveries()
        deliveries.record(notify.plan("e1", notify.ACCEPTED, FACTS, [notify.Recipient.email("li@example.com")],
                                      LINK, NOW))
        notifications.send_due(deliveries, FakeSettings(), {"email": RecordingChannel(fail=1, permanent=True)}, lambda: NOW, 5)
        [row] = notifications.of_request(deliveries, FACTS["code"])
        assert row["recipient"] == "l***@example.com" and row["status"] == "failed" and row["error"]


# -- the consumers' use cases: who an event tells --------------------------------------------
CATALOGUE, STATIONS = reference_data()
USCC = "91321322MA1ABC123P"
CODE = "321322-20261207-00001-7"
LINKS = notifications.Links("https://qi.example.gov.cn")


class FakeSettings:
    def __init__(self, off=None):
        self.kinds_off = off or {}

    def off(self, uscc):
        return list(self.kinds_off.get(uscc, []))

    def set_off(self, uscc, off, now):
        self.kinds_off[uscc] = list(off)


@pytest.fixture
def world():
    requests = RequestRepository(InMemoryDocumentStore())
    accounts = AccountRepository(InMemoryDocumentStore())
    found = ServiceRequest.submit(CODE, CATALOGUE.item("BZ01"), "321322", {"name": "宿迁市测试有限公司", "uscc": USCC},
                                  {"name": "王芳", "phone": "13912345678", "email": "wang@example.com"},
                                  {"query": "GB/T 19001-2016"}, NOW)
    found.accept({"role": "staff", "name": "王"}, NOW)
    requests.add(found)
    return FakeDeliveries(), FakeSettings(), accounts, requests


def gateway_event(event_type, **data):
    return new_envelope("gateway", event_type, {"code": CODE, **data}, request_code=CODE)


def told(world, envelope):
    deliveries, settings, accounts, requests = world
    notifications.record_for_gateway_events(deliveries, settings, accounts, requests, CATALOGUE, shipped_calendar(),
                                            LINKS, [envelope], NOW, store_failures=(Exception,))  # anything raises
    return sorted((d.kind, d.channel, d.recipient) for d in deliveries.records.values()
                  if d.event_id == envelope["event_id"])


class TestWhoAnEventTells:
    def test_acceptance_tells_the_contact_by_sms_and_email_with_the_due_date(self, world):
        envelope = gateway_event("request_accepted")
        assert told(world, envelope) == [("accepted", "email", "email:wang@example.com"),
                                         ("accepted", "sms", "phone:13912345678")]
        sms = next(d for d in world[0].records.values() if d.channel == "sms")
        assert re.search(r"承诺\d{4}-\d\d-\d\d前办结", sms.text) and f"/track?code={CODE}" in sms.text

    def test_an_enterprise_with_an_account_is_told_in_app_too_with_a_link_to_its_page(self, world):
        deliveries, _, accounts, _ = world
        accounts.add(Account.create(USCC, "enterprise", "宿迁市测试有限公司", "hash", NOW, STATIONS, uscc=USCC))
        envelope = gateway_event("request_material_requested", note="请补充执行标准")
        assert ("material_requested", "in_app", f"enterprise:{USCC}") in told(world, envelope)
        assert all(f"/me/requests/{CODE}" in d.text for d in deliveries.records.values())

    def test_a_submission_tells_the_station_and_a_dispatch_also_the_domains_operators(self, world):
        assert told(world, gateway_event("request_submitted")) == [("new_request", "in_app", "station:321322")]
        assert ("new_request", "in_app", "domain:standards") in told(world, gateway_event("request_dispatched"))

    def test_the_enterprises_answer_and_a_due_date_at_risk_tell_the_station(self, world):
        assert told(world, gateway_event("request_supplemented")) == [("supplemented", "in_app", "station:321322")]
        assert told(world, gateway_event("sla_at_risk", due_date="2026-12-07")) == [
            ("sla_at_risk", "in_app", "station:321322")]

    def test_events_nobody_waits_for_tell_no_one(self, world):
        assert told(world, gateway_event("request_rated", level=5)) == []

    def test_a_recall_tells_the_account_its_registered_mobile_and_the_requests_contact(self, world):
        deliveries, settings, accounts, requests = world
        account = Account.register(USCC, "宿迁市测试有限公司", {"name": "李明", "phone": "13800001111"}, "321322", "hash",
                                   NOW, STATIONS)
        account.state = "verified"
        accounts.add(account)
        envelope = new_envelope("metrology", "calibration_due", {
            "uscc": USCC, "instrument_name": "压力表", "valid_until": "2027-01-06", "days_left": 30,
            "days_before": 30, "serial_number": "SN-1", "certificate_number": "SQJL-2026-000001"},
            request_code=CODE)
        notifications.record_recall(deliveries, settings, accounts, requests, LINKS, envelope, NOW)
        assert sorted((d.channel, d.recipient) for d in deliveries.records.values()) == [
            ("email", "email:wang@example.com"), ("in_app", f"enterprise:{USCC}"), ("sms", "phone:13800001111"),
            ("sms", "phone:13912345678")]
        assert all("30天后到期" in d.text for d in deliveries.records.values() if d.channel == "sms")

    def test_a_superseded_standard_tells_its_followers_with_accounts(self, world):
        deliveries, settings, accounts, _ = world
        accounts.add(Account.create(USCC, "enterprise", "宿迁市测试有限公司", "hash", NOW, STATIONS, uscc=USCC))
        ended = StandardEnded("GB/T 1-2009", "superseded", "2026-12-01", replaced_by="GB/T 1-2020",
                              followers=(Follower(USCC, "宿迁市测试有限公司", CODE),
                                         Follower("91321322MA1NOACCT0", "无账户企业")))
        notifications.record_standard_ended(deliveries, settings, accounts, LINKS, "e9", ended, NOW)
        [notice] = deliveries.records.values()
        assert notice.recipient == f"enterprise:{USCC}" and "GB/T 1-2020" in notice.text

    def test_the_settings_may_be_read_and_changed_by_the_enterprise_only(self):
        settings = FakeSettings()
        principal = Principal(USCC, "enterprise", "宿迁市测试有限公司", uscc=USCC)
        changed = notifications.change_settings(settings, principal, ["completed"], NOW)
        assert {k["kind"]: k["on"] for k in changed["kinds"]}["completed"] is False
        with pytest.raises(notify.MandatoryKind):
            notifications.change_settings(settings, principal, ["rejected"], NOW)
        with pytest.raises(Forbidden):
            notifications.settings_of(settings, Principal("staff-321322", "staff", "王", station="321322"))


# -- the relay's confirmed batch: many events, one read of their requests, one write ----------
OTHER_CODE = "321322-20261207-00002-5"


class Counted:
    """A port whose calls are counted by name (the batch is read and written at once)."""

    def __init__(self, port):
        self.port, self.calls = port, {}

    def __getattr__(self, name):
        method = getattr(self.port, name)

        def counted(*args, **kwargs):
            self.calls[name] = self.calls.get(name, 0) + 1
            return method(*args, **kwargs)
        return counted


class CatalogueWithoutItems:
    """A catalogue that has lost its items: a due date cannot be worked out (a bug)."""

    def committed_days(self, item):
        raise LookupError(item)


class SettingsStoreDown:
    def off(self, uscc):
        raise ConnectionError("the store went away")


def submitted_elsewhere(requests):
    requests.add(ServiceRequest.submit(OTHER_CODE, CATALOGUE.item("JL02"), "321302",
                                       {"name": "宿迁市另一有限公司", "uscc": "91321302MA1XYZ456Q"},
                                       {"name": "赵强", "phone": "13700002222"}, {"instruments": []}, NOW))
    return new_envelope("gateway", "request_submitted", {"code": OTHER_CODE}, request_code=OTHER_CODE)


class TestABatchOfEvents:
    def test_every_event_of_the_batch_is_told_from_one_read_of_the_requests_and_one_write(self, world):
        deliveries, settings, accounts, requests = world
        deliveries, requests = Counted(deliveries), Counted(requests)
        batch = [gateway_event("request_accepted"), submitted_elsewhere(requests.port),
                 gateway_event("request_rated", level=5), gateway_event("request_dispatched")]
        new, failed = notifications.record_for_gateway_events(deliveries, settings, accounts, requests, CATALOGUE,
                                                              shipped_calendar(), LINKS, batch, NOW, (ConnectionError,))
        told = sorted((d.kind, d.channel, d.recipient) for d in deliveries.port.records.values())
        assert told == [("accepted", "email", "email:wang@example.com"), ("accepted", "sms", "phone:13912345678"),
                        ("dispatched", "email", "email:wang@example.com"), ("dispatched", "sms", "phone:13912345678"),
                        ("new_request", "in_app", "domain:standards"), ("new_request", "in_app", "station:321302")]
        assert (new, failed) == (6, [])
        assert requests.calls == {"by_codes": 1} and deliveries.calls == {"record": 1}
        again, _ = notifications.record_for_gateway_events(deliveries, settings, accounts, requests, CATALOGUE,
                                                           shipped_calendar(), LINKS, batch, NOW, (ConnectionError,))
        assert again == 0 and len(deliveries.port.records) == 6  # handed on again: told once

    def test_an_event_that_cannot_be_planned_is_set_aside_and_the_others_are_told(self, world):
        deliveries, settings, accounts, requests = world
        accepted, submitted = gateway_event("request_accepted"), submitted_elsewhere(requests)
        new, failed = notifications.record_for_gateway_events(
            deliveries, settings, accounts, requests, CatalogueWithoutItems(), shipped_calendar(), LINKS,
            [accepted, submitted], NOW, store_failures=(ConnectionError,))
        assert failed == [accepted] and new == 1
        assert [d.recipient for d in deliveries.records.values()] == ["station:321302"]

    def test_a_failure_of_the_store_raises_so_that_the_relay_hands_the_batch_on_again(self, world):
        deliveries, _, accounts, requests = world
        with pytest.raises(ConnectionError):
            notifications.record_for_gateway_events(deliveries, SettingsStoreDown(), accounts, requests, CATALOGUE,
                                                    shipped_calendar(), LINKS, [gateway_event("request_accepted")],
                                                    NOW, store_failures=(ConnectionError,))
        assert deliveries.records == {}

    def test_a_long_run_of_events_is_planned_fifty_at_a_time_with_a_read_between(self, world):
        """The relay runs in the gateway's process: planning is work without I/O, so a
        large batch is planned in chunks, each after a read of the store (which lets the
        requests waiting meanwhile run)."""
        deliveries, settings, accounts, requests = world
        counted = Counted(requests)
        batch = [gateway_event("request_submitted") for _ in range(120)]
        told = notifications.record_in_chunks(deliveries, settings, accounts, counted, CATALOGUE, shipped_calendar(),
                                              LINKS, iter(batch), NOW, store_failures=(ConnectionError,))
        assert (told.events, told.new, told.not_planned) == (120, 120, [])
        assert counted.calls == {"by_codes": 3}  # 50 + 50 + 20
