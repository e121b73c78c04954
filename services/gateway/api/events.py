"""The gateway's event consumers: the domain services' events into the event log and
the tracking projection, its own into the metrics (its relay logs them: service.py)."""


from ...common.consumer import PermanentFailure, consume_event
from .. import handlers, service_levels
from ..adapters.event_log import EventLog
from ..reference import reference_data


class EventConsumers:
    @consume_event("gateway", "request_group_submitted")
    def create_group_children(self, envelope):
        """Finish a multi-item submission whose children were not all written (a crash
        right after the parent was stored); normally they all exist already."""
        group = self.groups.get(envelope["request_code"])
        if group is None:
            raise PermanentFailure(f"event {envelope['event_id']} names unknown group")
        catalogue, _ = reference_data()
        handlers.create_children(self.requests, group, catalogue)

    @consume_event("gateway", "#")
    def project_service_levels(self, envelope):
        """Keep the managers' metrics read model up to date (a queue of its own, so a
        failure here never holds up the event log)."""
        service_levels.project(self.metrics_repository, envelope)

    @consume_event("metrology", "#")
    def on_metrology_event(self, envelope):
        self._record_domain_event(envelope)

    @consume_event("standards", "#")
    def on_standards_event(self, envelope):
        self._record_domain_event(envelope)

    @consume_event("certification", "#")
    def on_certification_event(self, envelope):
        self._record_domain_event(envelope)

    @consume_event("testing", "#")
    def on_testing_event(self, envelope):
        self._record_domain_event(envelope)

    def _record_domain_event(self, envelope):
        EventLog(self.db.event_log).record(envelope)
        if envelope["request_code"]:
            self._with_known_request(handlers.project_domain_event, envelope)

    def _with_known_request(self, handler, envelope, *args):
        try:
            return handler(self.requests, envelope, *args)
        except handlers.UnknownRequest as exc:
            # Retrying cannot make the request exist: keep the event in the dead letters.
            raise PermanentFailure(f"event {envelope['event_id']} names unknown request {exc}") from exc
