"""A POST sent again with its ``Idempotency-Key`` gets the first answer (issue 26 §2).

Every POST of the JSON API but intake (whose key is kept in the request document itself,
``intake.submit``) and sign-in (whose answer is a token, never kept) goes through
:func:`answer_once` when it carries a key: the first request with a key claims it, runs,
and keeps its answer; the same request again gets that answer, without running; another
request with the key is refused.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from ..domain.idempotency import IdempotencyKeyInUse, RequestKey, answer_is_kept

Answer = dict[str, Any]  # {"status": int, "body": str, "content_type": str}


class Replays(Protocol):
    """Answers kept under their keys (``adapters/replays.py``)."""

    def claim(self, key: RequestKey, now: datetime) -> dict[str, Any] | None: ...
    def keep(self, key: RequestKey, answer: Answer) -> None: ...
    def give_back(self, key: RequestKey) -> None: ...


def answer_once(replays: Replays, key: RequestKey, now: datetime, run: Callable[[], Answer]) -> tuple[Answer, bool]:
    """(the answer, whether it is a replay): the first answer under ``key`` if this
    request was answered before; else ``run()``'s, kept if it is worth keeping.
    IdempotencyKeyReused / IdempotencyKeyExpired if the key means another request;
    IdempotencyKeyInUse while the first is still running."""
    held = replays.claim(key, now)
    if held is not None:
        key.replays(held, datetime.fromisoformat(held["first_at"]), now)  # raises unless it is this request
        if held["answer"] is None:
            raise IdempotencyKeyInUse(key.key)
        return held["answer"], True
    try:
        answer = run()
    except BaseException:
        replays.give_back(key)
        raise
    if answer_is_kept(answer["status"]):
        replays.keep(key, answer)
    else:
        replays.give_back(key)
    return answer, False
