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
from ..usage import UsageError
from . import plugin as suite_plugin
from .operations import load_operations
from .scrub import redact
from .target import BadCredentials, NoCredentials, live_keys

SUITE_MODULE = Path(suite_plugin.__file__).with_name("test_contract.py")
PROGRESS_WIDTH = 80
EXIT_FAILED, EXIT_USAGE = 1, 2
EXIT_NO_CREDENTIALS, EXIT_UNREACHABLE = suite_plugin.NO_CREDENTIALS_EXIT, suite_plugin.UNREACHABLE_EXIT


class Summary:
    """A pytest plugin that keeps one row per test: endpoint, check, outcome, what it said or why not."""

    def __init__(self, progress: Any = None) -> None:
        self.rows: list[dict[str, str]] = []
        self.suite: suite_plugin.Suite | None = None
        self.interrupted = False
        self.progress = progress  # a terminal to keep one progress line on, or None
        self.total = self.done = 0

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        """One line, rewritten in place: how many checks ran, and which one did last."""
        self.done += 1
        if self.progress is None:
            return
        name = nodeid.partition("[")[2].rstrip("]").replace("|", ": ") or nodeid
        name = "".join(ch if " " <= ch <= "~" else "?" for ch in name)  # printable ASCII only
        line = f"check {self.done}/{self.total} {name}"[: PROGRESS_WIDTH - 1]
        try:
            self.progress.write(f"\r{line:<{PROGRESS_WIDTH - 1}}")
            self.progress.flush()
        except (OSError, ValueError):
            self.progress = None

    def clear_progress(self) -> None:
        if self.progress is not None:
            try:
                self.progress.write(f"\r{' ' * (PROGRESS_WIDTH - 1)}\r")
                self.progress.flush()
            except (OSError, ValueError):
                pass

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
        self.rows.append(
            {
                "endpoint": props.get("endpoint", ""),
                "check": props.get("check", report.nodeid),
                "outcome": outcome,
                "detail": detail,
            }
        )


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
    sandbox_url: str | None = None,
) -> int:
    out = out or sys.stdout
    contracts_dir = Path(contracts) if contracts else default_dir()
    if sandbox_url is not None:
        problem = _url_problem(sandbox_url)
        if problem or target != "sandbox":
            print(
                f"doccontract check: --sandbox-url {sandbox_url[:100]!r}: "
                f"{problem or 'is for --target sandbox (live: set BINANCE_BASE_URL)'}",
                file=sys.stderr,
            )
            return EXIT_USAGE
    if target == "sandbox" and os.environ.get("BINANCE_BASE_URL") and not sandbox_url:
        # BINANCE_BASE_URL is the live target's API; a person who set it for a sandbox is told where it goes
        print("doccontract check: BINANCE_BASE_URL is the live target's URL, not used by --target sandbox "
              "(a running sandbox: --sandbox-url URL)", file=sys.stderr)  # fmt: skip
    try:
        load_operations(contracts_dir, operation)
        if target == "live":
            live_keys()
    except UsageError as exc:  # the contracts folder or --operation
        print(f"doccontract check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NoCredentials as exc:
        print(f"live checks not run: {exc}", file=out)
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
    if sandbox_url:
        args += ["--sandbox-url", sandbox_url]
    args += extra or []
    if junit and os.path.exists(junit):  # an earlier run's report must not outlive a run that writes none
        os.remove(junit)
    progress = _progress_stream()
    summary = Summary(progress)
    try:
        code = int(pytest.main(args, plugins=[summary]))
    finally:
        summary.clear_progress()
        if progress is not None:
            progress.close()
    if summary.interrupted:  # the command line's one line and exit 130, as for every command
        if junit:
            mark_interrupted(junit, summary.done, summary.total)
        raise KeyboardInterrupt
    suite = summary.suite
    secrets = suite.secrets if suite else []
    if suite and suite.unreachable:
        print(f"doccontract check: {redact(suite.unreachable, secrets)}", file=sys.stderr)
        return EXIT_UNREACHABLE
    if code == EXIT_NO_CREDENTIALS and suite and suite.kind == "live":
        return code
    if code not in (0, 1):
        print(
            f"doccontract check: pytest stopped with exit {code} (rerun with '-- -p terminal' for its output)",
            file=sys.stderr,
        )
        return EXIT_USAGE if code in (4, 5) else EXIT_FAILED
    coverage = suite.coverage.rows() if suite else []
    gaps = suite.coverage.gaps() if suite else []
    failed = any(r["outcome"] == "FAILED" for r in summary.rows) or code == 1
    exit_code = EXIT_FAILED if failed or (require_coverage and gaps) else 0
    note = suite.clock_note if suite else ""
    text = (
        terminal_json(
            _json(target, summary.rows, coverage, exit_code, gaps if require_coverage else [])
            | ({"clock": note} if note else {}),
            indent=2,
        )
        if fmt == "json"
        else _table(target, summary.rows, coverage, gaps if require_coverage else [], note)
    )
    print(redact(text, secrets), file=out)
    return exit_code


def _progress_stream() -> Any:
    """The terminal behind stderr, on a descriptor of its own (pytest captures fd 2 while it runs), or None.

    Only a person at a terminal gets a progress line: never a pipe, a file or CI."""
    try:
        if not sys.stderr.isatty() or os.environ.get("CI"):
            return None
        return os.fdopen(os.dup(sys.stderr.fileno()), "w", encoding="ascii", errors="replace")
    except (OSError, ValueError, AttributeError):
        return None


def mark_interrupted(path: str, done: int, total: int) -> None:
    """An interrupted run's JUnit report says so: an ``interrupted`` test case in error, counted in
    ``errors`` (it must never read as green).  A report that cannot be read is removed instead."""
    import xml.etree.ElementTree as ET

    from .._files import read_regular, write_atomic

    try:
        root = ET.fromstring(read_regular(path))
    except (OSError, ET.ParseError):
        try:
            os.remove(path)
        except OSError:
            pass
        return
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for ts in suites[:1]:
        for attr in ("tests", "errors"):
            ts.set(attr, str(int(ts.get(attr, "0") or 0) + 1))
        case = ET.SubElement(ts, "testcase", {"classname": "doccontract.check", "name": "interrupted", "time": "0"})
        why = f"interrupted (Ctrl-C) after {done} of {total} checks: the run is incomplete"
        ET.SubElement(case, "error", {"message": why, "type": "KeyboardInterrupt"}).text = why
    if root.tag == "testsuites":
        for attr in ("tests", "errors"):
            if root.get(attr) is not None:
                root.set(attr, str(int(root.get(attr) or 0) + 1))
    report = Path(path)
    try:
        write_atomic(report, ET.tostring(root, encoding="utf-8", xml_declaration=True), report.resolve().parent)
    except OSError:  # not markable: then no report at all
        try:
            os.remove(path)
        except OSError:
            pass


def _url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a sandbox's base URL (http(s)://host[:port]), or None."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return "not a URL (http://HOST:PORT)"
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok or parts.query or parts.fragment:
        return "not a URL (http://HOST:PORT)"
    return None


#: The table fits this many columns: each check on one line, its detail wrapped on lines of its own below it.
WIDTH = 120
_DETAIL_INDENT = " " * 13


def _wrap(text: str, indent: str, first: str = "") -> list[str]:
    """``text`` on lines of at most WIDTH columns, nothing cut (a word longer than a line is split across lines)."""
    import textwrap

    return textwrap.wrap(
        text, WIDTH, initial_indent=first or indent, subsequent_indent=indent, break_on_hyphens=False
    ) or [first.rstrip()]


def _table(
    target: str, rows: list[dict[str, str]], coverage: list[dict[str, Any]], gaps: list[str], note: str = ""
) -> str:
    """Grouped by endpoint (in the order they were checked): each check's result and name, then its detail, whole."""
    by_endpoint: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_endpoint.setdefault(r["endpoint"], []).append(r)
    lines: list[str] = []
    for endpoint, checks in by_endpoint.items():
        lines.append(endpoint or "(no endpoint)")  # a METHOD /path: one line
        for r in checks:
            lines += _wrap(r["check"], _DETAIL_INDENT, f"  {r['outcome']:<9}  ")
            if r["detail"]:
                lines += _wrap(r["detail"], _DETAIL_INDENT)
    if coverage:
        lines += ["", "coverage (documented error codes and HTTP statuses answered):"]
        for c in coverage:
            never = " ".join(map(str, c["codes_never"])) or "none"
            if c.get("codes_not_required"):
                never += f" (not required on the {target}: {' '.join(map(str, c['codes_not_required']))})"
            lines += _wrap(
                f"{c['endpoint']}: codes {' '.join(map(str, c['codes_exercised'])) or 'none'}; never {never};"
                f" HTTP {' '.join(map(str, c['statuses_exercised'])) or 'none'}"
                + (f"; never HTTP {' '.join(c['statuses_never'])}" if c["statuses_never"] else ""),
                "      ",
                "  ",
            )
    for g in gaps:
        lines += _wrap(f"coverage required: {g}", "    ")
    if note:  # live: whose time the signed requests carried
        lines += _wrap(note, "    ")
    n = {k: sum(r["outcome"] == k for r in rows) for k in ("PASSED", "FAILED", "SKIPPED", "XFAIL")}
    lines.append(
        f"{n['PASSED']} passed, {n['FAILED']} failed, {n['SKIPPED']} skipped, "
        f"{n['XFAIL']} known page errors against {target}"
    )
    return "\n".join(lines)


def _json(
    target: str, rows: list[dict[str, str]], coverage: list[dict[str, Any]], exit_code: int, gaps: list[str]
) -> dict[str, Any]:
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
