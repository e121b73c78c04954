"""Reading an operator's command: the JSON body (none at all is an empty command),
checked by a form, and made ready for an RPC (dates as ISO text, blanks left out so the
service's own defaults apply). Shared by the certification and standards endpoints.
"""

from datetime import UTC, datetime

from marshmallow import ValidationError, fields

from ....common.clock import china_date
from ..errors import read_json_object
from .intake import FIELD_ERRORS


def command_from(request, form):
    body = read_json_object(request) if _has_body(request) else {}
    return load_command(form, body)


def load_command(form, body):
    schema = form()
    loaded = schema.dump(schema.load(body))
    return {name: value for name, value in loaded.items() if value is not None}


def today():
    """Today in China: the day operators date their work by."""
    return china_date(datetime.now(UTC))


def day(validate=None):
    """An optional ISO date field."""
    return fields.Date(
        required=False,
        allow_none=True,
        validate=validate,
        error_messages={**FIELD_ERRORS, "invalid": "not_a_date", "format": "not_a_date"},
    )


def needs_comments_when(data, field, value):
    """A refusal or a request for changes says why."""
    if data.get(field) == value and not data.get("comments"):
        raise ValidationError({"comments": ["required"]})


def _has_body(request):
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"
