"""The dev outbox: where SMS and e-mail go in dev mode instead of the world.

    python -m services.gateway.cli.dev_outbox --smtp-port 8025 --http-port 8026

``make run`` (services/common/devstack.py) starts it and points the gateway at it:

* an SMTP server (aiosmtpd) that takes every message, except for addresses at
  ``refused.invalid``, which it refuses (550) so a failed send can be seen in dev;
* an HTTP endpoint that answers Alibaba Cloud SMS's ``SendSms`` as the real API does
  (``{"Code": "OK", "BizId": …}``), for numbers ``1990000xxxx`` with
  ``isv.MOBILE_NUMBER_ILLEGAL`` instead (a refused number);
* ``GET /messages``: every message it received, in order, as JSON (the gateway's
  ``/dev/outbox`` page lists them; the tests and the fault suite count them by ``key``,
  the provider idempotency key the notifier sent: the SMS's OutId, the e-mail's
  Message-ID).

It keeps every message it is sent, a repeat of a key too, so a send made twice shows as
two. With ``--store`` they are also appended to a JSON-lines file. Dev and tests only:
aiosmtpd is a dev dependency.
"""

import argparse
import json
import threading
import time
import uuid
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

REFUSED_DOMAIN = "@refused.invalid"
REFUSED_NUMBERS = "1990000"


class Outbox:
    def __init__(self, store: Path | None = None) -> None:
        self.messages: list[dict] = []
        self.store = store
        self.lock = threading.Lock()

    def keep(self, message: dict) -> None:
        message = {**message, "received_at": time.time()}
        with self.lock:
            self.messages.append(message)
            if self.store is not None:
                with self.store.open("a", encoding="utf-8") as lines:
                    lines.write(json.dumps(message, ensure_ascii=False) + "\n")

    def listed(self) -> list[dict]:
        with self.lock:
            return list(self.messages)


class SmtpHandler:
    """aiosmtpd's handler: refuses the refused domain, keeps the rest."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if address.lower().endswith(REFUSED_DOMAIN):
            return "550 5.1.1 mailbox unavailable (the dev outbox refuses this domain)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        message_id = str(parsed.get("Message-ID", "")).strip("<>")
        body = parsed.get_body(preferencelist=("plain",))
        for recipient in envelope.rcpt_tos:
            self.outbox.keep({"channel": "email", "to": recipient, "subject": str(parsed.get("Subject", "")),
                              "text": body.get_content() if body is not None else "",
                              "key": message_id.split("@")[0], "message_id": message_id})
        return "250 Message accepted"


def http_handler(outbox: Outbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _json(self, status: int, payload) -> None:
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path.split("?")[0] == "/messages":
                self._json(200, {"messages": outbox.listed()})
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
            if form.get("Action") != "SendSms":
                self._json(400, {"Code": "InvalidAction", "Message": "only SendSms"})
                return
            phone = form.get("PhoneNumbers", "")
            if phone.startswith(REFUSED_NUMBERS):
                self._json(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "dev outbox refuses this number",
                                 "RequestId": uuid.uuid4().hex})
                return
            try:
                text = json.loads(form.get("TemplateParam") or "{}").get("content", "")
            except ValueError:
                text = form.get("TemplateParam", "")
            outbox.keep({"channel": "sms", "to": phone, "subject": form.get("SignName", ""), "text": text,
                         "key": form.get("OutId", "")})
            self._json(200, {"Code": "OK", "Message": "OK", "BizId": uuid.uuid4().hex, "RequestId": uuid.uuid4().hex})

        def log_message(self, format, *args) -> None:  # noqa: A002 - http.server's name
            pass

    return Handler


def serve(smtp_port: int, http_port: int, store: Path | None = None, host: str = "127.0.0.1"):
    """Start both servers (in threads of their own); returns (outbox, stop)."""
    from aiosmtpd.controller import Controller

    outbox = Outbox(store)
    controller = Controller(SmtpHandler(outbox), hostname=host, port=smtp_port)
    controller.start()
    server = ThreadingHTTPServer((host, http_port), http_handler(outbox))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        controller.stop()

    return outbox, stop


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--http-port", type=int, default=8026)
    parser.add_argument("--store", type=Path, default=None, help="append every message to this JSON-lines file")
    args = parser.parse_args(argv)
    _, stop = serve(args.smtp_port, args.http_port, args.store)
    print(f"dev outbox: SMTP on 127.0.0.1:{args.smtp_port}, SMS API and /messages on "
          f"http://127.0.0.1:{args.http_port}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
