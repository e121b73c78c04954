"""The gateway's own errors, raised by its use cases and adapters; ``web/errors.py`` maps
each to its HTTP answer (the domain's own refusals are in ``domain/``)."""

from ..common.repository import NotFound


class RequestNotFound(NotFound):
    """No request with this code and phone (the two cases are not told apart)."""


class UnknownRequest(NotFound):
    """A domain event names a request the gateway never had."""


class EnterpriseNotFound(NotFound):
    """The enterprise's request behind an instrument's certificate is not the gateway's."""


class InstrumentNotFound(NotFound):
    """No instrument with this serial number in the enterprise's instrument file."""


class DocumentNotFound(NotFound):
    """No certificate or report with this number, or none the asker may see."""


class EnterpriseAccountNotFound(NotFound):
    """No enterprise account with this credit code."""


class StaleAccount(Exception):
    """Someone decided on the enterprise account since it was read."""


class FileNotFound(NotFound):
    """No attachment with this id held by this request, or none the asker may see."""


class StaleRequest(Exception):
    """Someone acted on the request since it was read: ``current`` is what it is now."""

    def __init__(self, current: object) -> None:
        super().__init__(getattr(current, "code", None))
        self.current = current


class ServiceUnavailable(Exception):
    """A domain service did not answer in time (or the store behind the gateway did not)."""

    def __init__(self, service: str) -> None:
        super().__init__(service)
        self.service = service


class StoreUnavailable(ServiceUnavailable):
    """A domain service answered that its own store (its database) does not answer."""


# What a public lookup raises when nothing matched: a guess that missed, which the
# throttle charges more for than a find.
LOOKUP_MISSES = (RequestNotFound, EnterpriseNotFound, DocumentNotFound, FileNotFound)
