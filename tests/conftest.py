"""Fixtures and options shared by every test; helpers live in helpers.py."""

from __future__ import annotations

import pytest
from helpers import SEED

# the contract suite's options, fixtures and parametrization (--target, --contracts, --operation ...)
pytest_plugins = ["doccontract.suite.plugin"]


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
