"""The gateway's side of ``common/acting.py``: whoever signed in to an HTTP request is the
person every domain service records for the work that request causes.

It also hands each HTTP request the worker's accounts (``web/auth.ACCOUNTS_KEY``), so
that a token is checked against its account before anyone acts on it."""

from werkzeug.wrappers import Request

from ...common.acting import ACTOR_KEY, ACTOR_USERNAME_KEY, ActingPerson
from ..domain.access import ENTERPRISE
from ..web.auth import ACCOUNTS_KEY, Unauthenticated, principal_of
from .probes import STORE_DOWN


class SignedInActor(ActingPerson):
    def __init__(self, accounts):
        super().__init__()
        self.accounts = accounts  # accounts(service instance) -> the worker's AccountRepository

    def worker_setup(self, worker_ctx):
        request = worker_ctx.args[0] if worker_ctx.args and isinstance(worker_ctx.args[0], Request) else None
        if request is not None:
            # every dependency is injected before any worker_setup runs
            request.environ[ACCOUNTS_KEY] = self.accounts(worker_ctx.service)
            try:
                principal = principal_of(request, cookies=True)
            except Unauthenticated:
                principal = None  # the handler answers 401 where a sign-in is needed
            except STORE_DOWN:
                principal = None  # the account cannot be checked now: the handler answers 503
            if principal is not None and principal.role != ENTERPRISE:
                worker_ctx.data[ACTOR_KEY] = principal.name
                worker_ctx.data[ACTOR_USERNAME_KEY] = principal.username
        super().worker_setup(worker_ctx)
