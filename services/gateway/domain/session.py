"""Sign-in sessions (DESIGN §6, issue 26 §6): refresh tokens rotate, and a stolen one
gives itself away.

Each sign-in starts a *family* of refresh tokens. Only the family's latest token buys a
new pair, and using it makes its successor the latest (rotation). A token presented
after its successor was issued means two parties hold the family's tokens — the user
and whoever copied an old one — so the whole family ends and both must sign in again.
Signing out ends the family too. The family lives as long as it is used: each rotation
moves its end ``lifetime`` seconds on.
"""

from dataclasses import dataclass, replace

ACTIVE = "active"
SIGNED_OUT = "signed_out"
REUSE_DETECTED = "reuse_detected"

ROTATE = "rotate"  # the family's latest token: a new pair
REUSED = "reused"  # an older token of a live family: end the family
ENDED = "ended"  # the family is over (signed out, reused, expired): sign in again


@dataclass(frozen=True)
class SessionFamily:
    id: str
    username: str
    current: str  # the id of the one refresh token that may be used next
    started_at: float  # epoch seconds
    expires_at: float
    state: str = ACTIVE
    rotations: int = 0

    @classmethod
    def start(cls, family_id: str, username: str, token_id: str, now: float, lifetime: float) -> "SessionFamily":
        return cls(id=family_id, username=username, current=token_id, started_at=now, expires_at=now + lifetime)

    def outcome(self, presented: str, now: float) -> str:
        """What a refresh with token ``presented`` of this family leads to."""
        if self.state != ACTIVE or now >= self.expires_at:
            return ENDED
        if presented != self.current:
            return REUSED
        return ROTATE

    def rotated(self, successor: str, now: float, lifetime: float) -> "SessionFamily":
        """The family once ``successor`` is its latest token."""
        return replace(self, current=successor, expires_at=now + lifetime, rotations=self.rotations + 1)
