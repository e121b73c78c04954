"""The dependency every service declares to refuse to start with a development secret.

``secrets = RequiredSecrets("SECRET_KEY")`` names the secrets the service reads. Outside
dev mode (``QI_ENV`` not ``dev``) a container whose secrets still have their development
defaults, a value the repository shows as an example, or fewer than 32 bytes fails in
``setup()``, before any entrypoint starts: ``nameko run`` logs why and
exits non-zero, instead of serving until the first request that needs the secret.
"""

import logging

from nameko.extensions import DependencyProvider

from .config import SECRETS, InsecureSecret, secret_problem, setting

log = logging.getLogger(__name__)


class RequiredSecrets(DependencyProvider):
    def __init__(self, *names):
        unknown = set(names) - set(SECRETS)
        if unknown:
            raise ValueError(f"not secret settings: {sorted(unknown)} (see config.SECRETS)")
        self.names = names

    def setup(self):
        problems = [f"{name} {secret_problem(name)}" for name in self.names if secret_problem(name)]
        if problems:
            reason = (f"{self.container.service_name} refuses to start: {'; '.join(problems)} "
                      f"while QI_ENV={setting('QI_ENV')}; set a real value in the environment "
                      f"(at least 32 random bytes, e.g. openssl rand -hex 32)")
            log.critical(reason)
            raise InsecureSecret(reason)

    def get_dependency(self, worker_ctx):
        return self.names
