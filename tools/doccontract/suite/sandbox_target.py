"""The embedded sandbox as a target: a fresh sandbox per operation, on the suite's clock.

The only module of the suite that knows how the sandbox is built; its shipped demo state
supplies the credentials (credit account 2001), nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..sandbox import Sandbox, SandboxServer, State
from .operations import SuiteOperation
from .target import Clock, Target

#: The demo account the suite calls as, per role: credit account 2001 owns the examples' units; parent 1001 is its parent.
DEMO_UID = {"credit": 2001, "parent": 1001}


def demo_credentials(role: str | None = None) -> tuple[str, dict[str, str]]:
    """The shipped demo state's account for the role the contract names (``caller``); credit account 2001 otherwise."""
    uid = DEMO_UID.get(role or "credit")
    if uid is None:
        raise LookupError(f"the demo state has no {role} account for the suite to call as")
    account = next(a for a in State.load().accounts.values() if a.uid == uid)
    return account.api_key, {"secret": account.secret or ""}


def sandbox_target(op: SuiteOperation, contracts: Path, clock: Clock) -> Target:
    sandbox = Sandbox(contracts=contracts, clock=clock.now)
    if op.method not in sandbox.routes.get(op.path, {}):
        pytest.skip(f"the sandbox does not serve {op.key}")
    server = SandboxServer(sandbox, threads=2).start()
    key, creds = demo_credentials(op.caller)
    return Target("sandbox", server.url, key, creds, clock, server)


def running_sandbox(url: str, clock: Clock, role: str | None = None) -> Target:
    """A sandbox already serving at ``url`` in its demo state (shared by every operation).

    Its weight limits are its own (the benchmark runs one without any), so the suite does not
    budget weight against Binance's: a 429 and its Retry-After pace the run.
    """
    key, creds = demo_credentials(role)
    return Target("sandbox", url, key, creds, clock, budget=False)
