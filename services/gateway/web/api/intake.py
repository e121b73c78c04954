"""The enterprise's API: the catalogue, submitting the one form, tracking a request."""

from ...domain.idempotency import request_key
from ...handlers import enterprise, intake
from ...handlers.throttling import code_subject
from ..apidoc import BODY, CODE, REQUEST_CODE, SIGNED_IN, documented
from ..auth import principal_if_valid, principal_of, require_principal
from ..errors import ApiError, json_endpoint, read_body, read_json_object, request_language
from ..replays import IDEMPOTENCY_HEADER, keeps_own_key
from ..schemas.intake import (
    REQUEST_VIEW,
    CancelSchema,
    CatalogueItemSchema,
    CatalogueSchema,
    RequestViewSchema,
    SubmissionSchema,
    SupplementSchema,
    load_submission,
)
from ..schemas.responses import MyRequestsSchema
from ..server import client_address, http, lookup_asker
from ..views import Reader, request_view, tracked_view
from .entrypoints import json_entrypoint


def submit_body(gateway, body, submitter=None, key=None):
    """The path of every submission (the API, the form page, a renewal): the body is
    validated by the one form's schema and stored with its event in one write, marked
    when its credit code has a verified account that is not ``submitter``, and under
    ``key`` if the sender named it (domain/idempotency.py). (request or group, children)."""
    submission = load_submission(body, gateway.catalogue, gateway.stations)
    return intake.submit(gateway.requests, gateway.groups, submission, gateway.catalogue, gateway.now(),
                         submitter=submitter, identities=gateway.identities, files=gateway.files, key=key)


def admit_submission(gateway, request, principal=None):
    """Count a submission against its sender's rate (handlers/intake_limits.py): 429 past it."""
    gateway.intake_limits.admit(client_address(request), principal)


def track_code(gateway, request, code, phone, principal=None):
    """The tracking of a code (request or group) for a lookup the throttle counts."""
    with gateway.throttle.lookup(lookup_asker(request, principal), code_subject(code, phone)):
        return intake.track(gateway.requests, gateway.groups, gateway.notices, code, phone, principal)


def enterprise_act(step, doc, form, act, view=request_view):
    """The entrypoint ``POST /api/v1/requests/<code>/<step>`` of a step the enterprise takes
    on its own request: the body read as ``form``, then ``act(gateway, code, principal,
    command)``, proven by the command's ``phone`` (the contact's) or the enterprise's
    sign-in: a lookup the throttle counts, as tracking is. The answer is what ``act``
    returns as tracking shows it (``view``)."""

    def take(self, request, code):
        gateway = self.gateway
        command = form().load(read_json_object(request))
        principal = principal_of(request)
        with gateway.throttle.lookup(lookup_asker(request, principal), code_subject(code, command.get("phone"))):
            acted = act(gateway, code, principal, command)
        return REQUEST_VIEW.dump(view(acted, Reader.of(gateway, request_language(request))))

    return json_entrypoint("POST", f"/api/v1/requests/<string:code>/{step}", doc, take)


def withdrawn(gateway, code, principal, command):
    """The request withdrawn, or each of the submission's not yet dispatched, as tracked."""
    found, children = enterprise.withdraw(gateway.requests, gateway.groups, code, principal, command.get("phone"),
                                          gateway.now(), command.get("reason"))
    return intake.Tracked(found, children, [])


def enterprise_step(summary, body, description):
    """The note of a step the enterprise takes on its own request."""
    return documented(summary, tags=["intake"], auth="optional", body=body, responses={200: RequestViewSchema},
                      errors=[*BODY, 401, 404, 409, 422, 429], path={"code": REQUEST_CODE},
                      description=f"Proven by `phone` (the contact phone) or by signing in as the enterprise. {description}")


class IntakeApi:
    @http("GET", "/api/v1/catalogue")
    @documented("The service catalogue", tags=["catalogue"], responses={200: CatalogueSchema})
    @json_endpoint
    def catalogue(self, request):
        return CatalogueSchema().dump(self.gateway.catalogue.as_dict())

    @http("GET", "/api/v1/catalogue/<string:code>")
    @documented("One catalogue item", tags=["catalogue"], responses={200: CatalogueItemSchema}, errors=[404],
                path={"code": {"type": "string", "maxLength": 10, "description": "e.g. JL02"}})
    @json_endpoint
    def catalogue_item(self, request, code):
        item = self.gateway.catalogue.item(code.upper())
        if item is None:
            raise ApiError(404, "unknown_item")
        return CatalogueItemSchema().dump(item.as_dict())

    @http("POST", "/api/v1/requests")
    @documented(
        "Submit the one form",
        tags=["intake"],
        auth="optional",
        body=SubmissionSchema,
        responses={201: RequestViewSchema},
        errors=[*BODY, 422, 429],
        description="One item (`item`, `details` = that item's fields, see the `<code>Details` schemas) "
        "or several (`items`, `details` keyed by item code: one parent code, one child request each). "
        "A submission for a credit code that has a verified enterprise account, not signed in as that "
        "account (a missing, expired or bad token counts as not signed in), is marked `not_from_account` "
        "for the station. "
        "Application materials: upload the files first (POST /api/v1/files) and name them in `attachments`, "
        "each with the index of the catalogue item's `materials` entry it is (`material`; none: another) and, "
        "with `items`, the `item` it goes with. An unknown or expired upload, or one another request holds, "
        "is a field error and nothing is stored. "
        "Each client may submit `INTAKE_RATE_PER_MINUTE` a minute (by address; signed in, by account, "
        "more): past that 429 with Retry-After. With an `Idempotency-Key`, the same body sent again "
        "within 24 h answers the first submission (the same code), stored once.",
    )
    @keeps_own_key
    @json_endpoint
    def submit(self, request):
        gateway = self.gateway
        principal = principal_if_valid(request)
        admit_submission(gateway, request, principal)
        body = read_json_object(request)
        given = request.headers.get(IDEMPOTENCY_HEADER)
        key = request_key(given, principal.username if principal else "", read_body(request)) if given else None
        found, children = submit_body(gateway, body, principal, key)
        view = tracked_view(intake.Tracked(found, children, []), Reader.of(gateway, request_language(request)))
        return 201, REQUEST_VIEW.dump(view)

    @http("GET", "/api/v1/requests")
    @documented("The signed-in enterprise's own requests (the latest 500)", tags=["intake"], auth="bearer",
                responses={200: MyRequestsSchema}, errors=[*SIGNED_IN])
    @json_endpoint
    def my_requests(self, request):
        mine = enterprise.my_requests(self.gateway.requests, require_principal(request))
        reader = Reader.of(self.gateway, request_language(request))
        return {"requests": [REQUEST_VIEW.dump(request_view(found, reader)) for found in mine]}

    supplement = enterprise_act(
        "supplement", enterprise_step(
            "The enterprise supplies what the station asked for (补正)", SupplementSchema,
            "Wrong phones count against the code (see tracking). `answer` in words, `attachments` "
            "(uploads' ids, POST /api/v1/files), or both; the station reads and downloads the files."),
        SupplementSchema, lambda gateway, code, principal, command: enterprise.enterprise_step(
            gateway.requests, code, principal, command.get("phone"), "supplement", gateway.now(),
            command.get("answer"), gateway.files, [each["id"] for each in command.get("attachments") or []]))

    cancel = enterprise_act(
        "cancel", enterprise_step(
            "The enterprise withdraws a request before it is dispatched", CancelSchema,
            "A multi-item submission's code withdraws every one of its requests not yet dispatched (the "
            "others carry on) and answers the submission (`kind` group); 409 if none can be withdrawn."),
        CancelSchema, withdrawn,
        view=tracked_view)

    @http("GET", "/api/v1/requests/<string:code>")
    @documented(
        "Track a request or a multi-item submission",
        tags=["intake"],
        auth="optional",
        query=[("phone", "the contact phone given at submission (not needed when signed in)", False)],
        path={"code": REQUEST_CODE},
        responses={200: RequestViewSchema},
        errors=[CODE, 401, 404, 429],
        description="A mistyped code (wrong check character) is 400; an unknown code and a wrong "
        "phone are the same 404. Lookups are limited per client (a miss costs more than a find) "
        "and a code that saw too many wrong phones answers 429 to everyone until its window ends.",
    )
    @json_endpoint
    def track(self, request, code):
        phone = request.args.get("phone", "")
        principal = principal_of(request)
        if not phone and principal is None:
            raise ApiError(400, "validation_failed", fields={"phone": ["required"]})
        tracked = track_code(self.gateway, request, code, phone, principal)
        return REQUEST_VIEW.dump(tracked_view(tracked, Reader.of(self.gateway, request_language(request))))
