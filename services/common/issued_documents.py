"""The life of an issued certificate or report, the same in metrology and testing:
find one by number, tell its status, supersede it by a new version, withdraw it.

Use cases over the service's document repository (``get``, ``successor``, ``add``,
``save``) and the document's own ``withdraw``; the numbering rules are in ``issued.py``.
"""

from .domain import RuleViolated
from .issued import parse_number, status_of
from .repository import AlreadyExists


def find_issued(documents, number, not_found):
    """The document with this number, any version; ``not_found(number)`` is raised."""
    document = documents.get_or_none(number.strip().upper()) if parse_number(number) else None
    if document is None:
        raise not_found(number)
    return document


def issued_status(documents, document):
    """(current / superseded / withdrawn, the number of its successor or None)."""
    successor = documents.successor(document.number)
    return status_of(document.withdrawal, successor), successor.number if successor else None


def supersede(documents, document, new_version):
    """Store ``new_version(document)``, the next version of a current document; the old
    one is never rewritten (§7.8.8)."""
    require_current(documents, document)
    replacement = new_version(document)
    try:
        documents.add(replacement)
    except AlreadyExists as exc:  # someone made the next version a moment ago
        raise RuleViolated("already_superseded", {"number": document.number,
                                                  "superseded_by": replacement.number}) from exc
    return replacement


def withdraw_issued(documents, document, command, now):
    require_current(documents, document)
    document.withdraw(command["reason"], command["operator"], now)
    documents.save(document)
    return document


def require_current(documents, document):
    successor = documents.successor(document.number)
    if successor is not None:
        raise RuleViolated("already_superseded", {"number": document.number, "superseded_by": successor.number})
