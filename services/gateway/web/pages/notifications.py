"""The notifier's pages (issue 29 §2): the enterprise's notification settings and its
messages (``/me/notifications``), and in dev mode the local catcher's messages
(``/dev/outbox``, 404 in any other mode)."""

import re

import httpx
from marshmallow import ValidationError

from ....common.config import setting
from ...adapters.channels import dev_outbox_messages
from ...domain.notifications import ENTERPRISE_KINDS
from ...handlers import notifications
from ..messages import localize, message
from ..schemas.notifications import NotificationSettingsSchema
from ..server import http
from ..templating import page_endpoint, page_language, render
from .enterprise import _done
from .session import enterprise_session, posted_from, signed_in

# The link an SMS or e-mail ends with: on a page the request's own link stands beside it.
TRAILING_LINK = re.compile(r"[：:]\s*https?://\S+$")


def inbox_view(deliveries, lang):
    """In-app notices as a page shows them: the words in the reader's language, the request."""
    return [{"kind": delivery.kind, "label": message(f"notify.kind.{delivery.kind}", lang),
             "text": TRAILING_LINK.sub("", delivery.text_en if lang == "en" else delivery.text),
             "at": delivery.created_at.isoformat(), "request_code": delivery.request_code}
            for delivery in deliveries]


def _settings_page(service, request, session, saved=False, problem=None, status=200, errors=None):
    gateway, lang = service.gateway, page_language(request)
    settings = notifications.settings_of(gateway.notification_settings, session.principal)
    kinds = [{**kind, "label": message(f"notify.kind.{kind['kind']}", lang)} for kind in settings["kinds"]]
    inbox = inbox_view(notifications.enterprise_inbox(gateway.deliveries, session.principal, 50), lang)
    return session.finish(render(request, "me_notifications.html", status=status, session=session, kinds=kinds,
                                 inbox=inbox, saved=saved, problem=problem, errors=errors or {}))


class NotificationPages:
    @http("GET", "/me/notifications")
    @page_endpoint
    @signed_in(enterprise_session, after="/me/notifications")
    def my_notifications_page(self, request, session):
        return _settings_page(self, request, session, saved=bool(request.args.get("saved")))

    @http("POST", "/me/notifications")
    @page_endpoint
    @posted_from(enterprise_session, _settings_page)
    def my_notifications_save(self, request, session):
        gateway = self.gateway
        wanted = set(request.form.getlist("on"))
        try:
            command = NotificationSettingsSchema().load(
                {"off": [kind for kind in ENTERPRISE_KINDS if kind not in wanted and kind in
                         notifications.notify.OPTIONAL_KINDS]})
        except ValidationError as exc:
            return _settings_page(self, request, session, status=422,
                                  errors=localize(exc.messages, page_language(request)))
        notifications.change_settings(gateway.notification_settings, session.principal, command["off"],
                                      gateway.now())
        return _done(session, request, "/me/notifications", [("saved", "1")])

    @http("GET", "/dev/outbox")
    @page_endpoint
    def dev_outbox_page(self, request):
        """What the dev outbox caught (dev mode only: elsewhere there is no such page)."""
        if setting("QI_ENV") != "dev" or not setting("DEV_OUTBOX_URL"):
            return render(request, "message.html", status=404, key="page.not_found", params={})
        try:
            caught = dev_outbox_messages(setting("DEV_OUTBOX_URL"), timeout=5)
        except (httpx.HTTPError, ValueError, KeyError):
            caught = []
        return render(request, "dev_outbox.html", messages=list(reversed(caught)))
