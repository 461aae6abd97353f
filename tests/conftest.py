"""Fixtures and options shared by every test; helpers live in helpers.py."""

from __future__ import annotations

import pytest
from helpers import SEED


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def pytest_addoption(parser):
    group = parser.getgroup("doccontract", "contract suite (tests/contract)")
    group.addoption("--target", choices=("sandbox", "live"), default="sandbox", help="where the contract suite sends requests (default: sandbox)")
    group.addoption(
        "--allow-destructive",
        action="store_true",
        help="with --target live and BINANCE_LIVE_CLOSE_GROUP_ID: really close that risk unit (irreversible)",
    )
