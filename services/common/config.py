"""Settings every service reads, in one place.

Services are started with ``nameko run --config deploy/config.yaml``; that file maps
environment variables onto nameko's config. Code reads settings through
:func:`setting` so a value may come from the nameko config (production, tests that patch
``nameko.config``) or straight from the environment (scripts run outside nameko).
"""

import os

# The environment variables the code understands, with the value used when unset.
# docker-compose.yml, deploy/ and the dev launcher set exactly these names
# (a test checks that they agree), plus the OpenTelemetry SDK's standard OTEL_* variables,
# which the SDK reads from the environment itself (tracing.py).
DEFAULTS = {
    "AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/",
    "MONGO_URI": "mongodb://127.0.0.1:27017/?directConnection=true",
    # Each service owns the database "<prefix><service name>"; tests use their own prefix.
    "MONGO_DB_PREFIX": "qi_",
    "GATEWAY_HOST": "127.0.0.1",
    "GATEWAY_PORT": "8000",
    # How long the gateway waits for a domain service to answer an RPC, in seconds.
    "RPC_TIMEOUT": "5",
    # "dev" allows the development defaults of secrets below; anything else refuses them.
    "QI_ENV": "dev",
    # Signs what the gateway hands out: sign-in tokens, confirmation links, form tokens.
    "SECRET_KEY": "dev-secret-key-not-for-production-use",
    # Sign-in: a short-lived access token and a longer refresh token, in seconds.
    "ACCESS_TOKEN_SECONDS": "900",
    "REFRESH_TOKEN_SECONDS": "43200",
    # How many reverse proxies in front of the gateway append to X-Forwarded-For and set
    # X-Forwarded-Proto. 0: none, those headers are ignored (a client could forge them);
    # the client's address then is the peer's, which rate limits count by.
    "TRUSTED_PROXY_HOPS": "0",
    # Submissions of the one form a client may make a minute (and at once): per address
    # anonymously, per account signed in. Counted in each gateway process's memory, so
    # with N replicas a client gets up to N times this (gateway/handlers/intake_limits.py).
    "INTAKE_RATE_PER_MINUTE": "10",
    "INTAKE_RATE_PER_MINUTE_SIGNED_IN": "60",
    # Strict-Transport-Security max-age sent on answers that came over HTTPS; 0 sends none.
    "HSTS_SECONDS": "31536000",
    # Where a domain service process serves its Prometheus metrics (metrics_endpoint.py);
    # port 0 serves none. Processes on one host need ports of their own (the dev launcher
    # gives each one); the gateway's are on its own HTTP port, at /metrics.
    "METRICS_HOST": "127.0.0.1",
    "METRICS_PORT": "0",
    "LOG_LEVEL": "INFO",
    # "json" (one object a line with the request code and trace id) or "plain" (for reading).
    "LOG_FORMAT": "json",
    # How often metrology looks for instruments whose verification falls due (recall).
    "RECALL_CHECK_SECONDS": "3600",
    # How often the gateway looks for requests whose service-level clock is at risk
    # (due today) or breached (past the due day); each is announced once per due date.
    "SLA_CHECK_SECONDS": "300",
    # The built-in official years of the working-day calendar: "builtin" (the shipped
    # 2025-2026 State Council schedules) or the path of a JSON file in the same format.
    # Schedules an admin loads (PUT /api/v1/calendar/{year}) win over these; years in
    # neither are provisional (gateway/handlers/calendar.py).
    "WORKING_CALENDAR": "builtin",
}

ENV_NAMES = tuple(DEFAULTS)


def setting(name: str) -> str:
    """The value of one setting: nameko config first, then the environment, then the default."""
    try:
        from nameko import config as nameko_config

        value = nameko_config.get(name)
    except ImportError:  # pragma: no cover - nameko is always installed with the services
        value = None
    if value in (None, ""):
        value = os.environ.get(name) or DEFAULTS[name]
    return str(value)


def database_name(service_name):
    return f"{setting('MONGO_DB_PREFIX')}{service_name}"


# Settings whose DEFAULTS value is a development stand-in that must never run outside dev.
SECRETS = ("SECRET_KEY",)


class InsecureSecret(RuntimeError):
    """A secret still has its development default outside dev mode."""


def insecure_secrets(names):
    """Those of ``names`` that still have their development default while QI_ENV is not dev."""
    if setting("QI_ENV") == "dev":
        return []
    return [name for name in names if setting(name) == DEFAULTS[name]]


def secret(name):
    """A secret setting; refuses the development default unless QI_ENV is dev."""
    if name not in SECRETS:
        raise KeyError(f"{name} is not a secret setting (config.SECRETS)")
    value = setting(name)
    if insecure_secrets([name]):
        raise InsecureSecret(
            f"{name} still has its development default; set it in the environment "
            f"(QI_ENV={setting('QI_ENV')})"
        )
    return value
