"""Fixtures of the contract suite: one target at a time, every expectation from contracts/."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from suite import DEMO_KEY, DEMO_SECRET, Target, live_target

from doccontract.contracts import CLOSE_RISK_UNIT, load_contract
from doccontract.openapi import ERROR_SCHEMA
from doccontract.sandbox import Sandbox
from doccontract.signing import Signer


@pytest.fixture(scope="session")
def contract() -> dict[str, Any]:
    return load_contract(CLOSE_RISK_UNIT)


@pytest.fixture(scope="session")
def target(request) -> Target:
    if request.config.getoption("--target") == "live":
        yield live_target()
        return
    server = Sandbox().serve().start()
    try:
        yield Target("sandbox", server.url, DEMO_KEY, Signer(secret=DEMO_SECRET), {"secret": DEMO_SECRET}, server)
    finally:
        server.stop()


@pytest.fixture
def sandbox_only(target) -> Target:
    if target.kind != "sandbox":
        pytest.skip("changes state or needs known units: sandbox only (live runs non-destructive probes only)")
    return target


@pytest.fixture
def fresh_sandbox():
    """A sandbox of its own, in its demo state: for tests that close units."""
    server = Sandbox().serve().start()
    try:
        yield Target("sandbox", server.url, DEMO_KEY, Signer(secret=DEMO_SECRET), {"secret": DEMO_SECRET}, server)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def error_validator() -> Draft202012Validator:
    return Draft202012Validator(ERROR_SCHEMA)


# The page's own examples first, then probes and real traffic, generated cases last:
# examples catch drift that random generation misses, and fail fastest.
_ORDER = ("test_examples", "test_probes", "test_client_requests", "test_close", "test_generated")


def pytest_collection_modifyitems(items):
    def rank(item):
        stem = item.path.stem
        return _ORDER.index(stem) if stem in _ORDER else len(_ORDER)

    items.sort(key=rank)
