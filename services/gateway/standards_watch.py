"""The gateway's part of the standards watch: tell every following enterprise.

``standards.standard_superseded`` names the enterprises that follow the standard (they
asked about it or declared it); each gets a notice on its tracking view.
"""


def post_standard_notices(board, envelope):
    """Post one notice per follower; returns how many were new."""
    data = envelope["data"]
    notice = {
        "kind": f"standard_{data['status']}",
        "at": envelope["occurred_at"],
        "number": data["number"],
        "title_zh": data.get("title_zh"),
        "title_en": data.get("title_en"),
        "replaced_by": data.get("replaced_by"),
    }
    return sum(
        board.post(
            envelope["event_id"],
            follower["uscc"],
            {**notice, "request_code": follower.get("request_code")},
        )
        for follower in data.get("followers", [])
    )
