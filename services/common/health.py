"""What a service's ``health`` RPC answers."""

from .mongo import ping


def health_report(service_name, database):
    """``ok`` once the store answers and the service has prepared its database (indexes,
    shipped data: ``MongoDatabase``'s ``on_ready``); until then ``starting``, so a probe
    does not call ready a service whose start-up may still fail on its store."""
    store_ok = ping(database)
    prepared = getattr(database, "_prepared", True)
    status = "degraded" if not store_ok else "ok" if prepared else "starting"
    return {"service": service_name, "status": status, "mongodb": store_ok}
