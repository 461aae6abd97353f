"""``doccontract nightly``: drift with alerts, then the contract suite; every report into one folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..usage import UsageError
from .drift import add_drift_options, fetch_and_compare, send_alerts
from .options import Subcommands, add_command, add_debug
from .output import EXIT_INTERNAL, internal_line, say


def add_parser(sub: Subcommands) -> None:
    n = add_command(
        sub,
        "nightly",
        "drift, then the contract suite; every report into one folder",
        "Run drift (with alerts), then the contract suite, writing drift.md, drift.json, drift-junit.xml and "
        "contract-junit.xml into --report-dir. The nightly workflow runs this; only 0 and 1 are green.",
        "doccontract nightly --report-dir reports --github-issue OWNER/REPO",
        "0 no drift; 1 non-breaking drift; 2 breaking drift; 3 pages not compared; 4 an alert not delivered; "
        "5 the contract suite failed; 70 internal error (never 0 or 1 after one)",
    )
    add_drift_options(n, "reports")
    n.add_argument("--target", choices=("sandbox", "live"), default="sandbox")
    add_debug(n)
    n.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Drift, alerts, then the contract suite; every report it can write, whatever failed before."""
    from .._files import FileProblem
    from ..suite.run import run_check

    report_dir = Path(args.report_dir)
    if report_dir.exists() and not report_dir.is_dir():
        raise UsageError(f"--report-dir {report_dir}: not a folder")
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--report-dir {report_dir}: cannot make it ({exc.strerror})") from None
    internal = None
    alert = 0
    drift_code = None
    try:
        run = fetch_and_compare(args)
        drift_code = run.exit_code
        alert = send_alerts(args, run)
    except (UsageError, FileProblem):
        raise
    except Exception as exc:  # noqa: BLE001 - reported as one line; the suite still runs and writes its report
        if args.debug:
            raise
        internal = exc
        print(internal_line("nightly", exc), file=sys.stderr)
    check = run_check(args.target, junit=str(report_dir / "contract-junit.xml"), contracts=args.contracts)
    say(
        f"nightly: drift exit {drift_code if drift_code is not None else 'internal error'}, "
        f"contract suite exit {check}, "
        f"alerts exit {alert}; reports in {report_dir}"
    )
    if internal is not None:
        return EXIT_INTERNAL
    if alert:
        return alert
    assert drift_code is not None  # drift ran: a failure there set ``internal``
    if drift_code >= 2:
        return drift_code
    return 5 if check else drift_code
