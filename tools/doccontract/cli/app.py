"""The ``doccontract`` command.

Every command: 2 a user mistake (one line naming what to fix), 70 an internal
error (one line; ``--debug`` shows the traceback), 130 interrupted (Ctrl-C;
files are written atomically, so nothing is half-written), 141 the reader of
the output went away (``| head``).  Each subcommand's own codes are in its
``--help`` (the ``HELP`` table below).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .. import __version__
from ..neutral import control, terminal_json, terminal_streams
from ..rules import IP_LIMIT_PER_MINUTE, UID_LIMIT_PER_MINUTE
from ..usage import UsageError

EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
OFFICIAL_DOCS = "https://developers.binance.com"

#: Per subcommand: (one-line summary, what it does, example, exit codes).  Applied to the
#: subparsers in one loop, so a subcommand's options and its help texts are edited apart.
HELP: dict[str, tuple[str, str, str, str]] = {
    "build": (
        "build contracts from spec pages",
        "Read spec pages (English + Chinese) and write one JSON-Schema contract per endpoint, plus openapi.json.",
        "doccontract build specs/ --out contracts/",
        "0 every page read; 1 findings under --strict; 2 a page could not be read or a bad argument",
    ),
    "sandbox": (
        "serve the faithful sandbox on loopback",
        "Serve the contracts' endpoints on loopback with real signatures, weights and Binance's error shape.",
        "doccontract sandbox --port 8765",
        "0 stopped (Ctrl-C or SIGTERM); 2 bad argument, state file or port in use",
    ),
    "check": (
        "run the contract suite (the main job)",
        "Run the pytest contract suite against the sandbox (default) or the live API and print one row per check.",
        "doccontract check --target sandbox --junit reports/contract-junit.xml",
        "0 every check passed; 1 a check failed; 2 bad argument",
    ),
    "fetch": (
        "fetch English and Chinese doc pages into specs/",
        "Download each page in both languages and store it as a spec. A page is stored only if it is the page: "
        "not a 'Page Not Found' or WAF page, and documenting the same endpoint as the spec it replaces. "
        "An unchanged page leaves its spec byte-identical. Takes contract ids, /docs/ paths or full URLs; "
        "with no argument, refetches every spec under --out.",
        "doccontract fetch /docs/institutional_loan/account/Institution-Loan-Group-Close",
        "0 every page stored or unchanged; 2 bad argument; 3 a page could not be fetched or is not the page (nothing written)",
    ),
    "add": (
        "snapshot local crawler-export pages (files or folders) into specs/",
        "Copy crawler-export pages that document an endpoint (or list error codes) into specs/ at the path their URL names. "
        "A page holding another page than its URL names (its heading anchors, or its title and request line, say so) is refused.",
        "doccontract add ../shared/corpus/binance/institutional_loan",
        "0 done; 2 a page could not be read, has no source_url or holds another page (nothing written)",
    ),
    "drift": (
        "compare the live docs with the committed contracts",
        "Fetch every spec's pages, rebuild their contracts aside and compare them with the committed ones. "
        "Every page that could be fetched is compared; a page that is gone is breaking drift; a page that "
        "could not be fetched is listed as an error, one that now documents another page as refused. Waived changes "
        "(--waivers) are reported, not alerted, until their expiry date.",
        "doccontract drift --report-dir reports --alert-webhook https://hooks.slack.com/services/...",
        "0 no drift; 1 non-breaking or documentation drift; 2 breaking drift; 3 some pages could not be compared or were "
        "refused, or none was compared; "
        "4 an alert could not be delivered (wins over 1-3); 2 also for a bad argument",
    ),
    "diff": (
        "compare two crawls, two spec files or two contract trees, no fetching",
        "Compare two crawler-export folders (two crawls), two spec files, two contract files or two contract folders, "
        "and print the drift report. Pages holding another page than their URL names are refused and listed apart.",
        "doccontract diff crawl-jan/binance crawl-mar/binance --format markdown",
        "0 no drift; 1 non-breaking drift; 2 breaking drift or a bad argument; 3 a page could not be read or was "
        "refused as another page, or no page was compared",
    ),
    "nightly": (
        "drift, then the contract suite; every report into one folder",
        "Run drift (with alerts), then the contract suite, writing drift.md, drift.json, drift-junit.xml and "
        "contract-junit.xml into --report-dir. The nightly workflow runs this; only 0 and 1 are green.",
        "doccontract nightly --report-dir reports --github-issue OWNER/REPO",
        "0 no drift; 1 non-breaking drift; 2 breaking drift; 3 pages not compared; 4 an alert not delivered; "
        "5 the contract suite failed; 70 internal error (never 0 or 1 after one)",
    ),
    "docsite": (
        "serve specs/ as a local docs site (Docusaurus HTML) on loopback",
        "Serve every spec under --specs at /docs/<path> and /docs/zh-CN/<path>, the way developers.binance.com "
        "does, so fetch, drift and nightly can be tried offline with --base-url.",
        "doccontract docsite --port 8000   # then: doccontract drift --base-url http://127.0.0.1:8000",
        "0 stopped (SIGTERM); 130 Ctrl-C; 2 bad argument or port in use",
    ),
}


def _bounded(kind: type, low: float, high: float, what: str, low_open: bool = False):
    """An argparse type: a number of ``kind`` within [low, high] (or (low, high]), else one line saying so."""

    def read(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if value < low or (low_open and value == low) or value > high:
            raise argparse.ArgumentTypeError(f"{text} is not {what}")
        return value

    return read


_port = _bounded(int, 0, 65535, "a port number (0-65535; 0 picks a free port)")
_positive_int = _bounded(int, 1, 1_000_000, "a whole number of at least 1")
_seconds = _bounded(float, 0, 3600, "a number of seconds above 0 and at most 3600", low_open=True)


def _say(text: str, file=None, indent: str = "    ") -> None:
    """One message, wrapped to 100 columns (continuation lines indented); long URLs are kept whole."""
    import textwrap

    print(textwrap.fill(text, 100, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False), file=file or sys.stdout)


class Progress:
    """One updating line on a terminal for long work; silent in CI or when stderr is not a terminal."""

    def __init__(self, total: int, what: str):
        self.total, self.what, self.done = total, what, 0
        self.on = total > 1 and sys.stderr.isatty() and not os.environ.get("CI")

    def __call__(self, item: str, error: str | None = None) -> None:
        self.done += 1
        if self.on:
            name = item if len(item) <= 60 else "…" + item[-59:]
            control(sys.stderr, "\r")
            sys.stderr.write(f"{self.what} {self.done}/{self.total} {'FAIL ' if error else ''}{name}".ljust(98)[:98])
            sys.stderr.flush()

    def close(self) -> None:
        if self.on and self.done:
            control(sys.stderr, "\r" + " " * 99 + "\r")
            sys.stderr.flush()

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
    control(sys.stderr, f"\rbuilding {done}/{total} pages" + ("" if done < total else "\r" + " " * 40 + "\r"))
    sys.stderr.flush()


def cmd_build(args: argparse.Namespace) -> int:
    from ..contract.build import BuildError, build
    from ..read.extract import CATEGORIES

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
            from .._files import read_json

            contract = read_json(Path(args.out) / f"{r.cid}.json")
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

    from ..contract.store import default_dir
    from ..sandbox import Sandbox, State, StateError
    from ..sandbox.gateway import console_log
    from ..sandbox.store import open_state

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
    if args.seed and not args.state:
        print("doccontract sandbox: --seed needs --state FILE (the database it initialises)", file=sys.stderr)
        return 2
    store = None
    try:
        if args.state:  # held (locked) until this process ends: one sandbox per state file
            state, store = open_state(args.state, persist=args.persist, reset=args.reset, seed=args.seed, now=time.time())
        else:
            state = State.load(now=time.time())
        sandbox = Sandbox(state, contracts, uid_limit=args.uid_limit, ip_limit=args.ip_limit, persist=store if args.persist else None, log=console_log)
    except (StateError, LookupError, ValueError, OSError) as exc:
        if store is not None:
            store.close()
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
    from ..suite.run import run_check

    return run_check(
        args.target,
        junit=args.junit,
        allow_destructive=args.allow_destructive,
        extra=args.pytest_args,
        contracts=args.contracts,
        operation=args.operation,
        fmt=args.format,
        require_coverage=args.require_coverage,
    )


def _site(args: argparse.Namespace, refs: list[str]) -> str:
    """--base-url, else the site full URLs name, else $DOCCONTRACT_DOCS_URL, else developers.binance.com."""
    from ..watch.fetch import site_of

    if args.base_url:
        return args.base_url
    sites = {site_of(r) for r in refs} - {None}
    if len(sites) > 1:
        raise UsageError(f"the URLs name {len(sites)} sites ({', '.join(sorted(sites))}); fetch from one at a time or give --base-url")
    return sites.pop() if sites else os.environ.get("DOCCONTRACT_DOCS_URL", OFFICIAL_DOCS)


def cmd_fetch(args: argparse.Namespace) -> int:
    from ..contract.build import find_specs
    from ..read.identity import known
    from ..read.pages import PageError, read_meta, read_page
    from ..watch.fetch import Fetcher, FetchError, docs_path, probe_writable, same_content, spec_path, spec_path_problem, store

    out = Path(args.out)
    refs = list(args.refs)
    if not refs:
        if not out.is_dir():
            raise UsageError(f"--out {out}: no such folder, and no page named to fetch")
        try:
            refs = [read_meta(s.path, s.display).get("source_url", "") for s in find_specs([out])]
        except PageError as exc:
            print(f"doccontract fetch: {exc}", file=sys.stderr)
            return 3
        refs = [r for r in refs if r]
    if not refs:
        raise UsageError(f"nothing to fetch (no ID or URL given, no spec with a source_url under {out})")
    try:
        paths = [docs_path(r) for r in refs]
    except FetchError as exc:
        raise UsageError(str(exc)) from None
    site = _site(args, list(args.refs))  # the specs' own source_urls name the official site: not a choice
    expect = {}
    for path in paths:
        target = out / "binance" / f"{path}.md"
        if target.exists():
            try:
                expect[path] = known(read_page(target))
            except PageError:
                pass  # an unreadable spec holds nothing to compare with
    fetcher = Fetcher(site, max_connections=args.connections, timeout=args.timeout)
    print(f"fetching {len(paths)} page(s) from {fetcher.base_url}", flush=True)
    progress = Progress(len(paths), "fetch")
    try:
        pages = fetcher.fetch_pages(paths, expect=expect, progress=progress)
    finally:
        progress.close()
    failed = {p: r for p, r in pages.items() if r.error}
    if failed:
        for r in failed.values():
            _say(f"doccontract fetch: {r.error}", sys.stderr)
        print(f"doccontract fetch: {len(failed)} of {len(pages)} page(s) failed; nothing was written", file=sys.stderr)
        return 3
    targets = {p: spec_path(r.page, out) for p, r in pages.items()}
    for p, target in targets.items():  # every place checked before the first write: all pages or none
        problem = spec_path_problem(target, out)
        if problem:
            raise UsageError(f"{pages[p].page.url} {problem}; nothing was written")
    if any(not (t.exists() and same_content(t, pages[p].page)) for p, t in targets.items()):
        probe_writable(out)
    written = unchanged = 0
    for p, result in pages.items():  # written only once every page arrived and read
        page = result.page
        target = targets[p]
        if target.exists() and same_content(target, page):
            unchanged += 1
            print(f"unchanged {target}")
            continue
        store(page, target, out)
        written += 1
        print(f"written   {target}")
    _say(f"{len(pages)} page(s) from {fetcher.base_url}: {written} written, {unchanged} unchanged; "
         f"{fetcher.requests_made} request(s), {fetcher.not_modified} not modified")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from .._files import FileProblem
    from ..read.pages import PageError
    from ..watch.fetch import FetchError, add_local

    try:
        done = add_local([Path(p) for p in args.paths], Path(args.out))
    except (FetchError, PageError) as exc:
        print(f"doccontract add: {exc}; nothing was written", file=sys.stderr)
        return 2
    except FileProblem as exc:  # says itself whether anything was written
        print(f"doccontract add: {exc}", file=sys.stderr)
        return 2
    for src, target, why in done:
        print(f"{why}: {src}" + (f" -> {target}" if target else ""))
    added = sum(t is not None for _, t, _ in done)
    print(f"{added} page(s) added to {args.out}, {len(done) - added} skipped; run 'doccontract build' next")
    return 0


def cmd_docsite(args: argparse.Namespace) -> int:
    import signal
    import threading

    from ..contract.build import find_specs
    from ..read.pages import PageError
    from ..watch.docsite import DocSite

    specs = Path(args.specs)
    if not specs.is_dir():
        raise UsageError(f"--specs {specs}: no such folder")
    try:
        site = DocSite(host=args.host, port=args.port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    served = []
    for spec in find_specs([specs]):
        try:
            served.append(site.put_spec(spec.path))
        except (PageError, IndexError) as exc:
            print(f"skip {spec.display}: {exc}", file=sys.stderr)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with site:
        print(f"docsite: {len(served)} page(s) on {site.url} (try: doccontract drift --base-url {site.url})", flush=True)
        while not stop.wait(0.5):
            pass
    return 0


def _alerts(args: argparse.Namespace, run) -> int:
    """Alerts on drift that is not waived (never on a failed fetch alone: that is not drift); 4 when an alert failed."""
    from ..watch.alerts import AlertError, github_issues, post_webhook

    live = [d for d in run.drifts if d.live()]
    if not live:
        return 0
    try:
        if args.alert_webhook:
            post_webhook(args.alert_webhook, live, run.report.get("exit_code", 0), run_url=run.report.get("run_url", ""))
            print("alert: webhook posted")
        if args.github_issue:
            token = os.environ.get("GITHUB_TOKEN")
            if not token:
                raise AlertError("--github-issue needs GITHUB_TOKEN in the environment")
            for action, number in github_issues(args.github_issue, token, live, api_url=args.github_api):
                print(f"alert: issue #{number} {action}")
    except AlertError as exc:
        _say(f"doccontract {args.command}: alert not delivered: {exc}", sys.stderr)
        return 4
    return 0


def _run_url() -> str:
    """The CI run's page, when running in GitHub Actions."""
    server, repo, run_id = (os.environ.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID"))
    return f"{server}/{repo}/actions/runs/{run_id}" if server and repo and run_id else ""


def _drift(args: argparse.Namespace):
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
    work = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "doccontract" / f"drift-{key}"
    report_dir = Path(args.report_dir) if args.report_dir else None
    if report_dir is not None and report_dir.exists() and not report_dir.is_dir():
        raise UsageError(f"--report-dir {report_dir}: not a folder")
    print(f"drift: fetching from {fetcher.base_url}", flush=True)
    n = len(list(Path(args.specs).rglob("*.md"))) if Path(args.specs).is_dir() else 0
    progress = Progress(n, "drift")
    try:
        run = run_drift(
            Path(args.specs), Path(args.contracts), report_dir, fetcher, update=args.update, work_dir=work, waivers=waivers, run_url=_run_url(), progress=progress
        )
    except (UsageError, KeyboardInterrupt):
        raise
    except Exception as exc:
        if report_dir:  # what reports it can: the run failed, and says so where people look
            from ..watch.drift import write_reports

            write_reports(report_dir, [], [f"internal error: {_internal_line(args.command, exc)}"], fetcher.base_url, _run_url())
        raise
    finally:
        progress.close()
    _say(_summary_line(run))
    for e in run.errors:
        _say(f"error: {e}", sys.stderr)
    for e in run.refused:
        _say(f"refused: {e}", sys.stderr)
    for note in run.notes:
        _say(f"note: {note}")
    for d in run.drifts:
        if d.changes:
            _say(f"{d.label} ({d.id})")
        for ch in d.changes:
            tag = "waived" if ch.waived else ch.cls
            _say(f"  {tag:<13} {ch.code} {ch.subject} [{', '.join(ch.languages) or 'contract'}]: {ch.message}" + (f" ({ch.why})" if ch.why else ""), indent=" " * 16)
    return run


def _summary_line(run) -> str:
    s = run.report["summary"]
    return f"drift: {run.report['status']} (exit {run.exit_code}): " + ", ".join(f"{n} {cls}" for cls, n in s.items()) + (
        f"; {len(run.errors)} page(s) not compared" if run.errors else ""
    ) + (f"; {len(run.refused)} page(s) refused as another page" if run.refused else "")


def cmd_drift(args: argparse.Namespace) -> int:
    run = _drift(args)
    if args.report_dir:
        _say(f"reports: {args.report_dir}/drift.md, drift.json, drift-junit.xml")
    if args.update and run.exit_code in (1, 2):
        print("updated: specs/ and contracts/ for the changed pages")
    alert = _alerts(args, run)
    return alert or run.exit_code


def _load_tree(p: Path, tmp: Path, i: int) -> Path:
    """One side of ``diff``: a folder of contracts as is, or specs built into contracts in ``tmp``."""
    import json

    from .._files import FileProblem, read_regular, write_atomic
    from ..contract.build import SPEC_SUFFIXES, build, find_specs

    has_specs = (p.is_file() and p.suffix in SPEC_SUFFIXES) or (p.is_dir() and find_specs([p]) and not list(p.rglob("*.json")))
    tree = tmp / f"t{i}"
    if not has_specs:
        if p.is_dir():
            return p
        try:  # one contract file: both sides get the same name, whatever their ids
            raw = read_regular(p)  # bounded; a FIFO is refused at once, not waited on
            data = json.loads(raw)
        except FileProblem:
            raise
        except (ValueError, RecursionError) as exc:
            raise UsageError(f"{p}: not a spec page (.md/.html) nor a contract JSON file ({type(exc).__name__})") from None
        if not isinstance(data, dict) or not {"method", "path", "languages"} <= set(data):
            raise UsageError(f"{p}: not a doccontract contract (an OpenAPI document?); give two spec files, two contract files or two folders")
        tree.mkdir()
        write_atomic(tree / "page.json", raw, tree, durable=False)
        return tree
    if p.is_file():  # two spec files compare as one page, whatever their names
        specs = tmp / f"s{i}" / "specs"
        specs.mkdir(parents=True)
        write_atomic(specs / f"page{p.suffix}", read_regular(p), specs, durable=False)
        p = specs
    failed = [r for r in build([p], tree, use_cache=False) if r.status == "failed"]
    if failed:
        raise _Unreadable("; ".join(r.detail for r in failed))
    return tree


class _Unreadable(Exception):
    """A page that could not be read (exit 3 for diff)."""


def _spec_root(p: Path, tmp: Path, i: int, tree: Path) -> Path | None:
    """The spec folder ``_load_tree`` built one side from (None for contracts): drift reads its pages' prose."""
    copied = tmp / f"s{i}" / "specs"
    return copied if copied.is_dir() else (p if p.is_dir() and tree != p else None)


def _is_spec_source(p: Path) -> bool:
    """A spec file, or a folder of spec pages (a crawl) without contracts in it."""
    from ..contract.build import SPEC_SUFFIXES, find_specs

    return (p.is_file() and p.suffix in SPEC_SUFFIXES) or bool(p.is_dir() and find_specs([p]) and not list(p.rglob("*.json")))


def cmd_diff(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from .._files import FileProblem
    from ..watch.crawls import diff_crawls
    from ..watch.drift import diff_trees, exit_code, page_reader, report_json, report_markdown

    old, new = Path(args.old), Path(args.new)
    for p in (old, new):
        if not p.exists():
            raise UsageError(f"{p}: no such file or folder")
    if old.is_dir() != new.is_dir():
        raise UsageError(f"{old} and {new}: compare a file with a file or a folder with a folder")
    errors: list[str] = []
    refused: list[str] = []
    with tempfile.TemporaryDirectory(prefix="doccontract-diff-") as tmp:
        if _is_spec_source(old) and _is_spec_source(new):  # two crawls (or two pages): judged, then compared
            roots = []
            for i, p in enumerate((old, new)):
                if p.is_file():  # two spec files compare as one page, whatever their names
                    (Path(tmp) / f"in{i}").mkdir()
                    shutil.copyfile(p, Path(tmp) / f"in{i}" / f"page{p.suffix}")
                    p = Path(tmp) / f"in{i}"
                roots.append(p)
            (Path(tmp) / "work").mkdir()
            shown = (str(old), str(new)) if old.is_file() else None
            result = diff_crawls(roots[0], roots[1], Path(tmp) / "work", shown)
            drifts, errors, refused = result.drifts, result.errors, result.refused
        else:
            try:
                trees = [_load_tree(p, Path(tmp), i) for i, p in enumerate((old, new))]
            except _Unreadable as exc:
                print(f"doccontract diff: {exc}", file=sys.stderr)
                return 3
            try:
                spec_roots = [_spec_root(p, Path(tmp), i, tree) for i, (p, tree) in enumerate(zip((old, new), trees, strict=True))]
                drifts = diff_trees(trees[0], trees[1], pages=page_reader(*spec_roots))
            except FileProblem:
                raise
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise UsageError(f"{old} / {new}: not contracts doccontract wrote ({type(exc).__name__}: {exc})") from None
            if not drifts:
                errors.append(f"nothing was compared: neither {old} nor {new} holds a contract")
    for line in [*errors, *refused]:
        _say(f"doccontract diff: {line}", sys.stderr)
    if args.format == "json":
        print(terminal_json(report_json(drifts, errors, refused=refused), indent=2, sort_keys=True))
    else:
        print(report_markdown(drifts, errors, refused=refused), end="")
    return exit_code(drifts, [*errors, *refused])


def cmd_nightly(args: argparse.Namespace) -> int:
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
        run = _drift(args)
        drift_code = run.exit_code
        alert = _alerts(args, run)
    except (UsageError, FileProblem):
        raise
    except Exception as exc:  # noqa: BLE001 - reported as one line; the suite still runs and writes its report
        if args.debug:
            raise
        internal = exc
        print(_internal_line("nightly", exc), file=sys.stderr)
    check = run_check(args.target, junit=str(report_dir / "contract-junit.xml"), contracts=args.contracts)
    _say(f"nightly: drift exit {drift_code if drift_code is not None else 'internal error'}, contract suite exit {check}, "
         f"alerts exit {alert}; reports in {report_dir}")
    if internal is not None:
        return EXIT_INTERNAL
    if alert:
        return alert
    if drift_code >= 2:
        return drift_code
    return 5 if check else drift_code


def _add_fetch_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--base-url", default=None, help="the docs site (default: $DOCCONTRACT_DOCS_URL, else https://developers.binance.com)")
    p.add_argument("--connections", type=_positive_int, default=8, help="at most this many connections at once (default 8)")
    p.add_argument("--timeout", type=_seconds, default=10, help="seconds allowed for each page request, body included (default 10)")


def _add_drift_options(p: argparse.ArgumentParser, report_default: str | None) -> None:
    _add_fetch_options(p)
    p.add_argument("--specs", default="specs", help="spec pages to watch (default: specs/)")
    p.add_argument("--contracts", default="contracts", help="committed contracts to compare with (default: contracts/)")
    p.add_argument("--report-dir", default=report_default, help="write drift.md, drift.json and drift-junit.xml here")
    p.add_argument("--waivers", metavar="FILE", help="accepted drift (default: .doccontract/waivers.json when it exists)")
    p.add_argument("--update", action="store_true", help="write the changed specs and contracts (only after a fully successful run)")
    p.add_argument("--alert-webhook", metavar="URL", help="post a Slack-compatible message on drift")
    p.add_argument("--github-issue", metavar="OWNER/REPO", help="open or update one issue per drifted contract (token: GITHUB_TOKEN)")
    p.add_argument("--github-api", default="https://api.github.com", help=argparse.SUPPRESS)


class _Parser(argparse.ArgumentParser):
    """A mistake on the command line is one line naming it, and where to read more (exit 2)."""

    def error(self, message: str):
        if message.startswith("argument ") and ": " in message:  # 'argument --port: 99999 is not ...'
            option, problem = message[len("argument ") :].split(": ", 1)
            message = f"{option}: {problem}" if problem.startswith(("invalid", "expected", "ignored", "not allowed")) else f"{option} {problem}"
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="doccontract",
        formatter_class=_Formatter,
        description="Binance API docs -> executable contracts",
        epilog="Every command: 2 a mistake in the command line or an input file, 70 internal error (rerun with --debug), 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"doccontract {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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
    sb.add_argument("--state", metavar="FILE", help="state database (SQLite; a JSON state file is served read-only) (default: the demo state shipped with the package)")
    sb.add_argument("--persist", action="store_true", help="commit every change to --state FILE before answering (a new FILE is created from the seed)")
    sb.add_argument("--reset", action="store_true", help="write the seed over --state FILE's state, in place, before starting")
    sb.add_argument("--seed", metavar="JSON", help="the JSON state that initialises a new --state database or --reset restores (default: the demo state)")
    sb.add_argument("--idle-timeout", type=int, default=10, help="whole seconds before a silent connection is answered and closed (default 10)")
    sb.add_argument("--uid-limit", type=int, default=UID_LIMIT_PER_MINUTE, help=f"UID weight per minute (default {UID_LIMIT_PER_MINUTE}, Binance's)")
    sb.add_argument("--ip-limit", type=int, default=IP_LIMIT_PER_MINUTE, help=f"IP weight per minute (default {IP_LIMIT_PER_MINUTE}, Binance's)")
    sb.set_defaults(func=cmd_sandbox)

    ck = sub.add_parser("check", help="run the contract suite (the main job)")
    ck.add_argument("--target", choices=("sandbox", "live"), default="sandbox")
    ck.add_argument("--contracts", metavar="DIR", help="contracts folder (default: $DOCCONTRACT_CONTRACTS, else the repository's or ./contracts)")
    ck.add_argument("--operation", metavar="PATTERN", help="only operations whose 'METHOD /path' or contract id matches (glob or substring)")
    ck.add_argument("--format", choices=("table", "json"), default="table")
    ck.add_argument("--require-coverage", action="store_true", help="exit 1 when a documented error code or HTTP status was never exercised")
    ck.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report (secrets masked, coverage as properties)")
    ck.add_argument("--allow-destructive", action="store_true", help="live only, with BINANCE_LIVE_CLOSE_GROUP_ID: really close that unit")
    ck.add_argument("pytest_args", nargs="*", help="passed to pytest after '--'")
    ck.set_defaults(func=cmd_check)

    f = sub.add_parser("fetch")
    f.add_argument("refs", nargs="*", metavar="ID|PATH|URL", help="contract ids, /docs/ paths or full URLs (default: every spec under --out)")
    f.add_argument("--out", default="specs", help="specs folder (default: specs/)")
    _add_fetch_options(f)
    f.set_defaults(func=cmd_fetch)

    a = sub.add_parser("add")
    a.add_argument("paths", nargs="+", metavar="PATH", help="crawler-export .md files or folders of them")
    a.add_argument("--out", default="specs", help="specs folder (default: specs/)")
    a.set_defaults(func=cmd_add)

    d = sub.add_parser("drift")
    _add_drift_options(d, None)
    d.set_defaults(func=cmd_drift)

    df = sub.add_parser("diff")
    df.add_argument("old", help="old spec file, contract file or folder")
    df.add_argument("new", help="new spec file, contract file or folder")
    df.add_argument("--format", choices=("markdown", "json"), default="markdown")
    df.set_defaults(func=cmd_diff)

    n = sub.add_parser("nightly")
    _add_drift_options(n, "reports")
    n.add_argument("--target", choices=("sandbox", "live"), default="sandbox")
    n.set_defaults(func=cmd_nightly)

    ds = sub.add_parser("docsite")
    ds.add_argument("--specs", default="specs", help="spec pages to serve (default: specs/)")
    ds.add_argument("--host", default="127.0.0.1")
    ds.add_argument("--port", type=_port, default=8000, help="0 picks a free port (default 8000)")
    ds.set_defaults(func=cmd_docsite)

    _apply_help(sub)
    return parser


def _apply_help(sub) -> None:
    """Each subcommand's summary, description, example and exit codes, from the HELP table."""
    listed = {a.dest: a for a in sub._choices_actions}
    for name, sp in sub.choices.items():
        summary, what, example, codes = HELP.get(name, ("", "", "", ""))
        if name in listed:  # a subparser's own help= wins: its owner keeps it current
            listed[name].help = listed[name].help or summary
        else:  # the listing in `doccontract --help` shows only subparsers that have a help text
            sub._choices_actions.append(sub._ChoicesPseudoAction(name, (), summary))
        sp.formatter_class = _Formatter
        sp.description = sp.description or what or summary
        for action in sp._actions:
            if action.dest == "port" and action.type is int:
                action.type = _port  # a port is 0-65535, whatever subcommand asks for one
        if example:
            import textwrap

            codes_text = textwrap.fill(f"exit codes: {codes}", 98, subsequent_indent="  ")
            sp.epilog = f"example:\n  {example}\n\n{codes_text}\n  and, for every command: 70 internal error (rerun with --debug), 130 interrupted"
        if not any("--debug" in a.option_strings for a in sp._actions):
            sp.add_argument("--debug", action="store_true", help="show the traceback of an internal error")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help at most 100 columns wide; descriptions wrapped, examples kept as written."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=min(100, _columns()), max_help_position=30)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        if text.startswith("example:"):
            return super()._fill_text(text, width, indent)
        return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent)


def _columns() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


def _secret_values() -> list[str]:
    names = ("BINANCE_API_KEY", "BINANCE_API_SECRET", "GITHUB_TOKEN", "DRIFT_WEBHOOK")
    return [os.environ[n].strip() for n in names if len(os.environ.get(n, "").strip()) >= 4]


def _redact(text: str) -> str:
    for value in _secret_values():
        text = text.replace(value, "***")
    return text


def _internal_line(command: str, exc: BaseException) -> str:
    message = _redact(" ".join(str(exc).split()))[:300]
    return f"doccontract {command}: internal error: {type(exc).__name__}: {message} (rerun with --debug for the traceback)"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    own = argv[: argv.index("--")] if "--" in argv else argv
    debug = "--debug" in own
    command = next((a for a in own if not a.startswith("-")), "")
    parser = make_parser()
    with terminal_streams():  # page text reaches the terminal or CI log only through here
        return _main(parser, argv, command, debug)


def _main(parser: argparse.ArgumentParser, argv: list[str], command: str, debug: bool) -> int:
    from .._files import FileProblem

    try:
        args = parser.parse_args(argv)
        command, args.debug = args.command, debug
        code = args.func(args)
        sys.stdout.flush()  # a reader gone away shows here, inside the handlers below, not at exit
        return code
    except (UsageError, FileProblem) as exc:  # FileProblem: a file or folder the user named or made
        print(f"doccontract {command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"doccontract {command}: interrupted; files are written whole or not at all, nothing was left half-written", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (| head): say nothing more, and stop Python complaining at exit
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return EXIT_BROKEN_PIPE
    except SystemExit:
        raise
    except Exception as exc:
        if debug:
            raise
        print(_internal_line(command or "doccontract", exc), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
