"""Marshmallow schemas at the gateway's edge.

The one form is validated in two steps: the common part (item, enterprise, contact)
by :class:`RequestFormSchema`, then ``details`` by a schema built from the item's field
list in the catalogue (:func:`details_schema`), so a new catalogue item needs no code.
Error messages are message keys (see ``messages.py``), translated at the edge.
"""

import re
from functools import cache

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ....common.commands import FIELD_ERRORS, CommandSchema, Text, nested, nested_list, text
from ...domain.phones import InvalidPhone, normalize_mainland_mobile
from ...domain.uscc import InvalidCreditCode, normalize_credit_code
from ...handlers.files import FILE_ID
from ...handlers.intake import Submission
from .deliveries import DeliverySchema

MOBILE_PHONE = re.compile(r"^1[3-9]\d{9}$")


class FormSchema(CommandSchema):
    """Base of every input schema at the gateway: the rules of a domain service's
    commands (unknown fields refused, every error a message key).

    A schema that judges a value against the world is given it when made: ``today`` (the
    day in China, for dates that may not lie in the future) or the reference data."""

    def __init__(self, *args, today=None, catalogue=None, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.catalogue = catalogue
        self.stations = stations


def integer(minimum, maximum, required=True):
    # Not strict, unlike a command's: query strings and form posts carry numbers as text.
    return fields.Integer(
        required=required,
        allow_none=not required,
        validate=validate.Range(min=minimum, max=maximum, error="range|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_integer", "too_large": "not_integer"},
    )


def boolean(required=False):
    # An optional answer left out stays out (a command's defaults to False).
    return fields.Boolean(
        required=required,
        allow_none=not required,
        error_messages={**FIELD_ERRORS, "invalid": "not_boolean"},
    )


class EnterpriseSchema(FormSchema):
    name = text(100)
    uscc = text(40)
    station = text(6)  # checked against the station registry in load_submission

    @validates("uscc")
    def _credit_code(self, value, **kwargs):
        try:
            normalize_credit_code(value)
        except InvalidCreditCode as exc:
            raise ValidationError(f"uscc_{exc.reason}") from exc


class MobilePhone(Text):
    """A mainland mobile as people type it (``139-1234-5678``, ``+86 139 1234 5678``),
    loaded as its 11 digits (domain/phones.py), so the number is one number wherever it
    is compared: the tracking page's phone, the notifier's recipient."""

    def _deserialize(self, value, attr, data, **kwargs):
        typed = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normalize_mainland_mobile(typed)
        except InvalidPhone as exc:
            raise ValidationError("mobile_phone") from exc


def mobile_phone(required=True):
    return MobilePhone(required=required, allow_none=not required,
                       validate=[validate.Length(max=30, error="too_long|max={max}")])


def email_address(required=False):
    """An e-mail address the notifier may write to (issue 29 §2)."""
    return fields.Email(required=required, allow_none=not required,
                        validate=[validate.Length(max=254, error="too_long|max={max}")],
                        error_messages={**FIELD_ERRORS, "invalid": "email_address"})


class ContactSchema(FormSchema):
    name = text(50)
    phone = mobile_phone()
    email = email_address()  # optional: where given, the enterprise is told by e-mail too


MAX_ITEMS_PER_SUBMISSION = 10
MAX_MATERIAL_FILES = 30


class FileReferenceSchema(FormSchema):
    """An upload (``POST /api/v1/files``) named where it is used, by the id it was given."""

    id = text(32)

    @validates("id")
    def _file_id(self, value, **kwargs):
        if not FILE_ID.match(value):
            raise ValidationError("not_a_file_id")


class MaterialFileSchema(FileReferenceSchema):
    """An application material's file: which of the item's materials (一次性告知) it is
    (an index into the catalogue's ``materials``; none: another), and with ``items``,
    which item's request it goes with."""

    material = integer(0, 99, required=False)
    item = text(10, required=False)


class SubmissionSchema(FormSchema):
    """The one form. ``item`` for one service, or ``items`` for several in one go
    (一表申请; then ``details`` is keyed by item code)."""

    item = text(10, required=False)
    items = fields.List(
        Text(validate=validate.Length(max=10, error="too_long|max={max}")),
        required=False,
        validate=validate.Length(min=1, max=MAX_ITEMS_PER_SUBMISSION, error="count|min={min};max={max}"),
        error_messages={**FIELD_ERRORS, "invalid": "not_list"},
    )
    enterprise = nested(EnterpriseSchema)
    contact = nested(ContactSchema)
    details = fields.Dict(
        keys=fields.String(),
        required=True,
        error_messages={**FIELD_ERRORS, "invalid": "not_object"},
    )
    attachments = nested_list(MaterialFileSchema, 0, MAX_MATERIAL_FILES, required=False)


# -- item details, built from the catalogue -------------------------------------------
def _field_from_spec(spec, owner):
    required = spec.get("required", False)
    kind = spec["type"]
    if kind in ("text", "textarea"):
        return text(spec.get("max_length", 2000), required=required)
    if kind == "choice":
        return text(200, required=required, choices=[option["value"] for option in spec["options"]])
    if kind == "integer":
        return integer(spec.get("min", 0), spec.get("max", 10**9), required=required)
    if kind == "boolean":
        return boolean(required=required)
    if kind == "group":
        return nested_list(
            _schema_from_specs(f"{owner}_{spec['name']}", spec["fields"]),
            spec.get("min_items", 1),
            spec.get("max_items", 100),
            required=required,
        )
    raise ValueError(f"catalogue field type {kind!r} is not supported")


def _schema_from_specs(name, specs):
    declared = {spec["name"]: _field_from_spec(spec, name) for spec in specs}
    return FormSchema.from_dict(declared, name=f"{name}Details")


@cache
def details_schema(item):
    """The schema of one catalogue item's ``details`` (items are immutable, so cached)."""
    return _schema_from_specs(item.code, item.fields)()


# Building a schema copies all its fields: the hot path keeps one instance (marshmallow
# schemas hold no state between loads).
_SUBMISSION = SubmissionSchema()


def load_submission(body, catalogue, stations):
    """The validated submission, or ``ValidationError`` listing every field's problem
    at once (the same structure as the body)."""
    errors = {}
    try:
        form = _SUBMISSION.load(body)
    except ValidationError as exc:
        errors = exc.messages
        form = None
    _check_station(body, stations, errors)
    grouped = "items" in body
    if grouped == ("item" in body):
        errors.setdefault("item", []).append("item_or_items")
        grouped = False
    items = _resolve_items(body, catalogue, grouped, errors)
    details = _load_details(body.get("details"), items, grouped, errors)
    attachments = _material_files(form.get("attachments") if form else None, items, grouped, errors)
    if errors:
        raise ValidationError(errors)
    enterprise = {**form["enterprise"], "uscc": normalize_credit_code(form["enterprise"]["uscc"])}
    return Submission(list(items.values()), details, enterprise, form["contact"], grouped, attachments)


def _material_files(loaded, items, grouped, errors):
    """[{"id", "item", "material"}]: each file goes with one chosen item (named when
    several are chosen) and is one of its listed materials, or another (no ``material``)."""
    attachments = []
    for index, each in enumerate(loaded or []):
        code = (each.get("item") or "").strip().upper() or (None if grouped else next(iter(items), None))
        item = items.get(code) if code else None
        problems = {}
        if item is None:
            problems["item"] = ["required" if code is None else "unknown_item"]
        elif each.get("material") is not None and each["material"] >= len(item.materials):
            problems["material"] = [f"range|min=0;max={len(item.materials) - 1}"]
        if problems:
            errors.setdefault("attachments", {})[str(index)] = problems
        elif item is not None:
            attachments.append({"id": each["id"], "item": item.code, "material": each.get("material")})
    return attachments


def _check_station(body, stations, errors):
    enterprise = body.get("enterprise")
    station = enterprise.get("station") if isinstance(enterprise, dict) else None
    if isinstance(station, str) and station.strip() and stations.get(station.strip()) is None:
        field_errors = errors.setdefault("enterprise", {})
        if isinstance(field_errors, dict):
            field_errors.setdefault("station", []).append("unknown_station")


def _resolve_items(body, catalogue, grouped, errors):
    """{code: Item} for the codes given; unknown or repeated codes are field errors."""
    resolved = {}
    if grouped:
        codes = body["items"] if isinstance(body["items"], list) else []
        for index, code in enumerate(codes):
            item = catalogue.item(code.strip()) if isinstance(code, str) else None
            if isinstance(code, str) and item is None:
                _add_error(errors, "items", str(index), "unknown_item")
            elif item is not None and item.code in resolved:
                _add_error(errors, "items", str(index), "duplicate_item")
            elif item is not None:
                resolved[item.code] = item
    elif isinstance(body.get("item"), str) and body["item"].strip():
        item = catalogue.item(body["item"].strip())
        if item is None:
            errors.setdefault("item", []).append("unknown_item")
        else:
            resolved[item.code] = item
    return resolved


def _load_details(raw, items, grouped, errors):
    if not isinstance(raw, dict) or not items:
        return {}
    if not grouped:
        (item,) = items.values()
        return {item.code: _load_into(errors, ("details",), details_schema(item), raw)}
    loaded = {}
    for code, item in items.items():
        if code not in raw:
            _add_error(errors, "details", code, "required")
        else:
            loaded[code] = _load_into(errors, ("details", code), details_schema(item), raw[code])
    for extra in set(raw) - set(items):
        _add_error(errors, "details", extra, "unknown_field")
    return loaded


def _load_into(errors, path, schema, data):
    try:
        return schema.load(data)
    except ValidationError as exc:
        target = errors
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = exc.messages
        return None


def _add_error(errors, field, key, message):
    field_errors = errors.setdefault(field, {})
    if isinstance(field_errors, dict):
        field_errors.setdefault(key, []).append(message)


# -- what the API answers (dumped through these, and documented from them) ------------
class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "machine-readable error code"})
    message = fields.String(required=True, metadata={"description": "in the reader's language"})
    field_errors = fields.Dict(
        data_key="fields", required=True, metadata={"description": "per-field messages, shaped like the body"}
    )
    current = fields.Dict(metadata={"description": "409 stale_request: the request as it is now"})
    file = fields.Dict(metadata={"description": "a refused upload: which of the files posted (index) and its name"})


def provisional():
    """Whether a due date may still move, for a request and a submission's child alike."""
    return fields.Boolean(metadata={
        "description": "the due date counts days of a year whose official holiday schedule is not loaded yet: "
        "it may still move (GET /api/v1/calendar/{year})"})


class LocalizedTextSchema(Schema):
    zh_cn = fields.String(data_key="zh-CN", attribute="zh-CN", required=True)
    en = fields.String(required=True)


class CatalogueItemSchema(Schema):
    code = fields.String(required=True)
    domain = fields.String(required=True)
    committed_days = fields.Integer(required=True)
    name = fields.Nested(LocalizedTextSchema, required=True)
    description = fields.Nested(LocalizedTextSchema, required=True)
    materials = fields.List(fields.Nested(LocalizedTextSchema), required=True)
    form_fields = fields.List(
        fields.Dict(), data_key="fields", attribute="fields", required=True,
        metadata={"description": "the item's own form fields"},
    )


class CatalogueSchema(Schema):
    domains = fields.List(fields.Dict(), required=True)
    items = fields.List(fields.Nested(CatalogueItemSchema), required=True)


class ItemSummarySchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    committed_days = fields.Integer(required=True)


class StationSummarySchema(Schema):
    division = fields.String(required=True)
    name = fields.String(required=True)


class HolderSchema(Schema):
    role = fields.String(required=True)
    label = fields.String(required=True)


class TimelineEntrySchema(Schema):
    at = fields.String(required=True)
    event = fields.String(required=True)
    label = fields.String(required=True)
    from_status = fields.String(data_key="from", attribute="from", allow_none=True,
                                metadata={"description": "status before the step (staff and managers see it)"})
    status = fields.String(allow_none=True)
    actor = fields.Dict(required=True)
    reason = fields.String(allow_none=True)
    details = fields.Dict(required=True)


class ChildSummarySchema(Schema):
    code = fields.String(required=True)
    tracking_url = fields.String(required=True, metadata={"description": "this request on its own"})
    result = fields.Dict(allow_none=True, metadata={"description": "its result once completed"})
    item = fields.Nested(ItemSummarySchema, required=True)
    domain = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    holder = fields.Nested(HolderSchema, allow_none=True)
    due_date = fields.String(allow_none=True)
    due_date_provisional = provisional()


class RequestFileSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    sha256 = fields.String(required=True)
    content_type = fields.String(required=True, metadata={"description": "read from the file's bytes"})
    purpose = fields.String(required=True, metadata={"description": "material (an application material), "
                                                                     "supplement (a 补正 answer's) or answer "
                                                                     "(the written answer's)"})
    label = fields.String(required=True, metadata={"description": "what it is, in the reader's language"})
    attached_at = fields.String(allow_none=True)
    url = fields.String(required=True, metadata={"description": "GET it with the phone or a sign-in"})


class RequestViewSchema(Schema):
    """A request, or a multi-item submission (``kind`` says which)."""

    kind = fields.String(required=True, validate=validate.OneOf(["request", "group"]))
    code = fields.String(required=True)
    status = fields.String(required=True, metadata={
        "description": "a request's status; a submission's rolled up from its requests: the slowest still going, "
        "partially_completed (部分办结) once some are completed, completed when all taken on are"})
    status_label = fields.String(required=True)
    station = fields.Nested(StationSummarySchema, required=True)
    enterprise = fields.Dict(required=True)
    submitted_at = fields.String(required=True)
    tracking_url = fields.String(required=True)
    not_from_account = fields.Boolean(required=True, metadata={
        "description": "submitted for a credit code that has a verified enterprise account, not by that account"})
    not_from_account_label = fields.String(required=True, allow_none=True, metadata={
        "description": "非企业账户提交 / not from the enterprise's account, when not_from_account"})
    # a single request
    item = fields.Nested(ItemSummarySchema)
    domain = fields.String()
    parent = fields.String(allow_none=True)
    holder = fields.Nested(HolderSchema, allow_none=True)
    due_date = fields.String(allow_none=True)
    due_date_provisional = provisional()
    result = fields.Dict(allow_none=True)
    material_request = fields.Dict(allow_none=True, metadata={"description": "what the station asked for (补正)"})
    files = fields.List(fields.Nested(RequestFileSchema), metadata={
        "description": "the files it holds: application materials, 补正 answers' and a written answer's"})
    cancellable = fields.Boolean()
    # the stopped clock and 好差评 (issue 7)
    completed_at = fields.String(allow_none=True)
    service_level = fields.Dict(allow_none=True, metadata={
        "description": "at completion: committed_days, due_date, turnaround_days (working days), on_time (true/false)"})
    can_rate = fields.Boolean(metadata={"description": "completed and not yet rated"})
    rating = fields.Dict(allow_none=True, metadata={"description": "level 1-5, comment, rated_at"})
    rectification = fields.Dict(allow_none=True, metadata={
        "description": "after a rating of 1-2: state open/answered, the station's answer"})
    timeline = fields.List(fields.Nested(TimelineEntrySchema))
    # a multi-item submission
    children = fields.List(fields.Nested(ChildSummarySchema))
    # notices to the enterprise, e.g. a standard it follows was superseded
    notices = fields.List(fields.Dict())


class HealthWarningSchema(Schema):
    code = fields.String(required=True, metadata={"description": "e.g. calendar_next_year_missing"})
    year = fields.Integer()
    message = fields.String(required=True, metadata={"description": "in the reader's language"})


class HealthSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(["ok", "unavailable"]))
    checks = fields.Dict(keys=fields.String(), values=fields.Boolean(), required=True)
    down = fields.List(fields.String(), required=True)
    warnings = fields.List(fields.Nested(HealthWarningSchema), required=True, metadata={
        "description": "what needs doing though nothing is down (the answer stays 200)"})
    calendar = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True, required=True, metadata={
        "description": "this year and next: official or provisional (GET /api/v1/calendar/{year})"})


# -- sign-in, the station's steps, the enterprise's steps --------------------------------
class LoginSchema(FormSchema):
    username = text(64)
    password = text(256)


class RefreshSchema(FormSchema):
    refresh_token = text(4096)


class TokensSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    account = fields.Dict(required=True)


QUEUE_DUE = ("soon", "overdue")
QUEUE_STATUSES = ("submitted", "awaiting_enterprise", "accepted", "rejected", "dispatched", "in_progress",
                  "completed", "rated", "cancelled", "terminated")


class QueueFiltersSchema(FormSchema):
    station = text(6, required=False)
    status = text(30, required=False, choices=list(QUEUE_STATUSES))
    item = text(10, required=False)
    domain = text(20, required=False, choices=["metrology", "standards", "certification", "testing"])
    due = text(10, required=False, choices=list(QUEUE_DUE))
    limit = integer(1, 500, required=False)
    offset = integer(0, 10**6, required=False)
    lang = fields.String(required=False, validate=validate.Length(max=10))


class JobFiltersSchema(FormSchema):
    """The operators' job list: their own domain's (managers and admins name one)."""

    domain = text(20, required=False, choices=["metrology", "standards", "certification", "testing"])
    status = text(30, required=False, choices=list(QUEUE_STATUSES))
    item = text(10, required=False)
    due = text(10, required=False, choices=list(QUEUE_DUE))
    flagged = boolean()
    limit = integer(1, 500, required=False)
    offset = integer(0, 10**6, required=False)
    lang = fields.String(required=False, validate=validate.Length(max=10))


class StationStepSchema(FormSchema):
    """Every step names the version the person saw (optimistic concurrency)."""

    version = integer(1, 10**9)


class RejectSchema(StationStepSchema):
    reason = text(500)


class TerminateSchema(StationStepSchema):
    """Ending a dispatched request (终止): why, for the enterprise and the domain service."""

    reason = text(500)


class RequestMaterialSchema(StationStepSchema):
    note = text(1000)


class ReassignSchema(StationStepSchema):
    station = text(6)
    reason = text(500)


class AnswerRectificationSchema(StationStepSchema):
    """The station's answer to a poor rating (整改): what it found and what it changed."""

    answer = text(2000)


# Instances, like every schema a busy endpoint uses (end of this module): building a
# schema, and the schemas nested in it, per request cost more than the load or dump.
STATION_STEP_SCHEMAS = {
    "accept": StationStepSchema(),
    "reject": RejectSchema(),
    "request-material": RequestMaterialSchema(),
    "dispatch": StationStepSchema(),
    "reassign": ReassignSchema(),
    "answer-rectification": AnswerRectificationSchema(),
    "terminate": TerminateSchema(),
}


class SupplementSchema(FormSchema):
    """A 补正 answer: words, files (uploads' ids), or both."""

    phone = text(20, required=False)
    answer = text(2000, required=False)
    attachments = nested_list(FileReferenceSchema, 0, 10, required=False)

    @validates_schema
    def _words_or_files(self, data, **kwargs):
        if not (data.get("answer") or "").strip() and not data.get("attachments"):
            raise ValidationError({"answer": ["required"]})


class CancelSchema(FormSchema):
    phone = text(20, required=False)
    reason = text(500, required=False)


class QueueRowSchema(Schema):
    code = fields.String(required=True)
    station = fields.Nested(StationSummarySchema, required=True, metadata={"description": "the station holding it"})
    item = fields.Nested(ItemSummarySchema, required=True)
    domain = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    enterprise = fields.Dict(required=True)
    submitted_at = fields.String(required=True)
    due_date = fields.String(allow_none=True)
    due_date_provisional = fields.Boolean(required=True, metadata={
        "description": "a year whose official holiday schedule is not loaded yet counts in the due date"})
    overdue = fields.Boolean(required=True)
    due_soon = fields.Boolean(required=True)
    flagged = fields.Boolean(required=True, metadata={
        "description": "a standard the work cites was superseded or withdrawn since (standard_flagged)"})
    version = fields.Integer(required=True)
    not_from_account = fields.Boolean(required=True, metadata={
        "description": "submitted for a credit code that has a verified enterprise account, not by that account"})
    not_from_account_label = fields.String(required=True, allow_none=True)


class QueueSchema(Schema):
    station = fields.Nested(StationSummarySchema, required=True, allow_none=True, metadata={
        "description": "null: every station (a manager or admin who named none)"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    total = fields.Integer(required=True, metadata={"description": "requests matching the filters"})
    offset = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    requests = fields.List(fields.Nested(QueueRowSchema), required=True)


class StaffRequestViewSchema(RequestViewSchema):
    version = fields.Integer(required=True)
    contact = fields.Dict(required=True)
    details = fields.Dict(allow_none=True)
    material_request = fields.Dict(allow_none=True)
    accepted_at = fields.String(allow_none=True)
    # the notifier's deliveries of this request (GET only; a step's answer leaves them out)
    notifications = fields.List(fields.Nested(DeliverySchema), metadata={
        "description": "one per event, recipient and channel: channel, masked recipient, kind, status "
        "(queued, sending, sent, failed, opted_out), attempts, times, the last error"})


# One instance each of the schemas the busiest endpoints load and dump with (marshmallow
# schemas hold no state between calls, so one serves every request).
REQUEST_VIEW = RequestViewSchema()
STAFF_REQUEST_VIEW = StaffRequestViewSchema()
QUEUE_VIEW = QueueSchema()
QUEUE_FILTERS = QueueFiltersSchema()
JOB_FILTERS = JobFiltersSchema()
