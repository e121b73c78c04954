"""Numbers of issued certificates and reports, and their versions (ISO/IEC 17025 §7.8.8).

An issued document never changes. A correction is a new document whose number is the
original's with a revision suffix (``SQJL-2026-000001`` → ``SQJL-2026-000001-R1`` →
``-R2``) and that names the one it replaces. Because the successor's number follows
from its predecessor's, "is this one superseded?" is a lookup of one key, and two
corrections of the same version collide on that key instead of forking the history.
"""

import re
from typing import Any

_NUMBER = re.compile(r"^(?P<base>[A-Z]{2,6}-\d{4}-\d{6})(?:-R(?P<revision>[1-9]\d{0,2}))?$")

CURRENT = "current"
SUPERSEDED = "superseded"
WITHDRAWN = "withdrawn"


def document_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:06d}"


def parse_number(text: Any) -> tuple[str, int] | None:
    """(base, revision) of a document number, or None if it is not one."""
    match = _NUMBER.match(text.strip().upper()) if isinstance(text, str) else None
    if match is None:
        return None
    return match["base"], int(match["revision"] or 0)


def _parts(number: str) -> tuple[str, int]:
    parts = parse_number(number)
    if parts is None:
        raise ValueError(f"{number!r} is not a document number")
    return parts


def revision_number(number: str, revision: int) -> str:
    base, _ = _parts(number)
    return base if revision == 0 else f"{base}-R{revision}"


def successor_number(number: str) -> str:
    base, revision = _parts(number)
    return revision_number(base, revision + 1)


def status_of(withdrawal: Any, successor: Any) -> str:
    """current / superseded / withdrawn, given the document's withdrawal and successor."""
    if successor is not None:
        return SUPERSEDED
    if withdrawal:
        return WITHDRAWN
    return CURRENT
