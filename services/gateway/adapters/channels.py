"""The notifier's channels behind two small ports: ``send(address, subject, text, key)``.

* :class:`AliyunSms`: Alibaba Cloud SMS (dysmsapi ``SendSms``, RPC style, signature
  version 1.0 with HMAC-SHA1) over httpx; the vendor's SDK is not needed for one call.
  The SMS template named by SMS_TEMPLATE_CODE takes one variable, ``content``. The
  delivery's key goes as ``OutId``, so a send retried after a crash carries the key the
  first one had.
* :class:`SmtpMailer`: e-mail over SMTP (smtplib), the delivery's key in the Message-ID.

Both raise :class:`SendFailed` (``permanent`` when trying again cannot help: the provider
refused the number or the address).
"""

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol
from urllib.parse import quote

import httpx

from ..domain.notifications import provider_key


class SendFailed(Exception):
    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Channel(Protocol):
    def send(self, address: str, subject: str, text: str, key: str) -> None: ...


# -- Alibaba Cloud SMS --------------------------------------------------------------------------
ALIYUN_SMS_VERSION = "2017-05-25"
# Refusals about the message itself (a bad number, a template or signature not approved):
# the same request will be refused again.
ALIYUN_PERMANENT_PREFIXES = ("isv.MOBILE_NUMBER_ILLEGAL", "isv.TEMPLATE", "isv.SMS_TEMPLATE", "isv.SMS_SIGNATURE",
                             "isv.INVALID_PARAMETERS", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.DENY_IP_RANGE")


def percent_encode(text: str) -> str:
    """Aliyun's POP encoding: RFC 3986 (``~`` kept; space as %20, ``*`` as %2A)."""
    return quote(text, safe="~")


def aliyun_signature(method: str, parameters: dict[str, str], secret: str) -> str:
    """Signature version 1.0: HMAC-SHA1 over ``METHOD&%2F&<encoded canonical query>``
    with the key ``secret + "&"``, base64."""
    canonical = "&".join(f"{percent_encode(name)}={percent_encode(parameters[name])}" for name in sorted(parameters))
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
    def __init__(self, endpoint: str, access_key_id: str, access_key_secret: str, sign_name: str,
                 template_code: str, clock: Callable[[], datetime], region: str = "cn-hangzhou",
                 timeout: float = 10.0) -> None:
        # ``clock``: the wall clock, always: Aliyun refuses a Timestamp 15 minutes off.
        self.endpoint, self.clock = endpoint, clock
        self.access_key_id, self.access_key_secret = access_key_id, access_key_secret
        self.sign_name, self.template_code, self.region = sign_name, template_code, region
        # One client for the process's sends: a client made for each call (``httpx.post``)
        # loads the CA bundle every time, about 30 ms of CPU per SMS against 1 ms.
        self.http = httpx.Client(timeout=timeout)

    def parameters(self, phone: str, text: str, key: str) -> dict[str, str]:
        """The signed form of one SendSms call."""
        moment = self.clock().astimezone(UTC)
        parameters = {
            "AccessKeyId": self.access_key_id, "Action": "SendSms", "Format": "JSON", "RegionId": self.region,
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
            "Timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": ALIYUN_SMS_VERSION,
            "PhoneNumbers": phone, "SignName": self.sign_name, "TemplateCode": self.template_code,
            "TemplateParam": json.dumps({"content": text}, ensure_ascii=False), "OutId": provider_key(key),
        }
        parameters["Signature"] = aliyun_signature("POST", parameters, self.access_key_secret)
        return parameters

    def send(self, address: str, subject: str, text: str, key: str) -> None:
        try:
            answer = self.http.post(self.endpoint, data=self.parameters(address, text, key))
        except httpx.HTTPError as exc:
            raise SendFailed(f"SMS API unreachable: {exc}") from exc
        try:
            body = answer.json()
        except ValueError as exc:
            raise SendFailed(f"SMS API answered {answer.status_code} without JSON") from exc
        code = str(body.get("Code", ""))
        if code != "OK":
            raise SendFailed(f"SMS API: {code} {body.get('Message', '')}".strip(),
                             permanent=code.startswith(ALIYUN_PERMANENT_PREFIXES))


# -- SMTP ---------------------------------------------------------------------------------------
class SmtpMailer:
    def __init__(self, host: str, port: int, sender: str, username: str = "", password: str = "",
                 starttls: bool = False, timeout: float = 10.0, ca_file: str = "") -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.timeout = username, password, timeout
        # STARTTLS checks the relay's certificate and name (smtplib's own default does not,
        # and the login follows): against the system's CAs, or ``ca_file`` for a relay with
        # a certificate of the organisation's own CA. Made once: loading CAs costs ~30 ms.
        self.tls = ssl.create_default_context(cafile=ca_file or None) if starttls else None

    def message(self, address: str, subject: str, text: str, key: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = address
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        domain = self.sender.rpartition("@")[2].strip("> ") or "qi.local"
        message["Message-ID"] = f"<{provider_key(key)}@{domain}>"
        message.set_content(text)
        return message

    def send(self, address: str, subject: str, text: str, key: str) -> None:
        message = self.message(address, subject, text, key)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.tls is not None:
                    smtp.starttls(context=self.tls)
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise SendFailed(f"address refused: {exc}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise SendFailed(f"SMTP: {exc}") from exc


class Unconfigured:
    """A channel without settings: every send fails (and is retried), so a missing
    setting shows as failed deliveries instead of vanishing messages."""

    def __init__(self, what: str) -> None:
        self.what = what

    def send(self, address: str, subject: str, text: str, key: str) -> None:
        raise SendFailed(f"{self.what} is not configured")


def dev_outbox_messages(outbox_url: str, timeout: float = 10) -> list[dict[str, object]]:
    """What the dev outbox (``python -m services.gateway.cli.dev_outbox``) has caught, in
    the order it came: read by the dev-only page and by the dev stack's tests."""
    answer = httpx.get(f"{outbox_url.rstrip('/')}/messages", timeout=timeout)
    answer.raise_for_status()
    messages: list[dict[str, object]] = answer.json()["messages"]
    return messages
