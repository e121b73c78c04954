"""What a domain service refuses on purpose, told apart from what goes wrong.

A refusal answers a request the caller got wrong: no such job, a step its state does
not allow, a rule of the domain, invalid fields, someone else's change in between. The
gateway turns it into a 4xx (gateway/web/errors.py); nothing is broken. Each service's
exceptions.py names its refusals in ``REFUSALS`` (these, plus its own that derive from
none of them) and its service.py declares them as its RPC entrypoints'
``expected_exceptions``: nameko then logs them as expected, which logs.py makes one line
at INFO without a traceback. ERROR with a traceback is left for faults.
"""

from marshmallow import ValidationError

from .applied_commands import CommandAlreadyApplied
from .deadlines import CommandExpired
from .domain import InvalidTransition, RuleViolated
from .repository import NotFound, VersionConflict

REFUSALS = (NotFound, InvalidTransition, RuleViolated, ValidationError, VersionConflict, CommandAlreadyApplied,
            CommandExpired)
