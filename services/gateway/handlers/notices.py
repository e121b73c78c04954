"""The gateway's part of the standards watch: tell every following enterprise.

``standards.standard_superseded`` names the enterprises that follow the standard (they
asked about it or declared it); each gets a notice on its tracking view.
"""


def post_standard_notices(board, event_id, occurred_at, ended):
    """Post one notice per follower of the standard that ``ended`` (a StandardEnded);
    ``event_id`` keeps a redelivered event from posting twice. Returns how many were new."""
    notice = {
        "kind": f"standard_{ended.status}",
        "at": occurred_at,
        "number": ended.number,
        "title_zh": ended.title_zh,
        "title_en": ended.title_en,
        "replaced_by": ended.replaced_by,
    }
    return sum(
        board.post(event_id, follower.uscc, {**notice, "request_code": follower.request_code})
        for follower in ended.followers
    )
