"""The embedded sandbox as a target: a fresh sandbox per operation, on the suite's clock.

The only module of the suite that knows how the sandbox is built; its shipped demo state
supplies the keys, one per role (credit account 2001 is also the default key), nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..sandbox import Sandbox, SandboxServer, State
from ..wire.credentials import Credentials, Keyring
from .operations import SuiteOperation
from .target import Clock, Target

#: The demo accounts the suite calls as, per role: credit account 2001 owns the examples' units;
#: parent 1001 is its parent; collateral 3001 is a member of its unit 10001.
DEMO_UID = {"credit": 2001, "parent": 1001, "collateral": 3001}


def demo_credentials(role: str | None = None) -> tuple[str, dict[str, str]]:
    """The shipped demo state's account for the role the contract names (``caller``); credit account 2001 otherwise."""
    creds = _demo(role or "credit", State.load())
    return creds.api_key, dict(creds.signer_args)


def demo_keys() -> Keyring:
    """A key per role from the demo state, and credit account 2001's as the default key."""
    state = State.load()
    return Keyring(default=_demo("credit", state, default=True), roles={r: _demo(r, state) for r in DEMO_UID})


def _demo(role: str, state: State, default: bool = False) -> Credentials:
    uid = DEMO_UID.get(role)
    if uid is None:
        raise LookupError(f"the demo state has no {role} account for the suite to call as")
    account = next(a for a in state.accounts.values() if a.uid == uid)
    return Credentials(
        account.api_key,
        secret=account.secret or "",
        role=None if default else role,
        name=f"the demo {role} key ({uid})",
    )


def sandbox_target(op: SuiteOperation, contracts: Path, clock: Clock) -> Target:
    sandbox = Sandbox(contracts=contracts, clock=clock.now)
    if op.method not in sandbox.routes.get(op.path, {}):
        pytest.skip(f"the sandbox does not serve {op.key}")
    server = SandboxServer(sandbox, threads=2).start()
    return Target("sandbox", server.url, demo_keys(), clock, server)


def running_sandbox(url: str, clock: Clock) -> Target:
    """A sandbox already serving at ``url`` in its demo state (shared by every operation).

    Its weight limits are its own (the benchmark runs one without any), so the suite does not
    budget weight against Binance's: a 429 and its Retry-After pace the run.
    """
    return Target("sandbox", url, demo_keys(), clock, budget=False)
