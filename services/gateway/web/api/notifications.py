"""The enterprise's notification settings (issue 29 §2): which kinds of notice it wants.

Only the enterprise's own verified account reads or changes its settings; 补正 and
rejection cannot be turned off (422 beside ``off``).
"""

from ...handlers import notifications
from ..apidoc import BODY, SIGNED_IN, documented
from ..auth import require_principal
from ..errors import json_endpoint, read_json_object, request_language
from ..messages import message
from ..schemas.notifications import NotificationSettingsSchema, NotificationSettingsViewSchema
from ..server import http

SETTINGS = "/api/v1/notifications/settings"
SETTINGS_FORM = NotificationSettingsSchema()
SETTINGS_VIEW = NotificationSettingsViewSchema()


def settings_view(settings, lang):
    return SETTINGS_VIEW.dump({"kinds": [{**kind, "label": message(f"notify.kind.{kind['kind']}", lang)}
                                         for kind in settings["kinds"]]})


class NotificationsApi:
    @http("GET", SETTINGS)
    @documented("The signed-in enterprise's notification settings", tags=["notifications"], auth="bearer",
                responses={200: NotificationSettingsViewSchema}, errors=[*SIGNED_IN],
                description="Each kind of notice the enterprise receives, whether it is on, and whether it is "
                "mandatory (补正 `material_requested` and `rejected` are always sent).")
    @json_endpoint
    def notification_settings(self, request):
        settings = notifications.settings_of(self.gateway.notification_settings, require_principal(request))
        return settings_view(settings, request_language(request))

    @http("PUT", SETTINGS)
    @documented(
        "The signed-in enterprise turns kinds of notice off (and every other one on)", tags=["notifications"],
        auth="bearer", body=NotificationSettingsSchema, responses={200: NotificationSettingsViewSchema},
        errors=[*BODY, *SIGNED_IN, 422],
        description="`off` lists the kinds not wanted; a kind not listed is on. Turning off "
        "`material_requested` (补正) or `rejected` is 422 `notification_mandatory` beside `off`. A kind turned "
        "off is still recorded on the request (status `opted_out`) and never sent.")
    @json_endpoint
    def change_notification_settings(self, request):
        principal = require_principal(request)
        command = SETTINGS_FORM.load(read_json_object(request))
        gateway = self.gateway
        settings = notifications.change_settings(gateway.notification_settings, principal, command["off"],
                                                 gateway.now())
        return settings_view(settings, request_language(request))
