"""The same request sent twice is answered once (issue 26 §2), as pure rules.

A client may name a POST with an ``Idempotency-Key`` (and a form carries one of its own,
its form token): sent again within ``KEY_LIFETIME`` with the same body, it gets the
first answer (the same request code) and nothing happens twice; sent with another body,
or after the key's lifetime, it is refused (422), since that key already means something
else. The key is kept with the write it guards: a submission's in the request document
itself (one write, a unique index on the key), any other command's answer under the key
and the person who sent it (``adapters/replays.py``).
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, as an HTTP header carries it


class BadIdempotencyKey(ValueError):
    """The header is not a key: empty, too long, or not printable ASCII."""


class IdempotencyKeyReused(Exception):
    """The key was used for another request (another body, or another path)."""


class IdempotencyKeyExpired(Exception):
    """The key was used more than ``KEY_LIFETIME`` ago: it cannot be used again."""


class IdempotencyKeyInUse(Exception):
    """The first request with this key is still being answered."""


@dataclass(frozen=True)
class RequestKey:
    """A request's key as kept: ``key`` scoped to who sent it (and where), and the
    fingerprint of what was sent with it."""

    key: str
    fingerprint: str

    def as_record(self) -> dict[str, str]:
        return {"key": self.key, "fingerprint": self.fingerprint}

    def replays(self, record: dict[str, Any] | None, first_at: datetime, now: datetime) -> bool:
        """Whether a request already answered under this key (its ``record``, kept since
        ``first_at``) is this one again: True to answer as then; raises if the key now
        means something else."""
        if record is None or record.get("key") != self.key:
            return False
        if now - first_at > KEY_LIFETIME:
            raise IdempotencyKeyExpired(self.key)
        if record.get("fingerprint") != self.fingerprint:
            raise IdempotencyKeyReused(self.key)
        return True


def request_key(given: str, scope: str, sent: bytes | str) -> RequestKey:
    """The key a client gave (``Idempotency-Key``) for what it ``sent``, within ``scope``
    (who sent it: keys of different people never meet)."""
    if not _KEY.match(given):
        raise BadIdempotencyKey(given[:MAX_KEY_LENGTH])
    return RequestKey(_digest(f"{scope}\n{given}"), _digest(sent))


def _digest(value: bytes | str) -> str:
    data = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


# Answers kept for a key: what the request itself earned. Not kept: a sign-in missing or
# refused, a limit reached, a part of the platform not answering (sent again, it may
# well succeed), and the refusal of a second request while the first is answered.
NOT_KEPT = frozenset({401, 403, 429})


def answer_is_kept(status: int) -> bool:
    return status < 500 and status not in NOT_KEPT
