"""Every service has the same shape (issue 25): a composition root, a pure domain, use
cases, adapters that alone speak to the store, one module of entrypoints; the gateway
adds its web edge and its commands. These rules are read from the code itself."""

import ast
import inspect
import re
from pathlib import Path

import pytest

from services.gateway.service import GatewayService

SERVICES = Path(__file__).parents[2] / "services"
DOMAIN_SERVICES = ("metrology", "standards", "certification", "testing")
ALL = ("gateway", *DOMAIN_SERVICES)
# What every service has at its root (a module or a package), and what only the gateway has.
SHAPE = {"__init__.py", "bootstrap.py", "domain", "handlers", "adapters", "exceptions.py", "service.py", "data"}
GATEWAY_ONLY = {"web", "cli"}  # its schemas are its web edge's: web/schemas/
MONGO_OPERATOR = re.compile(r"""["']\$(in|nin|ne|lt|lte|gt|gte|inc|set|push|each|max|group|match|sum)["']""")


def entries(service):
    return {path.name.removesuffix(".py") if path.is_dir() else path.name
            for path in (SERVICES / service).iterdir() if path.name != "__pycache__"}


def python_files(*places):
    for place in places:
        path = Path(place)
        yield from ([path] if path.suffix == ".py" else sorted(path.rglob("*.py")))


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or "")


def handlers_and_entrypoints(service):
    root = SERVICES / service
    places = [root / "domain", root / "service.py", root / "bootstrap.py"]
    places.append(root / "handlers" if (root / "handlers").is_dir() else root / "handlers.py")
    if service == "gateway":
        places.append(root / "web")
    return [place for place in places if place.exists()]


@pytest.mark.parametrize("service", ALL)
def test_every_service_has_the_same_top_level_shape(service):
    found = {name.removesuffix(".py") for name in entries(service)}
    wanted = {name.removesuffix(".py") for name in SHAPE}
    assert wanted <= found, f"{service} lacks {wanted - found}"
    extra = found - wanted - {"schemas"} - (GATEWAY_ONLY if service == "gateway" else set())
    assert extra == set(), f"{service} has {extra} at its root"


def test_the_gateway_has_at_most_ten_entries_at_its_root():
    assert len(entries("gateway")) <= 10, sorted(entries("gateway"))


@pytest.mark.parametrize("service", ALL)
def test_no_use_case_or_entrypoint_speaks_to_the_store(service):
    """pymongo and the document store are the adapters' (and the composition root's)."""
    speaking = []
    for path in python_files(*handlers_and_entrypoints(service)):
        if path.name == "bootstrap.py":
            continue
        for module in imported_modules(path):
            if module.startswith("pymongo") or module.endswith("common.store"):
                speaking.append(f"{path.relative_to(SERVICES)} imports {module}")
    assert speaking == []


@pytest.mark.parametrize("service", ALL)
def test_query_syntax_stays_in_the_adapters(service):
    found = [f"{path.relative_to(SERVICES)}:{number}"
             for path in python_files(*handlers_and_entrypoints(service))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if MONGO_OPERATOR.search(line)]
    assert found == []


@pytest.mark.parametrize("service", ALL)
def test_the_composition_root_alone_reads_the_clock_and_the_reference_data(service):
    found = [f"{path.relative_to(SERVICES)}:{number}"
             for path in python_files(SERVICES / service)
             if path.name != "bootstrap.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\b(datetime\.now|reference_data)\(", line)]
    assert found == []


@pytest.mark.parametrize("service", ALL)
def test_the_domain_is_pure(service):
    impure = [f"{path.relative_to(SERVICES)} imports {module}"
              for path in python_files(SERVICES / service / "domain")
              for module in imported_modules(path)
              if module.split(".")[0] in ("nameko", "pymongo", "marshmallow", "kombu", "eventlet", "werkzeug")]
    assert impure == []


def dependencies(service_cls):
    """The names nameko injects: every DependencyProvider declared on the class."""
    from nameko.extensions import DependencyProvider

    return {name for name, value in vars(service_cls).items() if isinstance(value, DependencyProvider)}


def test_no_entrypoint_calls_another_entrypoints_method():
    """Each web mixin stands alone: what pages and the API share are use cases and plain
    functions, never a method another mixin happens to define (resolved by inheritance
    order). A mixin may call its own private helpers and use the injected dependencies."""
    injected = dependencies(GatewayService)
    crossing = []
    for mixin in GatewayService.__mro__[1:]:
        if mixin is object or not mixin.__module__.startswith("services.gateway.web"):
            continue
        own = set(vars(mixin))
        tree = ast.parse(inspect.getsource(mixin))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" \
                    and node.attr not in own and node.attr not in injected:
                crossing.append(f"{mixin.__name__} uses self.{node.attr}")
    assert crossing == []


def test_no_two_mixins_define_the_same_name():
    """Two mixins with a helper of the same name would both call whichever comes first in
    the gateway's bases: the dashboard's CSV export once answered with the API's."""
    defined: dict[str, list[str]] = {}
    for mixin in GatewayService.__mro__[1:]:
        if mixin is object:
            continue
        for name in vars(mixin):
            if not name.startswith("__"):
                defined.setdefault(name, []).append(mixin.__name__)
    assert {name: owners for name, owners in defined.items() if len(owners) > 1} == {}
