"""The enterprise's pages: choose items, fill in the one form, confirmation, tracking.

Plain HTML forms posted to the server, which validates with the same schema as the
API and answers with the same messages next to each input; JavaScript is optional.
"""

import json
from importlib import resources
from urllib.parse import urlencode

import segno
from marshmallow import ValidationError
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from ....common.domain import InvalidTransition
from ...domain.files import AttachmentUnavailable, FileRefused
from ...domain.idempotency import IdempotencyKeyExpired, IdempotencyKeyReused, request_key
from ...domain.model import MissingReason
from ...domain.request_code import MalformedCode, WrongCheckCharacter
from ...domain.throttle import TooManyRequests
from ...exceptions import RequestNotFound
from ...handlers import enterprise, files, intake
from ...handlers.throttling import code_subject
from ..api.intake import admit_submission, submit_body, track_code
from ..errors import ApiError, as_api_error
from ..forms import error_fields, submission_body, unflatten
from ..messages import LANGUAGES, localize, message
from ..schemas.service_levels import RatingSchema
from ..server import client_address, http
from ..templating import (
    FORM_FIELD,
    confirmation_token,
    form_token_matches,
    page_endpoint,
    page_language,
    render,
    token_matches,
    too_many_requests_page,
)
from ..uploads import limit_body, upload_posted
from ..views import Reader, tracked_view

STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


class Pages:
    @http("GET", "/")
    @page_endpoint
    def index_page(self, request):
        return render(request, "index.html", catalogue=self.gateway.catalogue, chosen=request.args.getlist("items"),
                      problem=request.args.get("problem"))

    @http("GET", "/apply")
    @page_endpoint
    def apply_page(self, request):
        items = chosen_items(self.gateway.catalogue, request)
        if not items:
            return redirect(with_query("/", lang=page_language(request), problem="none_chosen"), code=303)
        return form_page(self.gateway, request, items, body={}, errors={}, extra_rows={})

    @http("POST", "/apply")
    @page_endpoint
    def apply_post(self, request):
        """The one form, posted with its application materials' files (multipart): the
        files are uploaded first, then named in the submission; a form sent back with
        errors keeps the files already uploaded, so they are not chosen again."""
        gateway = self.gateway
        try:
            limit_body(request, gateway.uploads.max_bytes, gateway.uploads.max_files)
        except ApiError as refused:
            return render(request, "message.html", status=413, key=refused.code, params=refused.params)
        lang = page_language(request)
        items = chosen_items(gateway.catalogue, request)
        if not items:
            return redirect(with_query("/", lang=lang, problem="none_chosen"), code=303)
        body = submission_body(unflatten(request.form.items()), items)
        kept = kept_materials(request, items)
        if not form_token_matches(request):
            errors = {FORM_FIELD: [message("form_expired", lang)]}
            return form_page(gateway, request, items, body, errors, extra_rows={}, status=403, kept=kept)
        try:
            kept = {**kept, **upload_materials(gateway, request, items)}
        except TooManyRequests as refused:
            return too_many_requests_page(request, refused)
        except (FileRefused, ApiError) as exc:
            error = as_api_error(exc)
            errors = {"attachments": [message(error.code, lang, **error.params)]}
            return form_page(gateway, request, items, body, errors, extra_rows={}, status=error.status, kept=kept)
        action = request.form.get("action", "submit")
        if action.startswith("add:"):
            return form_page(gateway, request, items, body, errors={}, extra_rows={action[4:]: 1}, kept=kept)
        body["attachments"] = [{"id": each["id"], "item": each["item"],
                                **({"material": each["material"]} if each["material"] is not None else {})}
                               for each in kept.values()]
        try:
            admit_submission(gateway, request)
            # The form's token is its key: posted again (a double click, a replayed post),
            # it is the same submission, and its confirmation is shown again.
            key = request_key(request.form[FORM_FIELD], "form", json.dumps(body, sort_keys=True, ensure_ascii=False))
            found, _ = submit_body(gateway, body, key=key)
        except TooManyRequests as refused:
            return too_many_requests_page(request, refused)
        except ValidationError as exc:
            errors = error_fields(localize(exc.messages, lang), items)
            return form_page(gateway, request, items, body, errors, extra_rows={}, status=422, kept=kept)
        except AttachmentUnavailable as exc:  # an upload kept on the page expired meanwhile
            slot = list(kept)[exc.index]
            kept.pop(slot)
            errors = {"attachments": [message(exc.reason, lang)]}
            return form_page(gateway, request, items, body, errors, extra_rows={}, status=422, kept=kept)
        except (IdempotencyKeyReused, IdempotencyKeyExpired):
            errors = {FORM_FIELD: [message("form_already_submitted", lang)]}
            return form_page(gateway, request, items, body, errors, extra_rows={}, status=409, kept=kept)
        target = with_query(f"/confirmation/{found.code}", t=confirmation_token(found.code),
                            lang=page_language(request))
        return redirect(target, code=303)  # post/redirect/get: a reload does not submit twice

    @http("GET", "/confirmation/<string:code>")
    @page_endpoint
    def confirmation_page(self, request, code):
        if not token_matches(code, request.args.get("t", "")):
            return render(request, "message.html", status=404, key="page.not_found", params={})
        found, children = intake.find_submitted(self.gateway.requests, self.gateway.groups, code)
        catalogue, stations = self.gateway.catalogue, self.gateway.stations
        track_url = f"{request.host_url.rstrip('/')}/track?{urlencode({'code': code})}"
        requests = children or [found]
        items = [catalogue.item(each.item) for each in requests]
        lang = page_language(request)
        due_items = ("; " if lang == "en" else "；").join(
            f"{item.name[lang]} {message('page.apply.committed', lang, days=item.committed_days)}" for item in items
        )
        return render(
            request,
            "confirmation.html",
            code=code,
            children=children,
            items=items,
            due_items=due_items,
            station=stations.get(found.station),
            track_url=track_url,
            qr_svg=segno.make(track_url, error="m").svg_inline(scale=4, dark="#1d3557"),
        )

    @http("GET", "/track")
    @page_endpoint
    def track_page(self, request):
        return tracking_page(request, request.args.get("code", ""))

    @http("POST", "/track")
    @page_endpoint
    def track_lookup(self, request):
        code, phone = posted_tracking(request)
        lang = page_language(request)
        view, problem, status = None, None, 200
        if not form_token_matches(request):
            problem, status = "form_expired", 403
        elif not code or not phone:
            problem, status = "required", 400
        else:
            try:
                view = tracked_view(track_code(self.gateway, request, code, phone), Reader.of(self.gateway, lang))
            except TooManyRequests as refused:
                return too_many_requests_page(request, refused)
            except (MalformedCode, WrongCheckCharacter) as exc:
                problem = "malformed_code" if isinstance(exc, MalformedCode) else "wrong_check_character"
                status = 400
            except RequestNotFound:
                problem, status = "request_not_found", 404
        return tracking_page(request, code, phone, view, problem, status)

    @http("POST", "/track/<string:step>")
    @page_endpoint
    def track_step(self, request, step):
        """The enterprise answers a 补正 request (in words, with files, or both) or
        withdraws, from the tracking page."""
        if step not in ("supplement", "cancel"):
            return render(request, "message.html", status=404, key="page.not_found", params={})
        gateway = self.gateway
        try:
            limit_body(request, gateway.uploads.max_bytes, gateway.uploads.max_files)
        except ApiError as refused:
            return render(request, "message.html", status=413, key=refused.code, params=refused.params)
        code, phone = posted_tracking(request)
        text = request.form.get("answer" if step == "supplement" else "reason", "").strip() or None
        lang = page_language(request)
        status, problem, done = 200, None, None
        if not form_token_matches(request):
            return tracking_page(request, code, problem="form_expired", status=403)
        try:
            file_ids = [record.id for record in upload_posted(gateway, request, "files")] if step == "supplement" else []
            with gateway.throttle.lookup(client_address(request), code_subject(code, phone)):
                if step == "cancel":  # a multi-item submission's code withdraws what is not yet dispatched
                    enterprise.withdraw(gateway.requests, gateway.groups, code, None, phone, gateway.now(), text)
                else:
                    enterprise.enterprise_step(gateway.requests, code, None, phone, step, gateway.now(), text,
                                               gateway.files, file_ids)
            done = "answered" if step == "supplement" else "cancelled"
        except TooManyRequests as refused:
            return too_many_requests_page(request, refused)
        except (FileRefused, ApiError, AttachmentUnavailable) as exc:
            error = as_api_error(exc)
            status, problem = error.status, message(error.code, lang, **error.params)
        except (MalformedCode, WrongCheckCharacter, RequestNotFound):
            status, problem = 404, "request_not_found"
        except MissingReason:
            status, problem = 422, "required"
        except InvalidTransition:
            status, problem = 409, "invalid_transition"
        return tracking_after(gateway, request, code, phone, status, problem, done)

    @http("POST", "/track/rate")
    @page_endpoint
    def track_rate_page(self, request):
        """The enterprise rates on its tracking page."""
        code, phone = posted_tracking(request)
        status, problem, done = 200, None, None
        if not form_token_matches(request):
            return tracking_page(request, code, problem="form_expired", status=403)
        try:
            command = RatingSchema().load({"level": request.form.get("level", ""),
                                           "comment": request.form.get("comment", "").strip() or None})
            gateway = self.gateway
            with gateway.throttle.lookup(client_address(request), code_subject(code, phone)):
                enterprise.rate_request(gateway.requests, code, None, phone, command["level"], command.get("comment"),
                                        gateway.now())
            done = "rating_saved"
        except TooManyRequests as refused:
            return too_many_requests_page(request, refused)
        except ValidationError:
            status, problem = 422, "page.track.rate_missing"
        except (MalformedCode, WrongCheckCharacter, RequestNotFound):
            status, problem = 404, "request_not_found"
        except InvalidTransition:
            status, problem = 409, "page.track.rate_refused"
        return tracking_after(self.gateway, request, code, phone, status, problem, done)

    @http("GET", "/static/<string:name>")
    @page_endpoint
    def static_file(self, request, name):
        suffix = name[name.rfind("."):] if "." in name else ""
        resource = resources.files("services.gateway.web") / "static" / name
        if suffix not in STATIC_TYPES or "/" in name or not resource.is_file():
            return Response("not found", status=404)
        return Response(resource.read_bytes(), mimetype=STATIC_TYPES[suffix],
                        headers={"Cache-Control": "public, max-age=3600"})


# -- the tracking page ------------------------------------------------------------------------------
def tracking_page(request, code, phone="", view=None, problem=None, status=200, done=None):
    """The tracking page: its form with the code (and phone) typed, and the request found."""
    return render(request, "track.html", status=status, code=code, phone=phone, view=view, problem=problem,
                  done=done)


def posted_tracking(request):
    """The code and the contact phone a tracking page's form posts (the phone is the proof)."""
    return request.form.get("code", "").strip(), request.form.get("phone", "").strip()


def tracking_after(gateway, request, code, phone, status, problem, done):
    """The tracking page once the enterprise's step is taken or refused: the request as it
    now is (its lookup counted already), or none when there is no such request (404)."""
    view = None
    if status != 404:
        tracked = intake.track(gateway.requests, gateway.groups, gateway.notices, code, phone)
        view = tracked_view(tracked, Reader.of(gateway, page_language(request)))
    return tracking_page(request, code, phone, view, problem, status, done)


def form_page(gateway, request, items, body, errors, extra_rows, status=200, kept=None):
    """The one form for the chosen items, with what was posted and what is wrong with it,
    and the materials' files uploaded already (``kept``: slot -> id, name)."""
    return render(
        request,
        "apply.html",
        status=status,
        items=items,
        applicant=applicant_fields(gateway.stations),
        values=form_values(body, items),
        errors=errors,
        extra_rows=extra_rows,
        kept=kept or {},
        action=with_query("/apply", items=[item.code for item in items], lang=page_language(request)),
    )


# -- the materials' files on the pages ----------------------------------------------------------
# A file input of the form is named "attachments.<item>.<material index>" (or
# "attachments.<item>.other"); an upload kept from an earlier post of the same form comes
# back as "kept.<slot>" = "<id>:<name>".
def material_slot(items, slot):
    """(item code, material index or None) of a slot the chosen items have, else None."""
    code, _, which = slot.partition(".")
    item = next((each for each in items if each.code == code), None)
    if item is None or not (which == "other" or (which.isdigit() and int(which) < len(item.materials))):
        return None
    return code, int(which) if which.isdigit() else None


def kept_materials(request, items):
    """The uploads an earlier post of this form made, as the page carried them back."""
    kept = {}
    for name, value in request.form.items():
        slot = name.removeprefix("kept.")
        file_id, _, file_name = value.partition(":")
        place = material_slot(items, slot) if name.startswith("kept.") else None
        if place and files.FILE_ID.match(file_id):
            kept[slot] = {"id": file_id, "name": file_name, "item": place[0], "material": place[1]}
    return kept


def upload_materials(gateway, request, items):
    """The materials' files posted now, uploaded: slot -> id, name, item, material."""
    uploaded = {}
    for name, record in upload_posted(gateway, request):
        slot = name.removeprefix("attachments.")
        place = material_slot(items, slot) if name.startswith("attachments.") else None
        if place:
            uploaded[slot] = {"id": record.id, "name": record.name, "item": place[0], "material": place[1]}
    return uploaded


def both(key):
    return {lang: message(key, lang) for lang in LANGUAGES}


def applicant_fields(stations):
    """The enterprise and contact inputs, described like catalogue fields."""
    station_options = [{"value": division, "label": station["name"]}
                       for division, station in stations.by_division.items()]
    return {
        "enterprise": [
            {"name": "name", "type": "text", "required": True, "max_length": 100,
             "label": both("page.apply.enterprise.name")},
            {"name": "uscc", "type": "text", "required": True, "max_length": 18, "check": "uscc",
             "label": both("page.apply.enterprise.uscc"), "help": both("page.apply.enterprise.uscc_help")},
            {"name": "station", "type": "choice", "required": True, "options": station_options,
             "label": both("page.apply.enterprise.station")},
        ],
        "contact": [
            {"name": "name", "type": "text", "required": True, "max_length": 50,
             "label": both("page.apply.contact.name")},
            {"name": "phone", "type": "text", "required": True, "max_length": 30, "check": "mobile",
             "inputmode": "tel", "autocomplete": "tel",
             "label": both("page.apply.contact.phone"), "help": both("page.apply.contact.phone_help")},
            {"name": "email", "type": "text", "required": False, "max_length": 254, "inputmode": "email",
             "autocomplete": "email",
             "label": both("page.apply.contact.email"), "help": both("page.apply.contact.email_help")},
        ],
    }


def chosen_items(catalogue, request):
    items = []
    for code in request.args.getlist("items"):
        item = catalogue.item(code)
        if item is not None and item not in items:
            items.append(item)
    return items


def form_values(body, items):
    """What to put back in the inputs: the posted values, details keyed by item."""
    details = body.get("details", {})
    if "item" in body:
        details = {body["item"]: details}
    return {"enterprise": body.get("enterprise", {}), "contact": body.get("contact", {}),
            "details": {item.code: details.get(item.code, {}) for item in items}}


def with_query(path, **params):
    pairs = []
    for key, value in params.items():
        for each in value if isinstance(value, list) else [value]:
            if each is not None and not (key == "lang" and each != "en"):
                pairs.append((key, each))
    return f"{path}?{urlencode(pairs)}" if pairs else path
