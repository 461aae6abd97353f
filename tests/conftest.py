"""Fixtures and options shared by every test; helpers live in helpers.py."""

from __future__ import annotations

import compileall
import fcntl
import os
import pickle
import sys
from pathlib import Path

import pytest
from helpers import CORPUS, SEED, sandboxes_served

import doccontract
from doccontract.contract.build import build

# the contract suite's options, fixtures and parametrization (--target, --contracts, --operation ...)
pytest_plugins = ["doccontract.suite.plugin"]
KNOWN_DEVIATIONS = Path(__file__).with_name("contract_known_deviations.json")
PACKAGE = Path(doccontract.__file__).parent


@pytest.hookimpl(optionalhook=True)  # xdist's hook: `pytest -p no:xdist` still runs
def pytest_xdist_auto_num_workers(config):
    """One worker more than cores: about a quarter of the run waits (on sockets, deadlines and
    doccontract processes), and a third worker fills that wait (2 cores: 93 s wall against 120 s)."""
    return (os.cpu_count() or 1) + 1


@pytest.hookimpl(trylast=True)  # after the cache provider set config.cache
def pytest_configure(config):
    """Disagreements between the sandbox and the contracts, each with its reason, shown as xfail here."""
    if config.getoption("--known-deviations", None) is None:
        config.option.known_deviations = str(KNOWN_DEVIATIONS)
    _cache_bytecode(config)


def _cache_bytecode(config) -> None:
    """With PYTHONDONTWRITEBYTECODE set, every ``doccontract`` process a test starts (about 250) compiled
    the package anew, and every worker re-rewrote the test modules: a third of the run's CPU time.
    Compiled files go to pytest's own cache folder instead, never beside the sources, for this run's
    processes and workers (they inherit the environment); a PYTHONPYCACHEPREFIX of the caller's is kept."""
    if not sys.dont_write_bytecode or not hasattr(config, "cache"):
        return
    try:
        prefix = os.environ.get("PYTHONPYCACHEPREFIX") or str(config.cache.mkdir("pycache"))
    except OSError:  # a read-only checkout: compile as before
        return
    os.environ["PYTHONPYCACHEPREFIX"] = sys.pycache_prefix = prefix
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        # Once, before the workers start, not by each of them at once: the package, the test helpers,
        # and every module loaded so far (pytest, hypothesis, requests, the standard library...), since
        # a prefix holds none of the compiled files installed beside them.
        loaded = {getattr(m, "__file__", None) for m in list(sys.modules.values())}
        helpers = [h for h in Path(__file__).parent.glob("*.py") if not h.name.startswith(("test_", "conftest"))]
        for source in sorted({*(f for f in loaded if f and f.endswith(".py")), *map(str, helpers)}):
            compileall.compile_file(source, quiet=2)
        compileall.compile_dir(PACKAGE, quiet=2)


def pytest_collection_modifyitems(config, items):
    """Folders are markers too: tests/e2e runs processes (``-m e2e``), tests/corpus reads the corpus (``-m corpus``)."""
    here = Path(__file__).parent
    for item in items:
        folder = Path(str(item.path)).relative_to(here).parts[0] if Path(str(item.path)).is_relative_to(here) else ""
        if folder in ("e2e", "corpus"):
            item.add_marker(folder)


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory):
    """The whole corpus built once a run (``(folder, results)``), read-only for every test that checks it.

    Five tests each built it (3 s of CPU apiece); xdist's workers share the run's base folder, so the
    first builds under a lock and the others read what it wrote (the pattern xdist's docs give)."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not present at {CORPUS}")
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    out, done = shared / "corpus-contracts", shared / "corpus-contracts.pickle"
    with (shared / "corpus-contracts.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            results = build([CORPUS], out, jobs=2, use_cache=False)
            done.write_bytes(pickle.dumps(results))
    return out, pickle.loads(done.read_bytes())


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def serve_sandbox():
    """``serve_sandbox(Sandbox(...), **serve_options)``: the sandbox on 127.0.0.1, stopped at teardown;
    an internal error it answered as a 500 is re-raised at teardown (see helpers.sandboxes_served)."""
    with sandboxes_served() as serve:
        yield serve
