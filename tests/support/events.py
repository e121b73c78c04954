"""Events as the services announce them, for tests that play one side of a contract."""

from services.common.contracts import DispatchedWork, Enterprise, StandardEnded
from services.common.envelope import new_envelope

from .data import JL02_BODY

DEMO_ENTERPRISE = Enterprise(JL02_BODY["enterprise"]["name"], JL02_BODY["enterprise"]["uscc"])


def dispatched_work(code, item, domain, details, enterprise=None, station="321322", dispatch=1,
                    contact=None):
    """The work the station hands a domain service (``request_dispatched``)."""
    if isinstance(enterprise, dict):
        enterprise = Enterprise(enterprise["name"], enterprise["uscc"])
    return DispatchedWork(code=code, item=item, domain=domain, station=station,
                          enterprise=enterprise or DEMO_ENTERPRISE, contact=contact or JL02_BODY["contact"],
                          details=details, dispatch=dispatch)


def dispatch_envelope(code, item, domain, details, enterprise=None, **changes):
    """The ``request_dispatched`` envelope the gateway publishes for that work."""
    work = dispatched_work(code, item, domain, details, enterprise, **changes)
    return new_envelope("gateway", DispatchedWork.TYPE, work.as_data(), request_code=code, route=domain)


def standard_ended_envelope(number, status="superseded", replaced_by=None, followers=(), on="2026-11-26"):
    """The ``standard_superseded`` envelope the standards service publishes."""
    ended = StandardEnded(number=number, status=status, on=on, replaced_by=replaced_by, followers=tuple(followers))
    return new_envelope("standards", StandardEnded.TYPE, ended.as_data())
