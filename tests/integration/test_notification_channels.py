"""The notifier's channels and records on real parts (issue 29 §2):

* the Alibaba Cloud SMS adapter against a local HTTP server that checks each request as
  Aliyun documents SendSms (RPC style, signature version 1.0, HMAC-SHA1);
* the SMTP mailer against a real local SMTP server (aiosmtpd);
* the delivery records on the real Mongo-wire server: written once per key, claimed by
  one sender at a time, and an SMS queued at 22:00 sent at 08:00 by the clock the test sets.
"""

import base64
import hashlib
import hmac
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote

import pytest
from aiosmtpd.controller import Controller

from services.common.clock import CHINA
from services.common.devstack import free_port
from services.gateway.adapters.channels import AliyunSms, SendFailed, SmtpMailer
from services.gateway.adapters.notifications import MongoDeliveries
from services.gateway.domain import notifications as notify
from services.gateway.handlers import notifications

pytestmark = pytest.mark.integration

ACCESS_KEY_ID, SECRET = "LTAI-test-key", "test-secret-0123456789"
REQUIRED = {"AccessKeyId", "Action", "Format", "RegionId", "SignatureMethod", "SignatureNonce", "SignatureVersion",
            "Timestamp", "Version", "PhoneNumbers", "SignName", "TemplateCode", "Signature"}


def documented_signature(method, parameters, secret):
    """Aliyun's RPC signature as its documentation spells it, written out apart from the
    adapter: percent-encode (RFC 3986, '~' kept), sort by name, sign
    ``METHOD&%2F&encode(query)`` with HMAC-SHA1 under ``secret&``, base64."""
    def encode(text):
        return quote(str(text), safe="~")

    query = "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(parameters.items()) if k != "Signature")
    to_sign = f"{method}&{encode('/')}&{encode(query)}"
    return base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class FakeAliyun:
    """A local HTTP server that answers SendSms as Aliyun does, having checked it."""

    def __init__(self, answer=None):
        self.calls, self.problems = [], []
        self.answer = answer or {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "r"}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                owner.check(form, self.headers.get("Content-Type", ""))
                payload = json.dumps(owner.answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def check(self, form, content_type):
        self.calls.append(form)
        if not content_type.startswith("application/x-www-form-urlencoded"):
            self.problems.append(f"content type {content_type}")
        if missing := REQUIRED - set(form):
            self.problems.append(f"missing {sorted(missing)}")
        expected = {"Action": "SendSms", "Version": "2017-05-25", "SignatureMethod": "HMAC-SHA1",
                    "SignatureVersion": "1.0", "Format": "JSON", "AccessKeyId": ACCESS_KEY_ID}
        self.problems += [f"{k}={form.get(k)}" for k, v in expected.items() if form.get(k) != v]
        try:
            stamp = datetime.strptime(form.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            if abs((datetime.now(UTC) - stamp).total_seconds()) > 900:
                self.problems.append("timestamp not within 15 minutes")
        except ValueError:
            self.problems.append("timestamp not ISO 8601 UTC")
        if form.get("Signature") != documented_signature("POST", form, SECRET):
            self.problems.append("signature does not verify")
        json.loads(form.get("TemplateParam", "{}"))

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def aliyun():
    server = FakeAliyun()
    yield server
    server.stop()


def sms_adapter(url):
    return AliyunSms(url, ACCESS_KEY_ID, SECRET, "宿迁质量", "SMS_123456789", clock=lambda: datetime.now(UTC))


class TestAlibabaCloudSms:
    def test_send_sms_is_signed_and_shaped_as_aliyun_documents_it(self, aliyun):
        sms_adapter(aliyun.url).send("13912345678", "已受理", "您的办件 321322-20261207-00001-7 已受理 ~*", "e1:k:sms")
        assert aliyun.problems == []
        [call] = aliyun.calls
        assert call["PhoneNumbers"] == "13912345678" and call["SignName"] == "宿迁质量"
        assert json.loads(call["TemplateParam"]) == {"content": "您的办件 321322-20261207-00001-7 已受理 ~*"}
        assert call["OutId"] == notify.provider_key("e1:k:sms")

    def test_a_retried_send_carries_the_same_out_id_and_a_fresh_nonce(self, aliyun):
        adapter = sms_adapter(aliyun.url)
        adapter.send("13912345678", "", "第一次", "e1:k:sms")
        adapter.send("13912345678", "", "第一次", "e1:k:sms")
        first, second = aliyun.calls
        assert first["OutId"] == second["OutId"] and first["SignatureNonce"] != second["SignatureNonce"]

    def test_a_refused_number_is_a_permanent_failure_and_throttling_is_not(self):
        refused = FakeAliyun({"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "illegal"})
        throttled = FakeAliyun({"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "limit"})
        try:
            with pytest.raises(SendFailed) as permanent:
                sms_adapter(refused.url).send("19900001234", "", "x", "k")
            with pytest.raises(SendFailed) as passing:
                sms_adapter(throttled.url).send("13912345678", "", "x", "k")
        finally:
            refused.stop()
            throttled.stop()
        assert permanent.value.permanent and not passing.value.permanent

    def test_an_unreachable_api_is_a_failure_to_try_again(self):
        with pytest.raises(SendFailed) as failed:
            sms_adapter(f"http://127.0.0.1:{free_port()}/").send("13912345678", "", "x", "k")
        assert not failed.value.permanent


class Catcher:
    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address.endswith("@refused.invalid"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp_server():
    catcher = Catcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield catcher, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def relay_certificates(tmp_path_factory):
    """A CA of the organisation's own and the relay's certificate for 127.0.0.1, signed by it."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    def certificate(subject, issuer, public_key, signing_key, ca):
        now = datetime.now(UTC)
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=30))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        return builder.sign(signing_key, hashes.SHA256())

    ca_key, relay_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "QI test CA")])
    ca = certificate(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    relay = certificate(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]), ca_name,
                        relay_key.public_key(), ca_key, ca=False)
    folder = tmp_path_factory.mktemp("relay-tls")
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "relay.pem").write_bytes(relay.public_bytes(serialization.Encoding.PEM))
    (folder / "relay.key").write_bytes(relay_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return folder


@pytest.fixture
def starttls_relay(relay_certificates):
    """A relay that takes mail only after STARTTLS, with a certificate our own CA signed."""
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(relay_certificates / "relay.pem", relay_certificates / "relay.key")
    catcher = Catcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True)
    controller.start()
    yield catcher, controller.port
    controller.stop()


class TestSmtp:
    def test_starttls_sends_to_a_relay_our_ca_signed_when_given_that_ca(self, starttls_relay, relay_certificates):
        catcher, port = starttls_relay
        SmtpMailer("127.0.0.1", port, "noreply@qi.local", starttls=True,
                   ca_file=str(relay_certificates / "ca.pem")).send("li@example.com", "已受理", "正文", "k-tls")
        [(recipients, _)] = catcher.messages
        assert recipients == ["li@example.com"]

    def test_starttls_sends_nothing_to_a_relay_it_cannot_verify(self, starttls_relay):
        # The system's CAs do not know the relay's: the login and the mail must not follow.
        catcher, port = starttls_relay
        with pytest.raises(SendFailed) as failed:
            SmtpMailer("127.0.0.1", port, "noreply@qi.local", starttls=True, timeout=5).send(
                "li@example.com", "已受理", "正文", "k-tls")
        assert not failed.value.permanent  # a relay fixed or a CA file set, and it goes out
        assert "certificate" in str(failed.value).lower()
        assert catcher.messages == []

    def test_a_message_reaches_the_smtp_server_with_the_key_in_its_message_id(self, smtp_server):
        catcher, port = smtp_server
        SmtpMailer("127.0.0.1", port, "QI <noreply@qi.example.gov.cn>").send(
            "li@example.com", "已受理 / Accepted", "您的办件已受理。\n\nYour request was accepted.", "e1:email:x:email")
        [(recipients, content)] = catcher.messages
        assert recipients == ["li@example.com"]
        assert f"<{notify.provider_key('e1:email:x:email')}@qi.example.gov.cn>" in content
        assert "Subject:" in content

    def test_a_refused_address_is_a_permanent_failure(self, smtp_server):
        _, port = smtp_server
        with pytest.raises(SendFailed) as failed:
            SmtpMailer("127.0.0.1", port, "noreply@qi.local").send("x@refused.invalid", "s", "t", "k")
        assert failed.value.permanent

    def test_no_server_is_a_failure_to_try_again(self):
        with pytest.raises(SendFailed) as failed:
            SmtpMailer("127.0.0.1", free_port(), "noreply@qi.local", timeout=2).send("li@example.com", "s", "t", "k")
        assert not failed.value.permanent


@pytest.fixture
def deliveries(mongo_client, db_prefix):
    store = MongoDeliveries(mongo_client[f"{db_prefix}gateway"].notifications)
    store.ensure_indexes()
    return store


FACTS = {"code": "321322-20261207-00001-7", "item": "JL02", "domain": "metrology"}


class NoSettings:
    """An enterprise that turned nothing off."""

    def off(self, uscc):
        return []


NO_SETTINGS = NoSettings()


class TestDeliveryRecords:
    def test_an_event_recorded_twice_is_one_record_per_key_and_a_sent_one_stays_sent(self, deliveries):
        now = datetime(2026, 12, 7, 3, tzinfo=UTC)
        recipients = [notify.Recipient.phone("13912345678"), notify.Recipient.email("li@example.com")]
        assert deliveries.record(notify.plan("e1", notify.ACCEPTED, FACTS, recipients, "L", now)) == 2
        sent = deliveries.claim_due(now, 60)
        deliveries.mark_sent(sent.key, sent.attempts, now)
        assert deliveries.record(notify.plan("e1", notify.ACCEPTED, FACTS, recipients, "L", now)) == 0
        assert deliveries.get(sent.key).status == notify.SENT
        assert len(deliveries.of_request(FACTS["code"])) == 2
        # the same event for one more recipient: only that one is new (one write for all)
        more = [*recipients, notify.Recipient.phone("13800000000")]
        assert deliveries.record(notify.plan("e1", notify.ACCEPTED, FACTS, more, "L", now)) == 1
        assert deliveries.get(sent.key).status == notify.SENT
        assert len(deliveries.of_request(FACTS["code"])) == 3

    def test_a_claimed_delivery_is_no_other_senders_until_its_lease_ends(self, deliveries):
        now = datetime(2026, 12, 7, 3, tzinfo=UTC)
        deliveries.record(notify.plan("e2", notify.ACCEPTED, FACTS, [notify.Recipient.phone("13912345678")], "L",
                                      now))
        first = deliveries.claim_due(now, 60)
        assert first is not None and deliveries.claim_due(now + timedelta(seconds=59), 60) is None
        again = deliveries.claim_due(now + timedelta(seconds=61), 60)
        assert again.key == first.key and again.attempts == 2
        assert not deliveries.mark_sent(first.key, first.attempts, now)  # the first sender's claim is gone
        assert deliveries.mark_sent(again.key, again.attempts, now)

    def test_a_claimed_delivery_turned_off_is_kept_as_opted_out_and_not_claimed_again(self, deliveries):
        now = datetime(2026, 12, 7, 10, tzinfo=CHINA)
        deliveries.record(notify.plan("e4", notify.ACCEPTED, FACTS, [notify.Recipient.phone("13912345678")], "L",
                                      now, uscc="91321322MA1ABC123P"))
        claimed = deliveries.claim_due(now, notify.LEASE_SECONDS)
        deliveries.mark_opted_out(claimed.key, claimed.attempts, now)
        assert deliveries.get(claimed.key).status == notify.OPTED_OUT
        assert deliveries.claim_due(now + timedelta(hours=1), notify.LEASE_SECONDS) is None

    def test_an_sms_due_at_22_00_goes_out_at_08_00(self, deliveries, aliyun):
        at_ten = datetime(2026, 12, 7, 22, tzinfo=CHINA)
        deliveries.record(notify.plan("e3", notify.DISPATCHED, FACTS, [notify.Recipient.phone("13912345678")], "L",
                                      at_ten))
        channels = {"sms": sms_adapter(aliyun.url)}
        for moment in (at_ten, datetime(2026, 12, 7, 23, 59, tzinfo=CHINA), datetime(2026, 12, 8, 7, 59, tzinfo=CHINA)):
            notifications.send_due(deliveries, NO_SETTINGS, channels, lambda moment=moment: moment, 5)
        assert aliyun.calls == []
        notifications.send_due(deliveries, NO_SETTINGS, channels, lambda: datetime(2026, 12, 8, 8, tzinfo=CHINA), 5)
        assert len(aliyun.calls) == 1 and aliyun.problems == []
        assert deliveries.get(notify.delivery_key("e3", "phone:13912345678", "sms")).status == notify.SENT


class TestPhonesStoredBefore:
    def test_phones_kept_as_typed_are_normalised_once_and_others_left_alone(self, mongo_client, db_prefix):
        from services.gateway.adapters.phone_migration import normalise_stored_phones

        database = mongo_client[f"{db_prefix}gateway"]
        database.requests.insert_many([{"_id": "a", "contact": {"phone": "139-1234-5678"}},
                                       {"_id": "b", "contact": {"phone": "13800001111"}},
                                       {"_id": "c", "contact": {"phone": "0527-88881234"}}])
        database.accounts.insert_one({"_id": "u", "version": 3, "registration": {"contact": {"phone": "+86 137 0000 2222"}},
                                      "contacts": [{"name": "王芳", "phone": "１３９ １２３４ ５６７８"}]})
        assert normalise_stored_phones(database) == 3
        assert [r["contact"]["phone"] for r in database.requests.find().sort("_id", 1)] == [
            "13912345678", "13800001111", "0527-88881234"]
        account = database.accounts.find_one({"_id": "u"})
        assert account["registration"]["contact"]["phone"] == "13700002222"
        assert account["contacts"] == [{"name": "王芳", "phone": "13912345678"}]
        assert account["version"] == 5  # a writer that read it before is told of the change
        database.requests.insert_one({"_id": "d", "contact": {"phone": "139 0000 0000"}})
        assert normalise_stored_phones(database) == 0  # once: recorded in migrations


class TestTheDevOutbox:
    """``python -m services.gateway.cli.dev_outbox``: what make run sends SMS and e-mail to,
    and the page that lists them, which answers in dev mode only."""

    def test_it_catches_both_channels_and_the_page_lists_them_in_dev_mode_only(self):
        from nameko import config as nameko_config
        from werkzeug.test import EnvironBuilder
        from werkzeug.wrappers import Request

        from services.gateway.cli.dev_outbox import serve
        from services.gateway.web.pages.notifications import NotificationPages

        smtp_port, http_port = free_port(), free_port()
        outbox, stop = serve(smtp_port, http_port)
        try:
            SmtpMailer("127.0.0.1", smtp_port, "noreply@qi.local").send("li@example.com", "已受理", "正文", "k1")
            sms_adapter(f"http://127.0.0.1:{http_port}/").send("13912345678", "", "办件已受理", "k2")
            with pytest.raises(SendFailed):
                sms_adapter(f"http://127.0.0.1:{http_port}/").send("19900001234", "", "x", "k3")
            assert [(m["channel"], m["to"], m["key"]) for m in outbox.listed()] == [
                ("email", "li@example.com", notify.provider_key("k1")),
                ("sms", "13912345678", notify.provider_key("k2"))]

            def page(env):
                request = Request(EnvironBuilder(path="/dev/outbox").get_environ())
                settings = {"QI_ENV": env, "DEV_OUTBOX_URL": f"http://127.0.0.1:{http_port}",
                            "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex}  # a production-worthy key
                with nameko_config.patch(settings):
                    return NotificationPages.dev_outbox_page(None, request)

            listed = page("dev")
            assert listed.status_code == 200 and "办件已受理" in listed.get_data(as_text=True)
            assert page("production").status_code == 404
        finally:
            stop()
