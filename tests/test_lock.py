"""The dependency lock: the whole tree pinned with hashes, and installed from it everywhere.

requirements-dev.lock (the platform, its dev extras, pip and the build backend) and
requirements.lock (the image's, without the dev extras) are made by `make lock` from
pyproject.toml. These checks read the files and the installers as they are committed.
"""

import os
import re
import subprocess
import tomllib
from importlib import metadata

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .deployment import DEPLOY, ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
# What each lock holds: the project's dependencies and these extras.
LOCKED_EXTRAS = {RUNTIME_LOCK: ("installer",), DEV_LOCK: ("installer", "dev")}
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def read_lock(path):
    """{name: (version, hashes)}; fails on any line that is not a pin, a hash or a comment."""
    pins = {}
    current = None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        body = text.removesuffix("\\").strip()
        if line.startswith((" ", "\t")):
            assert current and HASH.fullmatch(body), f"{path.name}:{number}: {line!r} is not a hash of a pin"
            pins[current][1].append(body)
            continue
        requirement = Requirement(body)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==" and not requirement.url, (
            f"{path.name}:{number}: {body!r} is not pinned with ==")
        current = canonicalize_name(requirement.name)
        assert current not in pins, f"{path.name}:{number}: {current} twice"
        pins[current] = (specifiers[0].version, [])
    for name, (_, hashes) in pins.items():
        assert hashes, f"{path.name}: {name} has no --hash"
    return pins


def declared(extras=()):
    """pyproject.toml's requirements: the project's own and those of ``extras``."""
    texts = list(PYPROJECT["project"]["dependencies"])
    for extra in extras:
        texts += PYPROJECT["project"]["optional-dependencies"][extra]
    return [Requirement(text) for text in texts]


def pinned_version(requirement):
    specifiers = list(requirement.specifier)
    assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{requirement} is not pinned with =="
    return specifiers[0].version


def dependency_closure(requirements):
    """Every distribution ``requirements`` need on this interpreter (Python 3.11 on Linux,
    what the locks are for), read from the installed packages' metadata."""
    extras_of = {}  # name -> the extras asked of it so far
    pending = list(requirements)
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in extras_of and set(requirement.extras) <= extras_of[name]:
            continue
        extras_of.setdefault(name, set()).update(requirement.extras)
        environments = [{**default_environment(), "extra": extra} for extra in ("", *extras_of[name])]
        for text in metadata.requires(requirement.name) or []:
            dependency = Requirement(text)
            if dependency.marker is None or any(dependency.marker.evaluate(env) for env in environments):
                pending.append(dependency)
    return set(extras_of)


# -- pyproject.toml --------------------------------------------------------------------------
def test_every_dependency_in_pyproject_is_pinned_to_one_release():
    extras = tuple(PYPROJECT["project"]["optional-dependencies"])
    for requirement in declared(extras) + [Requirement(text) for text in PYPROJECT["build-system"]["requires"]]:
        pinned_version(requirement)


def test_the_build_backend_is_the_one_the_installer_extra_locks():
    # The project installs with --no-build-isolation, from the backend the lock installed.
    assert {canonicalize_name(Requirement(text).name): pinned_version(Requirement(text))
            for text in PYPROJECT["build-system"]["requires"]}.items() <= {
        canonicalize_name(requirement.name): pinned_version(requirement)
        for requirement in declared(("installer",))}.items()


# -- the lock files ------------------------------------------------------------------------
@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=lambda path: path.name)
def test_the_lock_pins_every_package_with_hashes_at_pyprojects_versions(lock):
    pins = read_lock(lock)
    for requirement in declared(LOCKED_EXTRAS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{lock.name} lacks {name}: run make lock"
        assert pins[name][0] == pinned_version(requirement), (
            f"{lock.name} has {name}=={pins[name][0]}, pyproject.toml {requirement}: run make lock")


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=lambda path: path.name)
def test_the_lock_holds_the_whole_dependency_tree_and_nothing_else(lock):
    needed = dependency_closure(declared(LOCKED_EXTRAS[lock]))
    locked = set(read_lock(lock))
    assert not needed - locked, f"{lock.name} lacks {sorted(needed - locked)}: run make lock"
    assert not locked - needed, f"{lock.name} holds {sorted(locked - needed)}, which nothing needs"


def test_the_image_gets_exactly_the_releases_and_files_the_tests_ran_with():
    runtime, dev = read_lock(RUNTIME_LOCK), read_lock(DEV_LOCK)
    assert set(runtime) < set(dev)
    for name, (version, hashes) in runtime.items():
        assert dev[name] == (version, hashes), f"{name}: {version} in the image, {dev[name][0]} in the tests"


def test_the_locks_say_how_they_are_made():
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        assert "#    make lock\n" in lock.read_text(), lock.name
    assert "make lock" in (ROOT / "README.md").read_text()


def test_this_environment_has_every_locked_release():
    # make install puts the dev lock into .venv; a stale one runs code the image does not.
    for name, (version, _) in read_lock(DEV_LOCK).items():
        assert metadata.version(name) == version, f"{name} {metadata.version(name)} installed, {version} locked"


# -- installed from the lock -----------------------------------------------------------------
def pip_installs(text):
    return [" ".join(line.split()) for line in text.replace("\\\n", " ").splitlines()
            if re.search(r"\bpip install\b", line)]


def test_the_image_installs_from_the_runtime_lock_with_hashes_and_the_platform_without_resolving():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    installs = pip_installs(dockerfile)
    assert any("--require-hashes -r requirements.lock" in line for line in installs), installs
    for line in installs:
        assert "--require-hashes -r requirements.lock" in line or (
            "--no-deps" in line and "--no-build-isolation" in line), f"resolves anew: {line}"
    assert "COPY requirements.lock" in dockerfile
    assert not any(pattern.strip("/") in {"requirements.lock", "*.lock"}
                   for pattern in (ROOT / ".dockerignore").read_text().splitlines())


def make_dry_run(*arguments):
    """What make would run, without running it (also when the tests run under make test)."""
    environment = {name: value for name, value in os.environ.items()
                   if name not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VENV", "PYTHON"}}
    return subprocess.run(["make", "--no-print-directory", "-n", *arguments], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60, check=True).stdout


def test_make_installs_from_the_dev_lock_with_hashes_and_the_project_without_resolving():
    # -B: as on a fresh machine.
    installs = pip_installs(make_dry_run("-B", "install"))
    assert installs == [
        ".venv/bin/python -m pip install --quiet --require-hashes -r requirements-dev.lock",
        ".venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .",
    ]


def test_make_installs_again_when_the_lock_changes():
    # -W: as if the lock had just been edited (e.g. by make lock).
    assert "--require-hashes -r requirements-dev.lock" in make_dry_run("-W", "requirements-dev.lock", "install")


def test_make_test_and_ci_go_through_the_locked_install():
    assert re.search(r"^test: install\b", (ROOT / "Makefile").read_text(), flags=re.MULTILINE)
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), flags=re.MULTILINE)
    assert re.search(r"^run: install\b", (ROOT / "Makefile").read_text(), flags=re.MULTILINE)


def test_make_lock_compiles_both_files_from_pyproject_with_hashes_for_python_311_on_linux():
    commands = [line for line in make_dry_run("-B", "lock").splitlines() if "pip compile" in line]
    assert len(commands) == 2
    for command in commands:
        assert "--generate-hashes" in command and "--python-version 3.11" in command
        assert "x86_64-unknown-linux-gnu" in command and command.endswith("pyproject.toml")
    assert "-o requirements-dev.lock" in commands[0] and "--extra dev" in commands[0]
    assert "-o requirements.lock" in commands[1] and "--extra dev" not in commands[1]
    assert "--constraint requirements-dev.lock" in commands[1]
