"""Files posted to the gateway as multipart/form-data, read within their limits.

JSON bodies stay within 1 MiB (``errors.MAX_BODY_BYTES``); a form that carries files
may be as large as the files it may carry, each within its own limit, plus the form's
other fields. Reading a part stops one byte past its limit, so an oversized file is
told apart without being read whole.
"""

import unicodedata
from urllib.parse import quote

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from ..domain.files import TEXT
from ..domain.throttle import UPLOADS_PER_CLIENT
from ..handlers import files
from ..handlers.files import Upload
from .errors import MAX_BODY_BYTES, ApiError
from .server import client_address

FRAMING = 64 * 1024  # the multipart boundaries and part headers


def body_limit(max_bytes, max_files):
    """The largest form that carries ``max_files`` files of ``max_bytes`` and its fields."""
    return max_files * max_bytes + MAX_BODY_BYTES + FRAMING


def posted_files(request, field, max_bytes, max_files):
    """The files posted under ``field`` (a file input left empty is no file): 413 for a
    body over :func:`body_limit`, 422 for more than ``max_files`` files, 400 for a body that is
    not a form. Each file's bytes stop one past ``max_bytes`` (its check refuses it)."""
    return [upload for name, upload in posted_file_fields(request, max_bytes, max_files) if name == field]


def posted_file_fields(request, max_bytes, max_files):
    """[(input name, Upload)] of every file posted (see :func:`posted_files`)."""
    limit_body(request, max_bytes, max_files)
    try:
        parts = [(name, part) for name, part in request.files.items(multi=True) if part.filename]
    except RequestEntityTooLarge as exc:
        raise ApiError(413, "file_too_large", limit=max_bytes) from exc
    except ValueError as exc:  # a body werkzeug cannot parse as a form
        raise ApiError(400, "malformed_form") from exc
    if len(parts) > max_files:
        raise ApiError(422, "too_many_files", max=max_files)
    return [(name, Upload(part.filename, part.stream.read(max_bytes + 1))) for name, part in parts]


def limit_body(request, max_bytes, max_files):
    """Refuse (413) a form larger than its files and fields may be, before it is read,
    and let werkzeug read one that large (its own default is unbounded)."""
    limit = body_limit(max_bytes, max_files)
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "file_too_large", limit=max_bytes)
    request.max_content_length = limit


def upload_posted(gateway, request, field=None, principal=None):
    """Upload the files a page's form posted (under ``field``, or all), by the signed-in
    ``principal`` or an anonymous visitor, within the uploads' limits and the client's
    budget: [(input name, StoredFile)] or, with ``field``, [StoredFile]. One refused
    (FileRefused), none is kept."""
    limits = gateway.uploads
    posted = posted_file_fields(request, limits.max_bytes, limits.max_files)
    posted = [(name, upload) for name, upload in posted if field is None or name == field]
    if not posted:
        return []
    client = client_address(request)
    with gateway.throttle.lookup(client, budget=UPLOADS_PER_CLIENT):
        stored = files.upload(gateway.files, [upload for _, upload in posted], files.uploader_of(principal, client),
                              limits, gateway.now())
    return stored if field is not None else list(zip([name for name, _ in posted], stored, strict=True))


def file_response(record, data):
    """An attachment as a download: its sniffed type, its name (an ASCII stand-in and
    the UTF-8 original, RFC 6266), never shown inline nor sniffed by the browser."""
    content_type = f"{record.content_type}; charset=utf-8" if record.content_type == TEXT else record.content_type
    return Response(data, status=200, content_type=content_type, headers={
        "Content-Disposition": content_disposition(record.name),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    })


def content_disposition(name):
    """``attachment`` with ``filename`` in ASCII (for old clients) and ``filename*`` in UTF-8."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(char if char.isprintable() and char not in '"\\;' else "_" for char in ascii_name).strip()
    extension = name[name.rfind("."):] if "." in name else ""
    stem = ascii_name.removesuffix(extension)
    if not any(char.isalnum() for char in stem):  # a Chinese name keeps nothing of itself in ASCII
        ascii_name = f"file{extension}" if extension.isascii() else "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
