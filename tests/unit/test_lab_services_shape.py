"""The laboratory services (metrology, testing) have the shape of every domain service:
a composition root that builds each worker's ports, thin entrypoints that read their
input and call one use case, and Mongo spoken only in ``adapters/``."""

import ast
import dataclasses
import typing
from datetime import datetime
from pathlib import Path

import pytest

from services.common.store import MongoDocumentStore
from services.metrology import bootstrap as metrology_bootstrap
from services.metrology import handlers as metrology_handlers
from services.metrology.service import MetrologyService
from services.testing import bootstrap as testing_bootstrap
from services.testing import handlers as testing_handlers
from services.testing.service import TestingService
from tests.fakes.store import InMemoryDocumentStore

from ..support.data import JC01_BODY, JL02_BODY, NOW
from ..support.entrypoints import entrypoint_names, use_cases_of_entrypoints
from ..support.events import dispatched_work

SERVICES = Path(__file__).parents[2] / "services"
LAB_SERVICES = {"metrology": metrology_bootstrap, "testing": testing_bootstrap}
LAB_CLASSES = {"metrology": MetrologyService, "testing": TestingService}
CODE = "321322-20261126-00001-6"


class StandInDatabase:
    """What ``build`` is given in a worker, as far as it looks at it: collections by name
    and the counters collection; nothing is read or written while the ports are built."""

    def __init__(self):
        self.counters = "counters"

    def __getitem__(self, collection):
        return f"collection {collection}"


class RelayOfEveryCollection:
    def publishes(self, collection):
        return True


def ports_of(bootstrap):
    cls = typing.get_type_hints(bootstrap.build)["return"]
    return cls, typing.get_type_hints(cls)


def repositories(ports):
    return {field.name: getattr(ports, field.name) for field in dataclasses.fields(ports)
            if field.name not in ("laboratory", "assessment_authority", "clock", "issuing")}


@pytest.mark.parametrize("name", LAB_SERVICES)
def test_build_gives_each_worker_every_port_on_the_services_database(name):
    bootstrap = LAB_SERVICES[name]
    relay = RelayOfEveryCollection()
    ports = bootstrap.build(StandInDatabase(), relay)
    cls, hints = ports_of(bootstrap)
    assert isinstance(ports, cls)
    for field, port in repositories(ports).items():
        assert isinstance(port, hints[field]), field
        assert isinstance(port.store, MongoDocumentStore) and port.store.relay is relay, field
    stored_in = {port.store.collection.removeprefix("collection ") for port in repositories(ports).values()}
    assert stored_in == set(bootstrap.COLLECTIONS)  # one store per collection the relay publishes
    assert ports.laboratory["name"] and set(ports.laboratory) == {"name", "address", "authorization"}
    assert ports.clock().tzinfo is not None
    assert ports.issuing.originals.database is not None  # its documents' originals, in its own database


@pytest.mark.parametrize("name", LAB_SERVICES)
def test_each_worker_gets_ports_of_its_own(name):
    bootstrap = LAB_SERVICES[name]
    first, second = bootstrap.build(StandInDatabase()), bootstrap.build(StandInDatabase())
    assert first.jobs is not second.jobs and first.jobs.store is not second.jobs.store
    first.laboratory["name"] = "changed by one worker"
    assert second.laboratory["name"] != "changed by one worker"


@pytest.mark.parametrize("name, body, handlers", [("metrology", JL02_BODY, metrology_handlers),
                                                   ("testing", JC01_BODY, testing_handlers)])
def test_the_ports_composed_on_fakes_carry_a_dispatch_to_a_job(name, body, handlers):
    ports = LAB_SERVICES[name].compose(lambda collection: InMemoryDocumentStore(), clock=lambda: NOW)
    work = dispatched_work(CODE, body["item"], name, body["details"])
    handlers.receive_dispatched_request(ports.jobs, work, ports.clock())
    assert handlers.get_job(ports.jobs, CODE).received_at == NOW.isoformat()


# -- the entrypoints ------------------------------------------------------------------------------
def service_class(name):
    tree = ast.parse((SERVICES / name / "service.py").read_text(encoding="utf-8"))
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    return cls


def entrypoints(name):
    tree = ast.parse((SERVICES / name / "service.py").read_text(encoding="utf-8"))
    names = entrypoint_names(LAB_CLASSES[name])
    found = use_cases_of_entrypoints(tree, service_class(name), names)
    assert set(found) == names
    return found


@pytest.mark.parametrize("name", LAB_SERVICES)
def test_every_entrypoint_calls_exactly_one_use_case(name):
    found = entrypoints(name)
    assert len(found) > 5
    assert {entrypoint: len(use_cases) for entrypoint, use_cases in found.items()} == {
        entrypoint: 1 for entrypoint in found}


@pytest.mark.parametrize("name", LAB_SERVICES)
def test_the_service_builds_no_port_and_asks_no_store_or_clock_itself(name):
    cls = service_class(name)
    decorators = {ast.unparse(decorator) for node in cls.body if isinstance(node, ast.FunctionDef)
                  for decorator in node.decorator_list}
    assert "property" not in decorators
    methods = [node for node in cls.body if isinstance(node, ast.FunctionDef)]
    assert all(node.decorator_list for node in methods), "a helper method would be a second use case"
    source = (SERVICES / name / "service.py").read_text(encoding="utf-8")
    for word in (".find(", ".count(", ".store", "datetime", "MongoDocumentStore", "Repository("):
        assert word not in source, word


# -- Mongo in adapters only -------------------------------------------------------------------------
def modules_outside_adapters(name):
    return [path for path in (SERVICES / name).rglob("*.py") if "adapters" not in path.parts]


def query_operators(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("$")]


@pytest.mark.parametrize("name", LAB_SERVICES)
def test_no_query_is_written_outside_the_adapters(name):
    assert {path.name: query_operators(path) for path in modules_outside_adapters(name)} == {
        path.name: [] for path in modules_outside_adapters(name)}
    handlers = (SERVICES / name / "handlers.py").read_text(encoding="utf-8")
    for word in (".find(", ".count(", ".store", "pymongo", "common.store"):
        assert word not in handlers, word


@pytest.mark.parametrize("name", LAB_SERVICES)
def test_the_clock_is_read_in_the_composition_root_only(name):
    """The service never asks the time itself: its bootstrap hands use cases the clock of
    common/composition.py (or a test's)."""
    asking = [path.relative_to(SERVICES).as_posix() for path in (SERVICES / name).rglob("*.py")
              if "datetime.now" in path.read_text(encoding="utf-8")]
    assert asking == []
    assert isinstance(LAB_SERVICES[name].build(StandInDatabase()).clock(), datetime)
