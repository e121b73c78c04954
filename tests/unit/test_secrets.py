"""Secrets: development defaults are refused outside dev mode, at start and at use."""

import inspect

import pytest
from nameko import config as nameko_config

from services.common.config import DEFAULTS, InsecureSecret, insecure_secrets, secret
from services.common.secrets import RequiredSecrets

from ..deployment import secrets_read_by_service, service_class, service_packages


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
    with nameko_config.patch({"QI_ENV": "production", "SECRET_KEY": "s3cr3t-of-our-own"}):
        assert insecure_secrets(["SECRET_KEY"]) == []
        assert secret("SECRET_KEY") == "s3cr3t-of-our-own"


def test_only_settings_listed_as_secrets_can_be_required():
    with pytest.raises(ValueError, match="AMQP_URI"):
        RequiredSecrets("AMQP_URI")
