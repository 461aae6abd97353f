"""``doccontract check``: run the packaged contract suite through pytest and report what it checked.

The suite ships in the package (``doccontract.suite``), so this works from an installed package
as from a clone.  Exit codes: 0 every check passed; 1 a check failed (or, with
``--require-coverage``, a documented error code or HTTP status was never exercised); 2 a usage
error (no contracts folder, no operation matching, unusable credentials); 3 live checks not run:
no credentials; 4 the API could not be reached.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, TextIO

import pytest

from ..contract.store import default_dir
from ..neutral import terminal_json
from . import plugin as suite_plugin
from .operations import ContractsError, load_operations
from .scrub import redact
from .target import BadCredentials, NoCredentials, live_credentials

SUITE_MODULE = Path(suite_plugin.__file__).with_name("test_contract.py")
EXIT_FAILED, EXIT_USAGE = 1, 2
EXIT_NO_CREDENTIALS, EXIT_UNREACHABLE = suite_plugin.NO_CREDENTIALS_EXIT, suite_plugin.UNREACHABLE_EXIT


class Summary:
    """A pytest plugin that keeps one row per test: endpoint, check, outcome, what it said or why not."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.suite: suite_plugin.Suite | None = None
        self.interrupted = False

    def pytest_configure(self, config: pytest.Config) -> None:
        self.suite = suite_plugin.suite_of(config)

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        """pytest answers Ctrl-C with the exit code it also gives collection errors; remember which it was.

        pytest calls this hook for ``pytest.exit()`` and for its own ``Session.Interrupted`` (a subclass,
        raised when the suite stops on an unreachable host) too: only Ctrl-C itself counts."""
        self.interrupted = excinfo.type is KeyboardInterrupt

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if not (report.when == "call" or (report.when == "setup" and not report.passed)):
            return
        props = {str(k): str(v) for k, v in report.user_properties}  # the plugin's own, all strings
        if report.skipped:
            detail = report.longrepr[2].removeprefix("Skipped: ") if isinstance(report.longrepr, tuple) else ""
        elif report.failed:
            detail = props.get("reason") or str(report.longrepr).strip().splitlines()[-1]
        else:
            detail = props.get("checked", "")
        outcome = "XFAIL" if hasattr(report, "wasxfail") else report.outcome.upper()
        if outcome == "XFAIL":
            detail = report.wasxfail.removeprefix("reason: ")
        self.rows.append({"endpoint": props.get("endpoint", ""), "check": props.get("check", report.nodeid), "outcome": outcome, "detail": detail})


def run_check(
    target: str = "sandbox",
    junit: str | None = None,
    allow_destructive: bool = False,
    extra: list[str] | None = None,
    contracts: str | None = None,
    operation: str | None = None,
    fmt: str = "table",
    require_coverage: bool = False,
    out: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    contracts_dir = Path(contracts) if contracts else default_dir()
    try:
        load_operations(contracts_dir, operation)
        if target == "live":
            live_credentials()
    except ContractsError as exc:
        print(f"doccontract check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NoCredentials:
        print("live checks not run: no credentials (set BINANCE_API_KEY and BINANCE_API_SECRET or BINANCE_PRIVATE_KEY_PATH)", file=out)
        return EXIT_NO_CREDENTIALS
    except BadCredentials as exc:
        print(f"doccontract check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    args = [
        str(SUITE_MODULE),
        "-p", "doccontract.suite.plugin",
        "-p", "no:cacheprovider",
        "-p", "no:terminal",
        "-c", os.devnull,
        "--rootdir", str(SUITE_MODULE.parent),
        "--target", target,
        "--contracts", str(contracts_dir),
    ]  # fmt: skip
    if operation:
        args += ["--operation", operation]
    if junit:
        args += ["--junitxml", junit]
    if allow_destructive:
        args.append("--allow-destructive")
    if require_coverage:
        args.append("--require-coverage")
    args += extra or []
    summary = Summary()
    code = int(pytest.main(args, plugins=[summary]))
    if summary.interrupted:  # the command line's one line and exit 130, as for every command
        raise KeyboardInterrupt
    suite = summary.suite
    secrets = suite.secrets if suite else []
    if suite and suite.unreachable:
        print(f"doccontract check: {redact(suite.unreachable, secrets)}", file=sys.stderr)
        return EXIT_UNREACHABLE
    if code == EXIT_NO_CREDENTIALS and suite and suite.kind == "live":
        return code
    if code not in (0, 1):
        print(f"doccontract check: pytest stopped with exit {code} (rerun with '-- -p terminal' for its output)", file=sys.stderr)
        return EXIT_USAGE if code in (4, 5) else EXIT_FAILED
    coverage = suite.coverage.rows() if suite else []
    gaps = suite.coverage.gaps() if suite else []
    failed = any(r["outcome"] == "FAILED" for r in summary.rows) or code == 1
    exit_code = EXIT_FAILED if failed or (require_coverage and gaps) else 0
    note = suite.clock_note if suite else ""
    text = (
        terminal_json(_json(target, summary.rows, coverage, exit_code, gaps if require_coverage else []) | ({"clock": note} if note else {}), indent=2)
        if fmt == "json"
        else _table(target, summary.rows, coverage, gaps if require_coverage else [], note)
    )
    print(redact(text, secrets), file=out)
    return exit_code


def _table(target: str, rows: list[dict[str, str]], coverage: list[dict[str, Any]], gaps: list[str], note: str = "") -> str:
    ew = max([len(r["endpoint"]) for r in rows] + [8])
    cw = min(max([len(r["check"]) for r in rows] + [5]), 60)
    lines = [f"{'endpoint':<{ew}}  {'check':<{cw}}  {'result':<7}  detail"]
    for r in rows:
        lines.append(f"{r['endpoint']:<{ew}}  {r['check'][:cw]:<{cw}}  {r['outcome']:<7}  {r['detail']}")
    if coverage:
        lines += ["", "coverage (documented error codes and HTTP statuses answered):"]
        for c in coverage:
            never = " ".join(map(str, c["codes_never"])) or "none"
            lines.append(
                f"  {c['endpoint']}: codes {' '.join(map(str, c['codes_exercised'])) or 'none'}; never {never};"
                f" HTTP {' '.join(map(str, c['statuses_exercised'])) or 'none'}"
                + (f"; never HTTP {' '.join(c['statuses_never'])}" if c["statuses_never"] else "")
            )
    lines += [f"coverage required: {g}" for g in gaps]
    lines += [note] if note else []  # live: whose time the signed requests carried
    n = {k: sum(r["outcome"] == k for r in rows) for k in ("PASSED", "FAILED", "SKIPPED", "XFAIL")}
    lines.append(f"{n['PASSED']} passed, {n['FAILED']} failed, {n['SKIPPED']} skipped, {n['XFAIL']} known page errors against {target}")
    return "\n".join(lines)


def _json(target: str, rows: list[dict[str, str]], coverage: list[dict[str, Any]], exit_code: int, gaps: list[str]) -> dict[str, Any]:
    n = {k.lower(): sum(r["outcome"] == k for r in rows) for k in ("PASSED", "FAILED", "SKIPPED", "XFAIL")}
    return {
        "schema": "doccontract-check/1",
        "target": target,
        "exit_code": exit_code,
        "summary": n,
        "results": rows,
        "coverage": coverage,
        "coverage_gaps": list(gaps or []),
    }
