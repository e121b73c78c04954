"""Standards and certification keep the shape every domain service has (issue 25): one
composition root builds a worker's ports, the nameko service only parses, calls one use
case and answers, and nothing outside adapters/ speaks Mongo or reads the time."""

import ast
import dataclasses
import inspect
import re
import typing
from datetime import UTC, datetime
from pathlib import Path

import pytest

import services
from services.certification import bootstrap as certification_bootstrap
from services.certification.service import CertificationService
from services.standards import bootstrap as standards_bootstrap
from services.standards.service import StandardsService
from tests.fakes.store import InMemoryDocumentStore
from tests.support.entrypoints import entrypoint_names, use_cases_of_entrypoints

SERVICES = {
    "standards": (standards_bootstrap, StandardsService),
    "certification": (certification_bootstrap, CertificationService),
}
# A Mongo query operator ("$in", "$lte"…) or a store's own methods called from outside adapters/.
MONGO = re.compile(r'"\$[a-z]+"|\.find\(|\.count\(|\.store\.')


SERVICES_DIR = Path(services.__file__).parent


def source_of(service, path):
    return (SERVICES_DIR / service / path).read_text(encoding="utf-8")


def ports_type(bootstrap):
    return typing.get_type_hints(bootstrap.compose)["return"]


class FakeDatabase(dict):
    """Stands in for a pymongo database: each collection is a placeholder that names itself."""

    def __missing__(self, name):
        self[name] = Placeholder(name)
        return self[name]

    @property
    def counters(self):
        return self["counters"]


@dataclasses.dataclass(frozen=True)
class Placeholder:
    name: str


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_bootstrap_builds_every_port_on_in_memory_stores(service):
    bootstrap = SERVICES[service][0]
    moment = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    ports = bootstrap.compose(lambda collection: InMemoryDocumentStore(), clock=lambda: moment)
    hints = typing.get_type_hints(ports_type(bootstrap))
    for field in dataclasses.fields(ports):
        value = getattr(ports, field.name)
        expected = hints[field.name]
        assert value is not None, field.name
        if inspect.isclass(expected):
            assert isinstance(value, expected), f"{field.name} is {value!r}, not a {expected.__name__}"
    assert ports.clock() == moment
    with pytest.raises(dataclasses.FrozenInstanceError):
        ports.clock = datetime.now  # a worker's ports are built once, not swapped


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_bootstrap_puts_each_repository_on_its_own_collection_and_the_relay_publishes_them(service):
    bootstrap = SERVICES[service][0]
    ports = bootstrap.build(FakeDatabase())
    collections = [
        port.store.collection.name
        for port in (getattr(ports, field.name) for field in dataclasses.fields(ports))
        if hasattr(port, "store")
    ]
    assert len(collections) == len(set(collections)), collections
    assert set(bootstrap.COLLECTIONS) <= set(collections)
    assert bootstrap.build(FakeDatabase()).clock is bootstrap.utc_now


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_service_has_no_property_and_neither_queries_nor_reads_the_time(service):
    text = source_of(service, "service.py")
    assert "@property" not in text
    assert not MONGO.search(text)
    assert "datetime.now" not in text and "utc_now" not in text


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_use_cases_and_the_domain_speak_no_mongo_and_take_the_time_as_an_argument(service):
    domain = sorted(path.name for path in (SERVICES_DIR / service / "domain").glob("*.py"))
    for path in ["handlers.py", *(f"domain/{name}" for name in domain)]:
        text = source_of(service, path)
        assert not MONGO.search(text), f"{service}/{path}: {MONGO.search(text)[0]}"
        assert "datetime.now" not in text, f"{service}/{path}"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_entrypoint_calls_exactly_one_use_case(service):
    service_class = SERVICES[service][1]
    tree = ast.parse(source_of(service, "service.py"))
    [class_node] = [node for node in tree.body if isinstance(node, ast.ClassDef)
                    and node.name == service_class.__name__]
    found = use_cases_of_entrypoints(tree, class_node, entrypoint_names(service_class))
    assert set(found) == entrypoint_names(service_class)
    assert {name: len(use_cases) for name, use_cases in found.items() if name != "health"} == {
        name: 1 for name in found if name != "health"}
    assert found.get("health", []) == []  # the shared health report, not a use case
