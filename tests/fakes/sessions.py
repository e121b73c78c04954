"""Refresh token families in a dict, with the contract of the gateway's ``MongoSessions``
(tests/integration/test_sessions_contract.py runs one suite against both)."""

from dataclasses import replace

from services.gateway.domain.session import ACTIVE


class InMemorySessions:
    def __init__(self):
        self.families = {}

    def start(self, family):
        if family.id in self.families:
            raise ValueError(f"family {family.id} exists")
        self.families[family.id] = family

    def get(self, family_id):
        return self.families.get(family_id)

    def rotate(self, family, presented, rotated):
        stored = self.families.get(family.id)
        if stored is None or stored.current != presented or stored.state != ACTIVE:
            return False
        self.families[family.id] = replace(stored, current=rotated.current, expires_at=rotated.expires_at,
                                           rotations=stored.rotations + 1)
        return True

    def end(self, family_id, state):
        stored = self.families.get(family_id)
        if stored is not None and stored.state == ACTIVE:
            self.families[family_id] = replace(stored, state=state)
