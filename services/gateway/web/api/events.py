"""The gateway's event consumers: the domain services' events into the event log and
the tracking projection. Its own events go into the event log and the metrics from its
relay, once the broker has confirmed them (service.py)."""


from ....common.consumer import PermanentFailure, consume_event
from ...adapters.event_log import EventLog
from ...bootstrap import reference_data
from ...handlers import intake as handlers


class EventConsumers:
    @consume_event("gateway", "request_group_submitted")
    def create_group_children(self, envelope):
        """Finish a multi-item submission whose children were not all written (a crash
        right after the parent was stored); normally they all exist already."""
        group = self.groups.get_or_none(envelope["request_code"])
        if group is None:
            raise PermanentFailure(f"event {envelope['event_id']} names unknown group")
        catalogue, _ = reference_data()
        handlers.create_children(self.requests, group, catalogue)

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
            # a completion stops the clock: its reading is counted on the current calendar
            self._with_known_request(handlers.project_domain_event, envelope, None, self.current_calendar())

    def _with_known_request(self, handler, envelope, *args):
        try:
            return handler(self.requests, envelope, *args)
        except handlers.UnknownRequest as exc:
            # Retrying cannot make the request exist: keep the event in the dead letters.
            raise PermanentFailure(f"event {envelope['event_id']} names unknown request {exc}") from exc
