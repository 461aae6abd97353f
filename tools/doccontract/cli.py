"""The ``doccontract`` command.

Exit codes of ``build``: 0 every page was read; 1 findings under ``--strict``;
2 a page could not be read (its contract is left as it was).  ``drift`` and
``diff``: 0 no drift, 1 non-breaking or documentation drift only, 2 breaking
drift, 3 could not fetch or read (never mistaken for drift); 4 an alert could
not be delivered.  ``nightly``: drift's code, else 5 when the contract suite
failed, else the alerts' code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import build
from .sandbox.gateway import IP_LIMIT_PER_MINUTE, UID_LIMIT_PER_MINUTE

SEVERITY_MARK = {"error": "E", "warning": "W", "info": "I"}


WIDTH = 100


def _wrap(text: str, indent: str, out) -> None:
    """Print ``text`` within WIDTH columns, continuation lines indented under it."""
    import textwrap

    print(textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False, break_long_words=False), file=out)


def _print_findings(findings: list[dict], out) -> None:
    for f in findings:
        vals = ", ".join(f"{k}: {v}" for k, v in sorted(f.get("values", {}).items()))
        _wrap(f"{SEVERITY_MARK.get(f['severity'], '?')} {f['code']}: {f['message']}" + (f" ({vals})" if vals else ""), "    ", out)
        for i, where in enumerate(f["where"].split(" | ")):  # a bilingual finding: each page on its own line
            _wrap(f"{'at' if i == 0 else 'and'} {where}", "      ", out)


def _progress(done: int, total: int) -> None:
    """One self-overwriting line on a terminal; nothing in CI or when redirected."""
    print(f"\rbuilding {done}/{total} pages", end="" if done < total else "\r" + " " * 40 + "\r", file=sys.stderr, flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildError
    from .extract import CATEGORIES

    paths = args.paths or ["specs"]
    for p in paths:
        if not Path(p).exists():
            print(f"doccontract build: {p}: no such file or folder", file=sys.stderr)
            return 2
    show_progress = sys.stderr.isatty() and not args.quiet
    try:
        results = build(paths, args.out, jobs=args.jobs, use_cache=not args.no_cache, progress=_progress if show_progress else None)
    except BuildError as exc:
        print(f"doccontract build: {exc}", file=sys.stderr)
        return 2
    failed: list[str] = []
    findings = 0
    skipped: dict[str, int] = {}
    for r in results:
        if r.status == "failed":
            failed.append(r.detail)
            _wrap(f"FAIL  {r.detail}", "", sys.stderr)
            continue
        if r.status == "skipped":
            skipped[r.category] = skipped.get(r.category, 0) + 1
            _wrap(f"skip  {r.cid}: [{r.category}] {r.detail}", "", sys.stdout)
            continue
        if r.status == "removed":
            _wrap(f"gone  {r.cid}: {r.detail}; its contract was removed", "", sys.stdout)
            continue
        contract = r.contract
        if contract is None:
            import json

            contract = json.loads((Path(args.out) / f"{r.cid}.json").read_text(encoding="utf-8"))
        n = len(contract["findings"])
        findings += n
        label = "ok   " if r.status == "built" else "same "
        print(f"{label} {r.cid}: {contract['method']} {contract['path']} ({n} finding{'s' if n != 1 else ''})")
        if not args.quiet:
            _print_findings(contract["findings"], sys.stdout)
    if skipped:
        print("skipped pages by category:")
        for kind, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {kind:<20} {n:4}  {CATEGORIES.get(kind, '')}")
    if failed:
        print(f"failed pages ({len(failed)}):", file=sys.stderr)
        for detail in failed:
            _wrap(detail, "  ", sys.stderr)
    counts = {s: sum(r.status == s for r in results) for s in ("built", "unchanged", "skipped", "failed", "removed")}
    _wrap(", ".join(f"{v} {k}" for k, v in counts.items() if v or k != "removed") + f"; {findings} findings -> {args.out}", "", sys.stdout)
    if failed:
        return 2
    return 1 if args.strict and findings else 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    import signal
    import threading

    from .contracts import default_dir
    from .sandbox import Sandbox, State, StateError
    from .sandbox.gateway import console_log

    if (args.persist or args.reset) and not args.state:
        print("doccontract sandbox: --persist and --reset need --state FILE", file=sys.stderr)
        return 2
    if not 0 < args.port < 65536 and args.port != 0:
        print(f"doccontract sandbox: --port {args.port}: not a port (0-65535)", file=sys.stderr)
        return 2
    if args.idle_timeout < 1:
        print(f"doccontract sandbox: --idle-timeout {args.idle_timeout}: must be at least 1 second", file=sys.stderr)
        return 2
    contracts = Path(args.contracts) if args.contracts else default_dir()
    if not contracts.is_dir():
        print(f"doccontract sandbox: --contracts {contracts}: no such folder", file=sys.stderr)
        return 2
    try:
        if args.reset:
            State.load().save(args.state)
        state = State.load(args.state)
        sandbox = Sandbox(state, contracts, uid_limit=args.uid_limit, ip_limit=args.ip_limit, persist=args.state if args.persist else None, log=console_log)
    except (StateError, LookupError, ValueError, OSError) as exc:
        print(f"doccontract sandbox: {exc}", file=sys.stderr)
        return 2
    if not sandbox.routes:
        print(f"doccontract sandbox: no contracts under {contracts}; run 'doccontract build' first", file=sys.stderr)
        return 2
    for problem in sandbox.problems:
        print(f"doccontract sandbox: answers 500: {problem}", file=sys.stderr)
    try:
        server = sandbox.serve(args.host, args.port, idle_timeout=args.idle_timeout)
    except OSError as exc:
        print(f"doccontract sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with server:
        n = sum(len(m) for m in sandbox.routes.values())
        print(f"sandbox: {n} operations from {contracts} on {server.url} (state: {args.state or 'demo'}{', persisted' if args.persist else ''})", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import run_check

    return run_check(args.target, junit=args.junit, allow_destructive=args.allow_destructive, extra=args.pytest_args)


def cmd_fetch(args: argparse.Namespace) -> int:
    from .build import find_specs
    from .fetch import Fetcher, FetchError, spec_path, store
    from .pages import PageError, read_meta

    out = Path(args.out)
    refs = list(args.refs)
    if not refs:
        try:
            refs = [read_meta(s.path, s.display).get("source_url", "") for s in find_specs([out])]
        except PageError as exc:
            print(f"doccontract fetch: {exc}", file=sys.stderr)
            return 3
        refs = [r for r in refs if r]
    if not refs:
        print(f"doccontract fetch: nothing to fetch (no ID or URL given, no spec with a source_url under {out})", file=sys.stderr)
        return 2
    fetcher = Fetcher(args.base_url, max_connections=args.connections, timeout=args.timeout)
    try:
        pages = fetcher.fetch_pages(refs)
    except FetchError as exc:
        print(f"doccontract fetch: {exc}; nothing was written", file=sys.stderr)
        return 3
    for result in pages.values():  # written only once every page arrived and read
        page = result.page
        target = store(page, spec_path(page, out))
        print(f"fetched {page.url} -> {target}")
    print(f"{len(pages)} page(s), {fetcher.requests_made} request(s), {fetcher.not_modified} not modified")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from .fetch import FetchError, add_local
    from .pages import PageError

    try:
        done = add_local([Path(p) for p in args.paths], Path(args.out))
    except (FetchError, PageError) as exc:
        print(f"doccontract add: {exc}; nothing was written", file=sys.stderr)
        return 2
    for src, target, why in done:
        print(f"{why}: {src}" + (f" -> {target}" if target else ""))
    added = sum(t is not None for _, t, _ in done)
    print(f"{added} page(s) added to {args.out}, {len(done) - added} skipped; run 'doccontract build' next")
    return 0


def _alerts(args: argparse.Namespace, run) -> int:
    """Alerts on drift (never on a failed fetch: that is not drift); 4 when an alert failed."""
    import os

    from .alerts import AlertError, github_issues, post_webhook

    if run.exit_code not in (1, 2):
        return 0
    try:
        if args.alert_webhook:
            post_webhook(args.alert_webhook, run.drifts, run.exit_code)
            print("alert: webhook posted")
        if args.github_issue:
            token = os.environ.get("GITHUB_TOKEN")
            if not token:
                raise AlertError("--github-issue needs GITHUB_TOKEN in the environment")
            for action, number in github_issues(args.github_issue, token, run.drifts, api_url=args.github_api):
                print(f"alert: issue #{number} {action}")
    except AlertError as exc:
        print(f"doccontract: alert not delivered: {exc}", file=sys.stderr)
        return 4
    return 0


def _drift(args: argparse.Namespace):
    import hashlib
    import os

    from .drift import run_drift
    from .fetch import Fetcher

    fetcher = Fetcher(args.base_url, max_connections=args.connections, timeout=args.timeout)
    key = hashlib.sha256(f"{Path(args.specs).resolve()}|{args.base_url}".encode()).hexdigest()[:16]
    work = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "doccontract" / f"drift-{key}"
    report_dir = Path(args.report_dir) if args.report_dir else None
    run = run_drift(Path(args.specs), Path(args.contracts), report_dir, fetcher, update=args.update, work_dir=work)
    print(_summary_line(run))
    for e in run.errors:
        print(f"error: {e}", file=sys.stderr)
    for d in run.drifts:
        for ch in d.changes:
            print(f"  {ch.cls:<13} {d.id}: {ch.code} {ch.subject} [{', '.join(ch.languages) or 'contract'}] {ch.message}")
    return run


def _summary_line(run) -> str:
    s = run.report["summary"]
    return f"drift: {run.report['status']} (exit {run.exit_code}): " + ", ".join(f"{n} {cls}" for cls, n in s.items())


def cmd_drift(args: argparse.Namespace) -> int:
    run = _drift(args)
    if args.report_dir:
        print(f"reports: {args.report_dir}/drift.md, drift.json, drift-junit.xml")
    if args.update and run.exit_code in (1, 2):
        print("updated: specs/ and contracts/ for the changed pages")
    alert = _alerts(args, run)
    return run.exit_code if run.exit_code else alert


def cmd_diff(args: argparse.Namespace) -> int:
    import json
    import tempfile

    from .build import SPEC_SUFFIXES, find_specs
    from .drift import diff_trees, exit_code, report_json, report_markdown

    old, new = Path(args.old), Path(args.new)
    for p in (old, new):
        if not p.exists():
            print(f"doccontract diff: {p}: no such file or folder", file=sys.stderr)
            return 3
    with tempfile.TemporaryDirectory(prefix="doccontract-diff-") as tmp:
        trees = []
        for i, p in enumerate((old, new)):
            has_specs = (p.is_file() and p.suffix in SPEC_SUFFIXES) or (p.is_dir() and find_specs([p]) and not list(p.rglob("*.json")))
            if not has_specs:
                if p.is_file():  # one contract file: both sides get the same name, whatever their ids
                    tree = Path(tmp) / f"t{i}"
                    tree.mkdir()
                    (tree / "page.json").write_bytes(p.read_bytes())
                    trees.append(tree)
                else:
                    trees.append(p)
                continue
            tree = Path(tmp) / f"t{i}"
            if p.is_file():  # two spec files compare as one page, whatever their names
                specs = Path(tmp) / f"s{i}" / "specs"
                specs.mkdir(parents=True)
                (specs / f"page{p.suffix}").write_bytes(p.read_bytes())
                p = specs
            failed = [r for r in build([p], tree, use_cache=False) if r.status == "failed"]
            if failed:
                for r in failed:
                    print(f"doccontract diff: {r.detail}", file=sys.stderr)
                return 3
            trees.append(tree)
        drifts = diff_trees(trees[0], trees[1])
    if args.format == "json":
        print(json.dumps(report_json(drifts, []), indent=2, ensure_ascii=False, sort_keys=True))
    else:
        print(report_markdown(drifts, []), end="")
    return exit_code(drifts)


def cmd_nightly(args: argparse.Namespace) -> int:
    from .check import run_check

    report_dir = Path(args.report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    run = _drift(args)
    alert = _alerts(args, run)
    check = run_check(args.target, junit=str(report_dir / "contract-junit.xml"))
    print(f"nightly: drift exit {run.exit_code}, contract suite exit {check}, alerts exit {alert}; reports in {report_dir}")
    if run.exit_code:
        return run.exit_code
    return 5 if check else alert


def _add_fetch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base-url", default="https://developers.binance.com")
    p.add_argument("--connections", type=int, default=8, help="at most this many connections at once (default 8)")
    p.add_argument("--timeout", type=float, default=10)


def _add_drift_options(p: argparse.ArgumentParser, report_default: str | None) -> None:
    _add_fetch_options(p)
    p.add_argument("--specs", default="specs")
    p.add_argument("--contracts", default="contracts")
    p.add_argument("--report-dir", default=report_default, help="write drift.md, drift.json and drift-junit.xml here")
    p.add_argument("--update", action="store_true", help="write the changed specs and contracts (only after a fully successful run)")
    p.add_argument("--alert-webhook", metavar="URL", help="post a Slack-compatible message on drift")
    p.add_argument("--github-issue", metavar="OWNER/REPO", help="open or update one issue per drifted contract (token: GITHUB_TOKEN)")
    p.add_argument("--github-api", default="https://api.github.com", help=argparse.SUPPRESS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="doccontract", description="Binance API docs -> executable contracts")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build contracts from spec pages")
    b.add_argument("paths", nargs="*", metavar="PATH", help="spec files or folders (default: specs/)")
    b.add_argument("--out", default="contracts", help="contracts folder (default: contracts/)")
    b.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    b.add_argument("--strict", action="store_true", help="exit 1 when any page has findings")
    b.add_argument("--no-cache", action="store_true", help="rebuild every page, even unchanged ones")
    b.add_argument("-q", "--quiet", action="store_true", help="one line per page, no findings")
    b.set_defaults(func=cmd_build)

    sb = sub.add_parser("sandbox", help="serve every contract (default: all of contracts/) as a faithful loopback sandbox")
    sb.add_argument("--host", default="127.0.0.1")
    sb.add_argument("--port", type=int, default=8765, help="0 picks a free port (default 8765)")
    sb.add_argument("--contracts", help="contracts folder (default: $DOCCONTRACT_CONTRACTS or the repository's contracts/)")
    sb.add_argument("--state", metavar="FILE", help="state JSON file (default: the demo state shipped with the package)")
    sb.add_argument("--persist", action="store_true", help="write every change back to --state FILE (atomically)")
    sb.add_argument("--reset", action="store_true", help="overwrite --state FILE with the demo state before starting")
    sb.add_argument("--idle-timeout", type=int, default=10, help="whole seconds before a silent connection is answered and closed (default 10)")
    sb.add_argument("--uid-limit", type=int, default=UID_LIMIT_PER_MINUTE, help=f"UID weight per minute (default {UID_LIMIT_PER_MINUTE}, Binance's)")
    sb.add_argument("--ip-limit", type=int, default=IP_LIMIT_PER_MINUTE, help=f"IP weight per minute (default {IP_LIMIT_PER_MINUTE}, Binance's)")
    sb.set_defaults(func=cmd_sandbox)

    ck = sub.add_parser("check", help="run the contract suite (the main job)")
    ck.add_argument("--target", choices=("sandbox", "live"), default="sandbox")
    ck.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    ck.add_argument("--allow-destructive", action="store_true", help="live only, with BINANCE_LIVE_CLOSE_GROUP_ID: really close that unit")
    ck.add_argument("pytest_args", nargs="*", help="passed to pytest after '--'")
    ck.set_defaults(func=cmd_check)

    f = sub.add_parser("fetch", help="fetch English and Chinese doc pages into specs/")
    f.add_argument("refs", nargs="*", metavar="ID|URL", help="contract ids or /docs/ URLs (default: every spec under --out)")
    f.add_argument("--out", default="specs")
    _add_fetch_options(f)
    f.set_defaults(func=cmd_fetch)

    a = sub.add_parser("add", help="snapshot local crawler-export pages (files or folders) into specs/")
    a.add_argument("paths", nargs="+", metavar="PATH", help="crawler-export .md files or folders of them")
    a.add_argument("--out", default="specs")
    a.set_defaults(func=cmd_add)

    d = sub.add_parser("drift", help="compare the live docs with the committed contracts (exit 0 none, 1 non-breaking, 2 breaking, 3 could not fetch)")
    _add_drift_options(d, None)
    d.set_defaults(func=cmd_drift)

    df = sub.add_parser("diff", help="compare two spec files or two contract trees, no fetching")
    df.add_argument("old")
    df.add_argument("new")
    df.add_argument("--format", choices=("markdown", "json"), default="markdown")
    df.set_defaults(func=cmd_diff)

    n = sub.add_parser("nightly", help="drift, then the contract suite; every report into one folder")
    _add_drift_options(n, "reports")
    n.add_argument("--target", choices=("sandbox", "live"), default="sandbox")
    n.set_defaults(func=cmd_nightly)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
