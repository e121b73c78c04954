"""What the enterprise's own pages take (issue 29 §1, ``/me``): the filters of its list
of requests, a colleague's contact, the instruments to renew, a standard to unfollow."""

from marshmallow import ValidationError, post_load, validates

from ....common.commands import text_list
from ...domain.model import ALL_STATUSES
from ...domain.phones import InvalidPhone, normalize_mainland_mobile
from ...domain.request_search import MAX_SEARCH, OPEN
from ...handlers.renewals import MAX_BATCH
from ..api.instruments import MAX_SERIAL_NUMBER
from .intake import FormSchema, integer, text
from .service_levels import ItemAndPeriodSchema


class MyRequestsFiltersSchema(ItemAndPeriodSchema):
    """``status`` (or ``open``: not finished), ``item``, the days submitted (``from``,
    ``to``: China dates, both included), ``q`` (a request code or a serial number) and
    the page's ``offset``. Given the catalogue when made."""

    status = text(30, required=False, choices=[OPEN, *ALL_STATUSES])
    q = text(MAX_SEARCH, required=False)
    offset = integer(0, 10**6, required=False)


class ContactFormSchema(FormSchema):
    """A colleague: a name and a mainland mobile typed any usual way, kept as 11 digits."""

    name = text(50)
    phone = text(30)

    @validates("phone")
    def _mobile(self, value, **kwargs):
        try:
            normalize_mainland_mobile(value)
        except InvalidPhone as exc:
            raise ValidationError("mobile_phone") from exc

    @post_load
    def _normalised(self, data, **kwargs):
        return {**data, "name": data["name"].strip(), "phone": normalize_mainland_mobile(data["phone"])}


class RemoveContactSchema(FormSchema):
    phone = text(30)


class RenewalsFormSchema(FormSchema):
    """The instruments ticked (or the one whose button was pressed) to renew."""

    serial_numbers = text_list(MAX_SERIAL_NUMBER, 1, MAX_BATCH)


class UnfollowSchema(FormSchema):
    number = text(64)
