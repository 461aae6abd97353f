"""The embedded sandbox as a target: a fresh sandbox per operation, on the suite's clock.

The only module of the suite that knows how the sandbox is built; its shipped demo state
supplies the credentials (credit account 2001), nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..sandbox import Sandbox, State
from .operations import Operation
from .target import Clock, Target


def demo_credentials() -> tuple[str, dict[str, str]]:
    """The shipped demo state's credit account 2001 (the one that owns the example's unit)."""
    account = next(a for a in State.load().accounts.values() if a.uid == 2001)
    return account.api_key, {"secret": account.secret or ""}


def sandbox_target(op: Operation, contracts: Path, clock: Clock) -> Target:
    sandbox = Sandbox(contracts=contracts, clock=clock.now)
    if op.method not in sandbox.routes.get(op.path, {}):
        pytest.skip(f"the sandbox does not serve {op.key}")
    server = sandbox.serve(threads=2).start()
    key, creds = demo_credentials()
    return Target("sandbox", server.url, key, creds, clock, server)


def running_sandbox(url: str, clock: Clock) -> Target:
    """A sandbox already serving at ``url`` in its demo state (shared by every operation).

    Its weight limits are its own (the benchmark runs one without any), so the suite does not
    budget weight against Binance's: a 429 and its Retry-After pace the run.
    """
    key, creds = demo_credentials()
    return Target("sandbox", url, key, creds, clock, budget=False)
