"""Phones kept before issue 29 as they were typed, kept as their 11 digits, once.

Since issue 29 every edge loads a mainland mobile as its 11 digits (domain/phones.py).
Older requests, submissions and registrations may hold ``139 1234 5678``: the gateway's
``prepare`` normalises them when it starts, and notes in ``migrations`` that it did, so
later starts skip the scan. Each document is changed by one update whose filter names the
value and the version it read, and moves the version on (single-document atomicity, as
everywhere on nx-27017), so a replica starting at the same time, or a write in between,
is never overwritten, and a writer holding the older version is told so (a version
conflict, which it retries). A value that is no mobile at all is left as it is.
"""

from typing import Any

from ..domain.phones import InvalidPhone, normalize_mainland_mobile

MIGRATION = "phones-normalised-1"
# (collection, the dotted path of the phone)
PHONE_FIELDS = (("requests", "contact.phone"), ("request_groups", "contact.phone"),
                ("accounts", "registration.contact.phone"))


def _normalised(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        number = normalize_mainland_mobile(value)
    except InvalidPhone:
        return None
    return number if number != value else None


def _at(document: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        document = document.get(part) if isinstance(document, dict) else None  # type: ignore[assignment]
    return document


def _change(collection: Any, document: dict[str, Any], seen: dict[str, Any], values: dict[str, Any]) -> int:
    """Set ``values`` if the document is still as read (``seen``, its version); 1 if it was."""
    version = document.get("version")
    where = {"_id": document["_id"], **seen, **({"version": version} if version is not None else {})}
    update: dict[str, Any] = {"$set": values, **({"$inc": {"version": 1}} if version is not None else {})}
    return int(collection.update_one(where, update).modified_count)


def normalise_stored_phones(database: Any) -> int:
    """How many phones it changed (0 once the migration is recorded)."""
    if database.migrations.find_one({"_id": MIGRATION}) is not None:
        return 0
    changed = 0
    for collection, path in PHONE_FIELDS:
        # the top field, not the dotted path: nx-27017 answers a dotted projection flattened
        for document in database[collection].find({}, {path.split(".")[0]: 1, "version": 1}):
            old = _at(document, path)
            new = _normalised(old)
            if new is not None:
                changed += _change(database[collection], document, {path: old}, {path: new})
    for document in database.accounts.find({}, {"contacts": 1, "version": 1}):
        contacts = document.get("contacts") or []
        fixed = [{**contact, "phone": _normalised(contact.get("phone")) or contact.get("phone")}
                 for contact in contacts if isinstance(contact, dict)]
        if fixed != contacts:
            changed += _change(database.accounts, document, {}, {"contacts": fixed})
    database.migrations.update_one({"_id": MIGRATION}, {"$set": {"changed": changed}}, upsert=True)
    return changed
