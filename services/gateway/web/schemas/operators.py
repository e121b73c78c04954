"""Reading an operator's command: the JSON body (none at all is an empty command),
checked by a form, and made ready for an RPC (dates as ISO text, blanks left out so the
service's own defaults apply). Shared by the certification, standards and laboratory
endpoints, and the forms they share (a written answer).
"""

from marshmallow import ValidationError

from ....common.commands import EARLIEST_DAY, PlausibleDay
from ..errors import read_json_object
from .intake import FileReferenceSchema, FormSchema, nested_list, text

MAX_ANSWER_FILES = 20


class WrittenAnswerForm(FormSchema):
    """A written answer (BZ01/BZ03/BZ04; JL04 and JC03 as ``ConsultingAnswerForm``): the
    words, and the files attached, as uploads (``POST /api/v1/files``) named by id."""

    answer = text(10000)
    attachments = nested_list(FileReferenceSchema, 0, MAX_ANSWER_FILES, required=False)


class ConsultingAnswerForm(WrittenAnswerForm):
    """A laboratory's written answer (JL04 计量咨询, JC03 检测能力咨询): its jobs keep shorter answers."""

    answer = text(4000)


def command_from(request, form, today):
    body = read_json_object(request) if _has_body(request) else {}
    return load_command(form, body, today)


def load_command(form, body, today=None):
    """``today``: the day in China operators date their work by (a form of dated work
    refuses days after it)."""
    schema = form(today=today)
    loaded = schema.dump(schema.load(body))
    return {name: value for name, value in loaded.items() if value is not None}


def day(validate=None, earliest=EARLIEST_DAY):
    """An optional ISO date field, within the platform's years (``common.commands.PlausibleDay``)
    unless it means history (``earliest``)."""
    return PlausibleDay(required=False, allow_none=True, validate=validate, as_text=False, earliest=earliest)


def needs_comments_when(data, field, value):
    """A refusal or a request for changes says why."""
    if data.get(field) == value and not data.get("comments"):
        raise ValidationError({"comments": ["required"]})


def _has_body(request):
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") == "chunked"
