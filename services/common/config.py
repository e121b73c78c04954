"""Settings every service reads, in one place.

Services are started with ``nameko run --config deploy/config.yaml``; that file maps
environment variables onto nameko's config. Code reads settings through
:func:`setting` so a value may come from the nameko config (production, tests that patch
``nameko.config``) or straight from the environment (scripts run outside nameko).
"""

import os
import re

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
    # The platform's document-signing key generations (services/common/documents/keys.py):
    # a directory of <generation>/cert.pem (+ key.pem while it signs). In dev mode an empty
    # one gets a development key; elsewhere the services that sign or check documents
    # refuse to start without one.
    "ISSUING_KEYS_DIR": "var/issuing-keys",
    # The public address of the platform, as printed in the documents' QR codes
    # (<PUBLIC_BASE_URL>/verify/<number>); a loopback address is refused outside dev mode.
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    # Attachments (POST /api/v1/files): the largest file taken (bytes; JSON bodies keep
    # their own 1 MiB), how long an upload no request took is kept (seconds), and how
    # often the gateway deletes those whose time ran out.
    "UPLOAD_MAX_BYTES": str(20 * 1024 * 1024),
    "UPLOAD_KEEP_SECONDS": "86400",
    "UPLOAD_CLEANUP_SECONDS": "3600",
    # The notifier (gateway/handlers/notifications.py): how often the gateway sends the
    # deliveries that are due, and how many times a failing one is tried before it is
    # ``failed`` (with back-off: 30 s, 1 min, 2 min …).
    "NOTIFY_SEND_SECONDS": "5",
    "NOTIFY_MAX_ATTEMPTS": "5",
    # E-mail over SMTP; unset SMTP_HOST: e-mails fail (visible to staff) until it is set.
    "SMTP_HOST": "",
    "SMTP_PORT": "25",
    "SMTP_FROM": "QI platform <noreply@qi.local>",
    "SMTP_USERNAME": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": "0",
    # With STARTTLS the relay's certificate is verified: against the system's CAs, or this
    # CA bundle (a relay whose certificate an internal CA signed).
    "SMTP_CA_FILE": "",
    # SMS through Alibaba Cloud SMS (dysmsapi SendSms); unset SMS_ACCESS_KEY_ID: SMS fail
    # until it is set. The template takes one variable, ${content}.
    "SMS_ENDPOINT": "https://dysmsapi.aliyuncs.com/",
    "SMS_ACCESS_KEY_ID": "",
    "SMS_ACCESS_KEY_SECRET": "",
    "SMS_SIGN_NAME": "",
    "SMS_TEMPLATE_CODE": "",
    # Dev mode only: the local catcher's address (python -m services.gateway.cli.dev_outbox),
    # whose messages the page /dev/outbox lists.
    "DEV_OUTBOX_URL": "",
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
# An HMAC key (HS256) shorter than its hash gives away strength for nothing.
MIN_SECRET_BYTES = 32
# What the repository shows as a secret's value (deploy/**/*.example, deploy/config.yaml,
# the READMEs; tests/unit/test_secrets.py finds them there): whoever copies one unchanged
# runs with a key every reader of the repository knows, however long it is. A value that
# contains one of them, or a placeholder word, is refused too.
EXAMPLE_SECRETS = ("dev-secret-key-not-for-production-use", "change-me-hex-only", "change-me-base64-756-bytes",
                   "change-me")
PLACEHOLDER = re.compile(r"change[-_ ]?me|replace[-_ ]?me|your[-_ ]?secret|placeholder|not[-_ ]for[-_ ]production",
                         re.IGNORECASE)


class InsecureSecret(RuntimeError):
    """A secret still has its development default outside dev mode."""


def secret_problem(name):
    """Why the value of secret ``name`` must not be used now (words for the log), or None.
    In dev mode (QI_ENV=dev) anything goes."""
    if setting("QI_ENV") == "dev":
        return None
    value = setting(name)
    if value == DEFAULTS[name]:
        return "still has its development default"
    if any(example in value.lower() for example in EXAMPLE_SECRETS) or PLACEHOLDER.search(value):
        return "is an example value shown in the repository"
    if len(value.encode("utf-8")) < MIN_SECRET_BYTES:
        return f"is shorter than {MIN_SECRET_BYTES} bytes"
    return None


def insecure_secrets(names):
    """Those of ``names`` whose value must not be used while QI_ENV is not dev."""
    return [name for name in names if secret_problem(name)]


def secret(name):
    """A secret setting; refuses a development, example or short value unless QI_ENV is dev."""
    if name not in SECRETS:
        raise KeyError(f"{name} is not a secret setting (config.SECRETS)")
    problem = secret_problem(name)
    if problem:
        raise InsecureSecret(f"{name} {problem}; set it in the environment (QI_ENV={setting('QI_ENV')})")
    return setting(name)
