"""What a service's ``health`` RPC answers."""

from .mongo import ping


def health_report(service_name, database):
    store_ok = ping(database)
    return {"service": service_name, "status": "ok" if store_ok else "degraded", "mongodb": store_ok}
