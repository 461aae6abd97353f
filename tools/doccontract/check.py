"""``doccontract check``: run the contract suite through pytest and print what was checked.

The suite is ``tests/contract`` of this repository; pytest does the running
so that ``doccontract check`` and ``pytest tests/contract`` are one thing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parents[2] / "tests" / "contract"


class Summary:
    """A pytest plugin that keeps one row per check: endpoint, check, result."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def pytest_runtest_logreport(self, report) -> None:
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            outcome = report.outcome
            reason = ""
            if report.skipped and isinstance(report.longrepr, tuple):
                reason = report.longrepr[2].removeprefix("Skipped: ")
            elif report.failed:
                reason = report.longreprtext.strip().splitlines()[-1][:100] if report.longreprtext else ""
            module, _, name = report.nodeid.partition("::")
            self.rows.append((Path(module).stem.removeprefix("test_"), name.removeprefix("test_"), outcome.upper(), reason))


def run_check(target: str = "sandbox", junit: str | None = None, allow_destructive: bool = False, extra: list[str] | None = None) -> int:
    if not SUITE.is_dir():
        print(f"doccontract check: the contract suite is not at {SUITE}; run from a clone of the repository", file=sys.stderr)
        return 2
    args = [str(SUITE), "--target", target, "-q", "--no-header", "-p", "no:cacheprovider", "-o", "console_output_style=classic"]
    if junit:
        args += ["--junitxml", junit]
    if allow_destructive:
        args.append("--allow-destructive")
    args += extra or []
    summary = Summary()
    code = pytest.main(args, plugins=[summary])
    from .contracts import CLOSE_RISK_UNIT, load_contract

    try:
        c = load_contract(CLOSE_RISK_UNIT)
        endpoint = f"{c['method']} {c['path']}"
    except LookupError:
        endpoint = CLOSE_RISK_UNIT
    width = max([len(f"{r[0]}/{r[1]}") for r in summary.rows] + [5])
    print(f"\n{'endpoint':<34} {'check':<{width}} result")
    for group, name, outcome, reason in summary.rows:
        line = f"{endpoint:<34} {group + '/' + name:<{width}} {outcome}"
        print(line + (f"  ({reason})" if reason else ""))
    failed = sum(r[2] == "FAILED" for r in summary.rows)
    passed = sum(r[2] == "PASSED" for r in summary.rows)
    print(f"{passed} passed, {failed} failed, {len(summary.rows) - passed - failed} skipped against {target}")
    return int(code) if code not in (pytest.ExitCode.NO_TESTS_COLLECTED,) else 1
