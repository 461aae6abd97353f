"""The pytest plugin: options, one parametrized test per operation (ids ``"METHOD /path"``),
targets, coverage, failure reasons instead of code locations, and reports scrubbed of secrets.

Loaded by ``doccontract check`` (``-p doccontract.suite.plugin``) and by the project's own
``tests/conftest.py``, so ``pytest`` runs the same suite on the sandbox.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy
import pytest

from .._files import read_json
from ..contract.store import CLOSE_RISK_UNIT, default_dir
from ..usage import UsageError
from .cases import probes
from .checks import Checker, CheckFailed
from .operations import SuiteOperation, load_operations
from .scrub import redact, scrub_file
from .sequences import Written, agreements_for, sequences_for
from .target import (
    BadCredentials,
    Clock,
    Exchange,
    Keyring,
    NoCredentials,
    Target,
    Unreachable,
    live_base_url,
    live_keys,
)

LIVE_CLOSE_ENV = "BINANCE_LIVE_CLOSE_GROUP_ID"
NO_CREDENTIALS_EXIT = 3
UNREACHABLE_EXIT = 4
SUITE_KEY = pytest.StashKey["Suite"]()
SUITE_MODULE = "doccontract.suite"


@dataclass
class Coverage:
    """Per operation: the documented codes, and the codes and HTTP statuses answers carried."""

    documented: dict[str, tuple[int, ...]] = field(default_factory=dict)
    required: dict[str, tuple[int, ...]] = field(
        default_factory=dict
    )  # the documented codes that can occur on the target
    codes: dict[str, set[int]] = field(default_factory=dict)
    statuses: dict[str, set[int]] = field(default_factory=dict)

    def observe(self, op: SuiteOperation, answer: Exchange) -> None:
        self.statuses.setdefault(op.key, set()).add(answer.status)
        if answer.code is not None:
            self.codes.setdefault(op.key, set()).add(answer.code)

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for key, documented in self.documented.items():
            seen = self.codes.get(key, set())
            statuses = self.statuses.get(key, set())
            classes = {f"{s // 100}XX" for s in statuses}
            out.append(
                {
                    "endpoint": key,
                    "codes_exercised": sorted(c for c in documented if c in seen),
                    "codes_never": sorted(c for c in documented if c not in seen),
                    "codes_undocumented": sorted(c for c in seen if c not in documented),
                    "codes_not_required": sorted(c for c in documented if c not in self.required.get(key, documented)),
                    "statuses_exercised": sorted(statuses),
                    "statuses_never": [s for s in ("2XX", "4XX") if s not in classes],
                }
            )
        return out

    def gaps(self) -> list[str]:
        gaps = []
        for row in self.rows():
            never = [str(c) for c in row["codes_never"] if c not in row["codes_not_required"]] + [
                f"HTTP {s}" for s in row["statuses_never"]
            ]
            if never:
                gaps.append(f"{row['endpoint']}: never exercised: {', '.join(never)}")
        return gaps


class Suite:
    """Everything one run shares: options, operations, the clock, targets, coverage, results."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.kind = config.getoption("--target")
        self.contracts = Path(config.getoption("--contracts") or default_dir())
        self.pattern = config.getoption("--operation")
        self.allow_destructive = bool(config.getoption("--allow-destructive"))
        self.require_coverage = bool(config.getoption("--require-coverage"))
        self._known: dict[str, str] | None = None
        self.valid: dict[tuple[str, bool], dict[str, Any]] = {}  # valid parameters per operation
        self.sandbox_url = config.getoption("--sandbox-url")
        self.clock = Clock(frozen=self.kind == "sandbox" and not self.sandbox_url)
        self.coverage = Coverage()
        self.unreachable: str | None = None
        self.clock_note = ""  # live: whose time signed requests carry
        self.secrets: list[str] = []
        self._ops: list[SuiteOperation] | None = None
        self._all: dict[str, SuiteOperation] | None = None
        self._closed: Written | None = None  # live: the one real close of the run
        self._targets: dict[str, Target] = {}
        self._live: Target | None = None

    @property
    def operations(self) -> list[SuiteOperation]:
        if self._ops is None:
            try:
                self._ops = load_operations(self.contracts, self.pattern)
            except UsageError as exc:  # the contracts folder or --operation: the message names it
                raise pytest.UsageError(str(exc)) from None
            for op in self._ops:
                self.coverage.documented[op.key] = op.documented_codes
                self.coverage.required[op.key] = op.required_codes(self.kind)
        return self._ops

    @property
    def by_key(self) -> dict[str, SuiteOperation]:
        """Every operation of the contracts folder, whatever --operation selects: a sequence reads other endpoints."""
        if self._all is None:
            self._all = {op.key: op for op in load_operations(self.contracts)}
        return self._all

    def live_close(self, op: SuiteOperation, target: Target) -> Written:
        """The run's one real close (both opt-ins checked by the caller): sent once, its answer shared by
        the documented-request check and the close's sequence, since a second close could only fail."""
        if self._closed is None:
            group = os.environ.get(LIVE_CLOSE_ENV, "").strip()
            if not re.fullmatch(r"-?[0-9]{1,19}", group):  # not isdigit(): '²' passes it, int() refuses it
                raise CheckFailed(f"{LIVE_CLOSE_ENV} must be the risk unit's groupId (an integer)")
            sent = {"groupId": int(group)}
            started = target.clock.ms()
            answer = target.send(op, sent)
            self._closed = Written(sent, answer, started, target.clock.ms())
        return self._closed

    @property
    def known(self) -> dict[str, str]:
        if self._known is None:
            path = self.config.getoption("--known-deviations")
            self._known = read_json(path) if path else {}  # bounded; a FIFO or device is refused, not waited on
        return self._known

    def family_examples(self, op: SuiteOperation) -> tuple[Any, ...]:
        """The documented response examples of the other pages of ``op``'s family (same id folder root)."""
        root = op.id.split("/")[:2]
        return tuple(e for o in self.operations if o is not op and o.id.split("/")[:2] == root for e in o.examples)

    @property
    def documented(self) -> set[tuple[str, str]]:
        return {(op.method, op.path) for op in self.operations}

    # -- targets
    def target(self, op: SuiteOperation) -> Target:
        if self.kind == "live":
            return self.live()
        if op.key not in self._targets:
            self._targets[op.key] = self.sandbox(op, self.clock)
        return self._targets[op.key]

    def live(self) -> Target:
        if self._live is None:
            try:
                keys = live_keys()
            except (NoCredentials, BadCredentials) as exc:
                pytest.exit(str(exc), returncode=NO_CREDENTIALS_EXIT if isinstance(exc, NoCredentials) else 2)
            self.secrets = keys.secrets
            self._sync_clock(keys)
            self._live = Target("live", live_base_url(), keys, self.clock)
            self._live.observe = self.coverage.observe
        return self._live

    def _sync_clock(self, keys: Keyring) -> None:
        """Sign live requests with the API's time, as the client's ``sync_time`` does: a local clock a
        second off would turn every signed check into -1021.  Best effort: without the API's time the
        local clock is used, and the summary says so."""
        from ..client import SERVER_TIME_CONTRACT, Client

        try:
            offset_ms = Client(
                base_url=live_base_url(), contract=SERVER_TIME_CONTRACT, strict=True
            ).sync_clock()  # unsigned: no key needed
        except Exception as exc:  # noqa: BLE001 - any failure leaves the local clock, and is said
            self.clock_note = (
                f"clock: could not read the API's time ({type(exc).__name__}: {redact(str(exc), self.secrets)[:200]}); "
                "signed requests carry the local time"
            )
            return
        self.clock.offset = offset_ms / 1000
        self.clock_note = (
            f"clock: the API's time is {offset_ms:+.0f} ms from ours; signed requests carry the API's time"
        )

    def sandbox(self, op: SuiteOperation, clock: Clock) -> Target:
        """A sandbox of its own for ``op``, in its demo state (or the running one of --sandbox-url)."""
        from .sandbox_target import running_sandbox, sandbox_target

        if self.sandbox_url:
            if "running" not in self._targets:  # one target: it signs each operation with its role's demo key
                self._targets["running"] = running_sandbox(self.sandbox_url, self.clock)
            target = self._targets["running"]
        else:
            target = sandbox_target(op, self.contracts, clock)
        target.observe = self.coverage.observe
        self.secrets = target.secrets
        return target

    def close(self) -> None:
        for t in [*self._targets.values(), *([self._live] if self._live else [])]:
            t.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("doccontract", "doccontract contract suite")
    group.addoption(
        "--target",
        choices=("sandbox", "live"),
        default="sandbox",
        help="where the contract suite sends requests (default: sandbox)",
    )
    group.addoption(
        "--contracts",
        metavar="DIR",
        default=None,
        help="contracts folder (default: $DOCCONTRACT_CONTRACTS, else ./contracts)",
    )
    group.addoption(
        "--operation",
        metavar="PATTERN",
        default=None,
        help="only operations whose 'METHOD /path' or id matches (glob or substring)",
    )
    group.addoption(
        "--allow-destructive",
        action="store_true",
        help="live, with BINANCE_LIVE_CLOSE_GROUP_ID: really close that risk unit",
    )
    group.addoption(
        "--sandbox-url",
        metavar="URL",
        default=None,
        help="sandbox target: a running 'doccontract sandbox' (demo state) instead of embedded ones",
    )
    group.addoption(
        "--known-deviations",
        metavar="FILE",
        default=None,
        help="JSON {'METHOD /path|check': reason}: failures reported as known (xfail)",
    )
    group.addoption(
        "--require-coverage",
        action="store_true",
        help="fail when a documented error code or HTTP status was never exercised",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SUITE_KEY] = Suite(config)


def suite_of(config: pytest.Config) -> Suite:
    return config.stash[SUITE_KEY]


def _is_suite_test(item: pytest.Item) -> bool:
    """The suite's own tests (also when the project re-exports them); other tests keep their 'operation'."""
    return getattr(getattr(item, "function", None), "__module__", "").startswith(SUITE_MODULE)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation" not in metafunc.fixturenames or not metafunc.function.__module__.startswith(SUITE_MODULE):
        return  # only the suite's own tests: other test files may have an 'operation' of their own
    suite = suite_of(metafunc.config)
    ops = suite.operations
    if "probe" in metafunc.fixturenames:
        pairs = [(op, p) for op in ops for p in probes(op, suite.documented)]
        metafunc.parametrize(("operation", "probe"), pairs, ids=[f"{op.key}|{p.name}" for op, p in pairs])
    elif "sequence" in metafunc.fixturenames:
        steps = [(op, s) for op in ops for s in sequences_for(op)]
        metafunc.parametrize(("operation", "sequence"), steps, ids=[f"{op.key}|{s.name}" for op, s in steps])
    elif "agreement" in metafunc.fixturenames:
        reads = [(op, a) for op in ops for a in agreements_for(op)]
        metafunc.parametrize(("operation", "agreement"), reads, ids=[f"{op.key}|{a.name}" for op, a in reads])
    else:
        metafunc.parametrize("operation", ops, ids=[op.key for op in ops])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A sequence or agreement none of the selected operations writes is not a row of the report."""
    empty = [
        i
        for i in items
        if _is_suite_test(i)
        and any(str(m.kwargs.get("reason", "")).startswith("got empty parameter set") for m in i.iter_markers("skip"))
    ]
    if empty:
        config.hook.pytest_deselected(items=empty)
        items[:] = [i for i in items if i not in empty]


@pytest.fixture(scope="session")
def suite(request: pytest.FixtureRequest) -> Iterator[Suite]:
    s = suite_of(request.config)
    yield s
    s.close()


def _keyed(target: Target, op: SuiteOperation) -> Target:
    """The target, once it is known to hold a key for the operation's role (else the test is skipped, saying which)."""
    if op.auth_kind != "none":
        target.credentials(op)
    return target


@pytest.fixture
def target(suite: Suite, operation: SuiteOperation) -> Target:
    return _keyed(suite.target(operation), operation)


@pytest.fixture
def fresh_target(suite: Suite, operation: SuiteOperation) -> Iterator[Target]:
    """A sandbox in its demo state for this test alone (tests that change state); live: the live target."""
    if suite.kind == "live" or suite.sandbox_url:
        yield _keyed(suite.target(operation), operation)
        return
    t = suite.sandbox(operation, Clock(frozen=True))
    try:
        yield _keyed(t, operation)
    finally:
        t.close()


@pytest.fixture
def checker() -> Checker:
    return Checker()


@pytest.fixture
def sandbox_only(suite: Suite) -> None:
    if suite.kind != "sandbox":
        pytest.skip("generated cases run on the sandbox only")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    outcome = yield
    report = outcome.get_result()
    if not _is_suite_test(item):
        return
    suite = suite_of(item.config)
    op = item.funcargs.get("operation") if hasattr(item, "funcargs") else None
    funcargs = getattr(item, "funcargs", {})
    probe = funcargs.get("probe") or funcargs.get("sequence") or funcargs.get("agreement")
    checker = item.funcargs.get("checker") if hasattr(item, "funcargs") else None
    if report.when == "call" or (report.when == "setup" and not report.passed):
        label = (
            item.originalname.removeprefix("test_").replace("_", " ") if hasattr(item, "originalname") else item.name
        )
        if probe is not None:  # a probe, a sequence or an agreement: its name says which
            label = f"{label}: {probe.name}"
        report.user_properties += [("endpoint", op.key if op else ""), ("check", label)]
        if checker is not None and checker.said:
            report.user_properties.append(("checked", "; ".join(checker.said)))
    if call.excinfo is not None and not report.passed and not report.skipped:
        exc = call.excinfo.value
        while inner := getattr(exc, "exceptions", None):  # an exception group (hypothesis' Flaky): the failure inside
            exc = inner[0]
        if isinstance(exc, Unreachable):
            suite.unreachable = str(exc)
            item.session.shouldstop = str(exc)
            reason = str(exc)
        elif isinstance(exc, CheckFailed):
            reason = str(exc)
        else:
            reason = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
        report.longrepr = redact(reason, suite.secrets)
        report.user_properties.append(("reason", report.longrepr))
        known = suite.known.get(f"{op.key if op else ''}|{dict(report.user_properties).get('check', '')}")
        if known and report.when == "call":
            report.outcome = "skipped"
            report.wasxfail = f"known deviation: {known} ({report.longrepr})"
    if suite.secrets:
        report.sections = [(k, redact(v, suite.secrets)) for k, v in report.sections]
        report.user_properties = [(k, redact(str(v), suite.secrets)) for k, v in report.user_properties]


def pytest_sessionfinish(session: pytest.Session) -> None:
    suite = suite_of(session.config)
    if (
        suite.require_coverage
        and suite._ops
        and suite.coverage.gaps()
        and session.exitstatus == 0
        and not suite.unreachable
    ):
        session.exitstatus = 1
    if suite.unreachable:
        session.exitstatus = UNREACHABLE_EXIT


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    suite = suite_of(config)
    if suite.clock_note:
        terminalreporter.write_line(suite.clock_note)
    if suite.require_coverage:
        for gap in suite.coverage.gaps():
            terminalreporter.write_line(f"coverage: {gap}")


def pytest_unconfigure(config: pytest.Config) -> None:
    """The JUnit file gets the coverage as properties, and loses every secret."""
    suite = config.stash.get(SUITE_KEY, None)
    xml = config.getoption("xmlpath", None)
    if suite is None or not xml or not os.path.exists(xml):
        return
    scrub_file(xml, suite.secrets, suite.coverage.rows())


def is_close(op: SuiteOperation) -> bool:
    return op.id == CLOSE_RISK_UNIT
