"""How a service gets its documents' ports from the settings, and refuses to start
without them outside dev mode.

``ISSUING_KEYS_DIR`` names the key generations (``keys.py``), re-read whenever the
directory changes, so a new generation signs without a restart; ``PUBLIC_BASE_URL`` is
the address the QR codes print. ``IssuingKeysRequired`` is declared by every service that
signs or checks documents: outside dev mode, a missing key or a loopback public address
stops the service in ``setup()``, before it serves anything (as ``secrets.py`` does for
secrets).
"""

import logging
from pathlib import Path
from threading import Lock
from typing import Any
from urllib.parse import urlparse

from nameko.extensions import DependencyProvider

from ..config import setting
from .issuing import Issuing
from .keys import IssuingKeyMissing, IssuingKeys, load_keys
from .originals import GridFsOriginals, MemoryOriginals

log = logging.getLogger(__name__)
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")

_cache: dict[str, tuple[float, IssuingKeys]] = {}
_lock = Lock()


class PublicAddressRefused(RuntimeError):
    """PUBLIC_BASE_URL is not an address the public can reach."""


def dev_mode() -> bool:
    return setting("QI_ENV") == "dev"


def keys_directory() -> Path:
    return Path(setting("ISSUING_KEYS_DIR"))


def issuing_keys() -> IssuingKeys:
    """The key generations as the directory holds them now (read again when it changes)."""
    directory = keys_directory()
    changed = directory.stat().st_mtime if directory.is_dir() else 0.0
    with _lock:
        cached = _cache.get(str(directory))
        if cached is None or cached[0] != changed:
            keys = load_keys(directory, dev_mode())
            _cache[str(directory)] = (directory.stat().st_mtime, keys)
            return keys
        return cached[1]


def public_base_url() -> str:
    url = setting("PUBLIC_BASE_URL")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise PublicAddressRefused(f"PUBLIC_BASE_URL is not an http(s) address: {url!r}")
    if not dev_mode() and (parsed.hostname in LOOPBACK_HOSTS or parsed.hostname.startswith("127.")):
        raise PublicAddressRefused(f"PUBLIC_BASE_URL {url} is a loopback address; QR codes printed on "
                                   f"documents must reach the platform from anywhere (QI_ENV={setting('QI_ENV')})")
    return url


def issuing(database: Any = None) -> Issuing:
    """The documents' port of a worker: keys, the originals in its database (in memory
    without one), the address."""
    originals = GridFsOriginals(database) if database is not None else MemoryOriginals()
    return Issuing(keys=issuing_keys, originals=originals, public_base_url=public_base_url())


class ServiceRefusesToStart(RuntimeError):
    """What a documents' service says when it will not start, and why."""


class IssuingKeysRequired(DependencyProvider):
    """Refuse to start without what documents need: a key that signs (``signs``) or at
    least one certificate to check with, and (for signers) a public address."""

    def __init__(self, signs: bool = True) -> None:
        self.signs = signs

    def setup(self) -> None:
        try:
            keys = issuing_keys()
            if self.signs:
                keys.signing()
                public_base_url()
        except (IssuingKeyMissing, PublicAddressRefused) as exc:
            reason = f"{self.container.service_name} refuses to start: {exc}"
            log.critical(reason)
            # The reason is the last line of the traceback too, where a supervisor's tail
            # of the log (and an operator) looks first.
            raise ServiceRefusesToStart(reason) from exc
        _warm_up()

    def get_dependency(self, worker_ctx: Any) -> None:
        return None


def _warm_up() -> None:
    """Import the signing libraries now, so the first document does not pay for them."""
    import pyhanko.sign  # noqa: F401
    import signxml  # noqa: F401
