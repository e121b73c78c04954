"""Secrets: development defaults are refused outside dev mode, at start and at use."""

import inspect
import re

import pytest
from nameko import config as nameko_config

from services.common.config import DEFAULTS, InsecureSecret, insecure_secrets, secret
from services.common.secrets import RequiredSecrets

from ..deployment import ROOT, secrets_read_by_service, service_class, service_packages


@pytest.mark.parametrize("service", service_packages())
def test_every_service_declares_exactly_the_secrets_its_code_reads(service):
    declared = [value for _, value in inspect.getmembers(service_class(service)) if isinstance(value, RequiredSecrets)]
    assert len(declared) == 1, f"{service} declares no RequiredSecrets"
    read = {name for name, readers in secrets_read_by_service().items() if service in readers}
    assert set(declared[0].names) == read


def test_dev_mode_allows_the_development_default():
    with nameko_config.patch({"QI_ENV": "dev", "SECRET_KEY": ""}):
        assert insecure_secrets(["SECRET_KEY"]) == []
        assert secret("SECRET_KEY") == DEFAULTS["SECRET_KEY"]


def test_outside_dev_mode_the_development_default_is_named_and_refused():
    with nameko_config.patch({"QI_ENV": "production", "SECRET_KEY": ""}):
        assert insecure_secrets(["SECRET_KEY"]) == ["SECRET_KEY"]
        with pytest.raises(InsecureSecret, match="SECRET_KEY"):
            secret("SECRET_KEY")


def test_outside_dev_mode_a_secret_of_ones_own_is_used():
    with nameko_config.patch({"QI_ENV": "production", "SECRET_KEY": "s3cr3t-of-our-own-and-long-enough-for-hmac"}):
        assert insecure_secrets(["SECRET_KEY"]) == []
        assert secret("SECRET_KEY") == "s3cr3t-of-our-own-and-long-enough-for-hmac"


def test_only_settings_listed_as_secrets_can_be_required():
    with pytest.raises(ValueError, match="AMQP_URI"):
        RequiredSecrets("AMQP_URI")


# -- issue 26 §6: not only the built-in default ------------------------------------------------
STRONG = "k7Qm2vX9pL4tR8wZ1nB6cH3jF5dS0aGe"  # 32 bytes, made up for this test


def test_outside_dev_mode_a_secret_shorter_than_32_bytes_is_refused():
    with nameko_config.patch({"QI_ENV": "production", "SECRET_KEY": STRONG[:31]}):
        assert insecure_secrets(["SECRET_KEY"]) == ["SECRET_KEY"]
        with pytest.raises(InsecureSecret, match="shorter than 32 bytes"):
            secret("SECRET_KEY")
    with nameko_config.patch({"QI_ENV": "production", "SECRET_KEY": STRONG}):
        assert insecure_secrets(["SECRET_KEY"]) == []


def example_secret_values():
    """Every value the repository's examples give a secret: the *.example files, the
    defaults in deploy/config.yaml and docker-compose.yml, and assignments in the READMEs."""
    values = set()
    files = [*ROOT.glob("**/*.example"), ROOT / "docker-compose.yml", ROOT / "deploy" / "config.yaml",
             ROOT / "README.md", ROOT / "deploy" / "README.md"]
    for path in files:
        if ".venv" in path.parts or not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        values.update(re.findall(r"^[A-Z_]*(?:SECRET|PASSWORD|COOKIE|KEYFILE)[A-Z_]*=(\S+)", text, re.M))
        values.update(re.findall(r"\$\{[A-Z_]*SECRET[A-Z_]*:([^}?][^}]*)\}", text))
        values.update(re.findall(r"SECRET_KEY[=:]\s*[\"']?([A-Za-z0-9_.+/=-]{4,})", text))
    return sorted(value for value in values if not value.startswith(("$", "<")))


def test_the_repository_shows_example_secrets_and_each_is_refused_outside_dev_mode():
    examples = example_secret_values()
    assert "change-me" in examples and DEFAULTS["SECRET_KEY"] in examples  # the scan finds them
    for example in examples:
        # even lengthened to 32 bytes, a value copied from the examples is no secret
        for value in (example, example + "-" * max(0, 32 - len(example))):
            with nameko_config.patch({"QI_ENV": "production", "SECRET_KEY": value}):
                assert insecure_secrets(["SECRET_KEY"]) == ["SECRET_KEY"], value
