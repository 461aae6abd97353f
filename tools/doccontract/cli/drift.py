"""``doccontract drift``: the live docs compared with the committed contracts; the fetch, print and
alert steps ``nightly`` runs too."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import cache_dir
from ..usage import UsageError
from .fetch import OFFICIAL_DOCS, add_fetch_options
from .options import Subcommands, add_command, add_debug
from .output import Progress, internal_line, say

if TYPE_CHECKING:
    from ..watch.drift import DriftRun


def add_parser(sub: Subcommands) -> None:
    d = add_command(
        sub,
        "drift",
        "compare the live docs with the committed contracts",
        "Fetch every spec's pages, rebuild their contracts aside and compare them with the committed ones. "
        "Every page that could be fetched is compared; a page that is gone is breaking drift; a page that "
        "could not be fetched is listed as an error, one that now documents another page as refused. Waived changes "
        "(--waivers) are reported, not alerted, until their expiry date.",
        "doccontract drift --report-dir reports --alert-webhook https://hooks.slack.com/services/...",
        "0 no drift; 1 non-breaking or documentation drift; 2 breaking drift; 3 some pages could not be compared "
        "or were "
        "refused, or none was compared; "
        "4 an alert could not be delivered (wins over 1-3); 2 also for a bad argument",
    )
    add_drift_options(d, None)
    add_debug(d)
    d.set_defaults(func=run)


def add_drift_options(p: argparse.ArgumentParser, report_default: str | None) -> None:
    """The options drift and nightly share."""
    add_fetch_options(p)
    p.add_argument("--specs", default="specs", help="spec pages to watch (default: specs/)")
    p.add_argument("--contracts", default="contracts", help="committed contracts to compare with (default: contracts/)")
    p.add_argument("--report-dir", default=report_default, help="write drift.md, drift.json and drift-junit.xml here")
    p.add_argument(
        "--waivers", metavar="FILE", help="accepted drift (default: .doccontract/waivers.json when it exists)"
    )
    p.add_argument(
        "--update",
        action="store_true",
        help="write the changed specs and contracts (only after a fully successful run)",
    )
    p.add_argument("--alert-webhook", metavar="URL", help="post a Slack-compatible message on drift")
    p.add_argument(
        "--github-issue",
        metavar="OWNER/REPO",
        help="open or update one issue per drifted contract (token: GITHUB_TOKEN)",
    )
    p.add_argument("--github-api", default="https://api.github.com", help=argparse.SUPPRESS)


def send_alerts(args: argparse.Namespace, run: DriftRun) -> int:
    """Alerts on drift that is not waived (never on a failed fetch alone: that is not drift); 4 when an alert failed."""
    from ..watch.alerts import AlertError, github_issues, post_webhook

    live = [d for d in run.drifts if d.live()]
    if not live:
        return 0
    try:
        if args.alert_webhook:
            post_webhook(
                args.alert_webhook, live, run.report.get("exit_code", 0), run_url=run.report.get("run_url", "")
            )
            print("alert: webhook posted")
        if args.github_issue:
            token = os.environ.get("GITHUB_TOKEN")
            if not token:
                raise AlertError("--github-issue needs GITHUB_TOKEN in the environment")
            for action, number in github_issues(args.github_issue, token, live, api_url=args.github_api):
                print(f"alert: issue #{number} {action}")
    except AlertError as exc:
        say(f"doccontract {args.command}: alert not delivered: {exc}", sys.stderr)
        return 4
    return 0


def _run_url() -> str:
    """The CI run's page, when running in GitHub Actions."""
    server, repo, run_id = (os.environ.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    return f"{server}/{repo}/actions/runs/{run_id}" if server and repo and run_id else ""


def fetch_and_compare(args: argparse.Namespace) -> DriftRun:
    import hashlib

    from ..watch.drift import load_waivers, run_drift
    from ..watch.fetch import Fetcher

    site = args.base_url or os.environ.get("DOCCONTRACT_DOCS_URL", OFFICIAL_DOCS)
    waivers_file = Path(args.waivers) if args.waivers else Path(".doccontract/waivers.json")
    if args.waivers and not waivers_file.is_file():
        raise UsageError(f"--waivers {waivers_file}: no such file")
    waivers = load_waivers(waivers_file)
    fetcher = Fetcher(site, max_connections=args.connections, timeout=args.timeout)
    key = hashlib.sha256(f"{Path(args.specs).resolve()}|{site}".encode()).hexdigest()[:16]
    work = cache_dir(f"drift-{key}")
    report_dir = Path(args.report_dir) if args.report_dir else None
    if report_dir is not None and report_dir.exists() and not report_dir.is_dir():
        raise UsageError(f"--report-dir {report_dir}: not a folder")
    print(f"drift: fetching from {fetcher.base_url}", flush=True)
    n = len(list(Path(args.specs).rglob("*.md"))) if Path(args.specs).is_dir() else 0
    progress = Progress(n, "drift")
    try:
        run = run_drift(
            Path(args.specs),
            Path(args.contracts),
            report_dir,
            fetcher,
            update=args.update,
            work_dir=work,
            waivers=waivers,
            run_url=_run_url(),
            progress=progress,
        )
    except (UsageError, KeyboardInterrupt):
        raise
    except Exception as exc:
        if report_dir:  # what reports it can: the run failed, and says so where people look
            from ..watch.drift import write_reports

            write_reports(
                report_dir, [], [f"internal error: {internal_line(args.command, exc)}"], fetcher.base_url, _run_url()
            )
        raise
    finally:
        progress.close()
    say(_summary_line(run))
    for e in run.errors:
        say(f"error: {e}", sys.stderr)
    for e in run.refused:
        say(f"refused: {e}", sys.stderr)
    for note in run.notes:
        say(f"note: {note}")
    for d in run.drifts:
        if d.changes:
            say(f"{d.label} ({d.id})")
        for ch in d.changes:
            tag = "waived" if ch.waived else ch.cls
            say(
                f"  {tag:<13} {ch.code} {ch.subject} [{', '.join(ch.languages) or 'contract'}]: {ch.message}"
                + (f" ({ch.why})" if ch.why else ""),
                indent=" " * 16,
            )
    return run


def _summary_line(run: DriftRun) -> str:
    s = run.report["summary"]
    return (
        f"drift: {run.report['status']} (exit {run.exit_code}): "
        + ", ".join(f"{n} {cls}" for cls, n in s.items())
        + (f"; {len(run.errors)} page(s) not compared" if run.errors else "")
        + (f"; {len(run.refused)} page(s) refused as another page" if run.refused else "")
    )


def run(args: argparse.Namespace) -> int:
    run = fetch_and_compare(args)
    if args.report_dir:
        say(f"reports: {args.report_dir}/drift.md, drift.json, drift-junit.xml")
    if args.update and run.exit_code in (1, 2):
        print("updated: specs/ and contracts/ for the changed pages")
    alert = send_alerts(args, run)
    return alert or run.exit_code
