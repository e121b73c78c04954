"""What the gateway answers with the domain services' views, for the OpenAPI document.

The laboratory, certification and standards endpoints pass on what their service
returns; these schemas describe those answers: the keys always present, with their
types, and ``null`` where a value may be missing. The services may add keys as they
grow (``unknown = INCLUDE``: documented as ``additionalProperties``), so a new detail
does not break a client that reads what is documented. The gateway's own views
(requests, queues, tokens) are in schemas.py and are dumped through their schemas.
"""

from marshmallow import INCLUDE, Schema, fields

from .intake import RequestViewSchema


class OpenSchema(Schema):
    class Meta:
        unknown = INCLUDE


def text(**kwargs):
    return fields.String(required=True, **kwargs)


def maybe_text(**kwargs):
    return fields.String(required=True, allow_none=True, **kwargs)


def objects(**kwargs):
    return fields.List(fields.Dict(), required=True, **kwargs)


# -- sign-in ---------------------------------------------------------------------------------
class MeSchema(Schema):
    username = text()
    role = text(metadata={"description": "enterprise, staff, operator, manager or admin"})
    name = text()
    station = maybe_text(metadata={"description": "staff: the station's division code"})
    domain = maybe_text(metadata={"description": "operators: the domain service they work for"})
    uscc = maybe_text(metadata={"description": "enterprises: their credit code"})


class MyRequestsSchema(Schema):
    requests = fields.List(fields.Nested(RequestViewSchema), required=True)


class WithDueDate(OpenSchema):
    """What the gateway adds to a job when it is read (not to the answers of its steps):
    the request's committed date from its clock."""

    due_date = fields.String(allow_none=True, metadata={"description": "the committed completion date"})
    due_date_provisional = fields.Boolean(metadata={
        "description": "a year whose official holiday schedule is not loaded yet counts in the due date"})
    overdue = fields.Boolean(metadata={"description": "the clock runs and the due day has passed"})


# -- laboratories (metrology and testing, ISO/IEC 17025) ---------------------------------------
class LabJobSchema(WithDueDate):
    """A laboratory job: the request as dispatched, its steps and results."""

    request_code = text()
    item = text()
    station = text()
    enterprise = fields.Dict(required=True)
    contact = fields.Dict(required=True)
    details = fields.Dict(required=True)
    received_at = text()
    status = text()
    steps = objects(metadata={"description": "each step with who took it and when"})
    results = fields.Dict(required=True, allow_none=True)
    recorded_by = maybe_text()
    reviewed_by = maybe_text()
    documents = objects()
    completed_at = maybe_text()
    answer = fields.Dict(allow_none=True, metadata={
        "description": "a consulting item's written answer: text, attachments, answered_by, answered_at"})
    cancellation = fields.Dict(allow_none=True, metadata={
        "description": "the station ended the request: at, reason, stopped (false: the documents were out)"})
    dispatch = fields.Integer(required=True, metadata={"description": "how many times it was dispatched"})
    version = fields.Integer(required=True)


class MetrologyJobSchema(LabJobSchema):
    document_numbers = fields.List(fields.String(), required=True)


class TestingJobSchema(LabJobSchema):
    samples = objects(metadata={"description": "samples received, numbered SQYP-…"})
    report_number = maybe_text()
    standard_alerts = objects()


class ProposalSchema(OpenSchema):
    """A proposed new version of an issued certificate or report (four eyes)."""

    id = text()
    number = text(metadata={"description": "the document it would replace"})
    kind = text(metadata={"description": "correction (certificates) or amendment (reports)"})
    status = text(metadata={"description": "proposed, approved or refused"})
    reason = text()
    changes = fields.Dict(required=True)
    proposed_by = text()
    proposed_at = text()
    decided_by = maybe_text()
    decided_at = maybe_text()
    comment = maybe_text()
    new_number = maybe_text(metadata={"description": "the version issued when approved"})


class IssuedDocumentSchema(OpenSchema):
    """An issued certificate or report in full, with its status today."""

    number = text()
    request_code = text()
    status = text(metadata={"description": "current, superseded or withdrawn (a 计量标准考核证书 past its "
                                           "validity: expired)"})
    superseded_by = maybe_text()
    proposals = fields.List(fields.Nested(ProposalSchema), metadata={
        "description": "every new version proposed for it, with its decision"})
    open_proposals = fields.List(fields.Nested(ProposalSchema), metadata={
        "description": "those awaiting a second operator's approval"})


class ProposalDecidedSchema(Schema):
    proposal = fields.Nested(ProposalSchema, required=True)
    document = fields.Nested(IssuedDocumentSchema, required=True, metadata={
        "description": "the document now in force: the new version when approved, else the one proposed for"})


class InstrumentTypeSchema(OpenSchema):
    id = text()
    period_months = fields.Integer(required=True, allow_none=True)
    period_basis = text(metadata={"description": "administrator, secondary_source or unconfirmed_default"})
    period_confirmed = fields.Boolean(required=True)


class InstrumentTypesSchema(Schema):
    instrument_types = fields.List(fields.Nested(InstrumentTypeSchema), required=True)


class ReferenceStandardSchema(OpenSchema):
    id = text()
    name = text()
    serial_number = text()
    version = fields.Integer(required=True)


class ReferenceStandardsSchema(Schema):
    reference_standards = fields.List(fields.Nested(ReferenceStandardSchema), required=True)


# -- the enterprise's instrument file ------------------------------------------------------------
class InstrumentFileSchema(Schema):
    uscc = text()
    enterprise = text()
    instruments = objects(metadata={"description": "each with its current certificate, validity, the due "
                                                   "reminder and renewal_request (a request code or null)"})


class RenewalSchema(Schema):
    code = text()
    status = text()
    item = text()
    renewal_of = text(metadata={"description": "the certificate the reminder was about"})
    tracking_url = text()


# -- verification (anyone) --------------------------------------------------------------------
class VerificationSchema(OpenSchema):
    """What anyone may know of a number: genuine, and its status today; nothing private."""

    number = text()
    genuine = fields.Boolean(required=True)
    status = text(metadata={"description": "current, superseded, withdrawn (laboratories); valid, suspended, "
                                           "withdrawn, expired (certification)"})
    status_label = text(metadata={"description": "the status in the reader's language (a notice of verification "
                                                 "failure in force says it is one)"})
    kind_label = fields.String(metadata={"description": "the kind of document in the reader's language"})
    latest_version = fields.Dict(metadata={
        "description": "a superseded document: the version its corrections end in, with its status (withdrawn: "
                       "no version is in force)"})


class FileVerificationSchema(OpenSchema):
    """An uploaded PDF or signed DCC, checked: genuine and unaltered or not, which
    document it is and where it stands today (what the number's verification says)."""

    genuine = fields.Boolean(required=True)
    format = text(metadata={"description": "pdf, xml or unknown"})
    reason = maybe_text(metadata={"description": "why not genuine: altered, not_signed, not_ours, "
                                                 "unsupported_file, not_a_dcc, unknown_document; null if genuine"})
    reason_label = maybe_text(metadata={"description": "the reason in the reader's language"})


# -- attachments ----------------------------------------------------------------------------
class UploadedFileSchema(Schema):
    id = text(metadata={"description": "name it in `attachments` (the form's materials, a 补正 answer, an "
                                       "operator's answer) within UPLOAD_KEEP_SECONDS (24 h), or it is deleted"})
    name = text(metadata={"description": "the file's name, without folders"})
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    sha256 = text()
    content_type = text(metadata={"description": "read from the file's bytes, not from its name"})
    expires_at = maybe_text(metadata={"description": "when it is deleted unless a request takes it (UTC)"})


class UploadedFilesSchema(Schema):
    files = fields.List(fields.Nested(UploadedFileSchema), required=True)


# -- certification --------------------------------------------------------------------------
class CertificationSchema(WithDueDate):
    request_code = text()
    item = text()
    status = text()
    certificate_number = maybe_text()
    certificate_status = maybe_text()
    certificate = fields.Dict(required=True, allow_none=True)
    version = fields.Integer(required=True)


# -- standards ------------------------------------------------------------------------------
class StandardSchema(OpenSchema):
    number = text()
    title = text(metadata={"description": "in the reader's language where there is one"})
    title_zh = text()
    state = text(metadata={"description": "current, upcoming, superseded or withdrawn"})
    state_label = text()
    adopts = fields.Dict(allow_none=True, metadata={
        "description": "the international standard it adopts: number (e.g. ISO 9001:2015), degree (idt, mod, "
        "neq), source; a search for that number finds this standard"})


class StandardSearchSchema(OpenSchema):
    query = text()
    normalized = maybe_text(metadata={"description": "the query read as a standard number, if it is one"})
    total = fields.Integer(required=True)
    results = fields.List(fields.Nested(StandardSchema), required=True)


class StandardsCaseSchema(WithDueDate):
    request_code = text()
    item = text()
    station = text()
    enterprise = fields.Dict(required=True)
    details = fields.Dict(required=True)
    received_at = text()
    status = text()
    answer = fields.Dict(required=True, allow_none=True)
    references = objects(metadata={"description": "the standards a BZ02 cites, checked against the catalogue as "
                                                  "it is now until the decision: cited, number, state (current, "
                                                  "upcoming, superseded, withdrawn, or unverified: not in the "
                                                  "catalogue), verified, replaced_by"})
    unrecognised = fields.List(fields.String(), required=True)
    review = fields.Dict(required=True, allow_none=True)


class DeclinedSchema(Schema):
    """A job handed back to the station before work started."""

    request_code = text()
    status = text()
