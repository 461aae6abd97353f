"""The embedded sandbox as a target: a fresh sandbox per operation, on the suite's clock.

The only module of the suite that knows how the sandbox is built; its demo state supplies
the credentials (an account of the shipped demo state), nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..contracts import load_contract
from ..sandbox import Sandbox, State
from .operations import Operation
from .target import Clock, Target


def demo_credentials() -> tuple[str, dict[str, str]]:
    """The shipped demo state's credit account 2001 (the one that owns the example's unit)."""
    account = next(a for a in State.load().accounts.values() if a.uid == 2001)
    return account.api_key, {"secret": account.secret or ""}


def serves(op: Operation) -> bool:
    """Whether this sandbox serves ``op`` (today: Close Risk Unit only)."""
    from ..contracts import CLOSE_RISK_UNIT

    return op.id == CLOSE_RISK_UNIT


def sandbox_target(op: Operation, contracts: Path, clock: Clock) -> Target:
    if not serves(op):
        pytest.skip(f"the sandbox does not serve {op.key} yet")
    sandbox = Sandbox(contract=load_contract(op.id, contracts), clock=clock.now)
    server = sandbox.serve().start()
    key, creds = demo_credentials()
    return Target("sandbox", server.url, key, creds, clock, server)
