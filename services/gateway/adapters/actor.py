"""The gateway's side of ``common/acting.py``: whoever signed in to an HTTP request is the
person every domain service records for the work that request causes."""

from werkzeug.wrappers import Request

from ...common.acting import ACTOR_KEY, ACTOR_USERNAME_KEY, ActingPerson
from ..domain.access import ENTERPRISE
from ..web.auth import Unauthenticated, principal_of


class SignedInActor(ActingPerson):
    def worker_setup(self, worker_ctx):
        request = worker_ctx.args[0] if worker_ctx.args and isinstance(worker_ctx.args[0], Request) else None
        if request is not None:
            try:
                principal = principal_of(request, cookies=True)
            except Unauthenticated:
                principal = None  # the handler answers 401 where a sign-in is needed
            if principal is not None and principal.role != ENTERPRISE:
                worker_ctx.data[ACTOR_KEY] = principal.name
                worker_ctx.data[ACTOR_USERNAME_KEY] = principal.username
        super().worker_setup(worker_ctx)
