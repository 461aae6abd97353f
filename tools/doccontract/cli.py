"""The ``doccontract`` command.

Exit codes of ``build``: 0 every page was read; 1 findings under ``--strict``;
2 a page could not be read (its contract is left as it was).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import build
from .sandbox import UID_LIMIT_PER_MINUTE

SEVERITY_MARK = {"error": "E", "warning": "W", "info": "I"}


def _print_findings(findings: list[dict], out) -> None:
    for f in findings:
        vals = ", ".join(f"{k}: {v}" for k, v in sorted(f.get("values", {}).items()))
        print(f"    {SEVERITY_MARK.get(f['severity'], '?')} {f['code']}: {f['message']}" + (f" ({vals})" if vals else ""), file=out)
        print(f"      at {f['where']}", file=out)


def cmd_build(args: argparse.Namespace) -> int:
    paths = args.paths or ["specs"]
    for p in paths:
        if not Path(p).exists():
            print(f"doccontract build: {p}: no such file or folder", file=sys.stderr)
            return 2
    results = build(paths, args.out, jobs=args.jobs, use_cache=not args.no_cache)
    failed = findings = 0
    for r in results:
        if r.status == "failed":
            failed += 1
            print(f"FAIL  {r.detail}", file=sys.stderr)
            continue
        if r.status == "skipped":
            print(f"skip  {r.cid}: {r.detail}")
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
    counts = {s: sum(r.status == s for r in results) for s in ("built", "unchanged", "skipped", "failed")}
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + f"; {findings} findings -> {args.out}")
    if failed:
        return 2
    return 1 if args.strict and findings else 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    import signal
    import threading

    from .contracts import CLOSE_RISK_UNIT, load_contract
    from .sandbox import Sandbox, State, StateError

    try:
        state = State.load(args.state)
        contract = load_contract(CLOSE_RISK_UNIT, args.contracts)
    except (StateError, LookupError) as exc:
        print(f"doccontract sandbox: {exc}", file=sys.stderr)
        return 2
    try:
        server = Sandbox(state, contract, uid_limit=args.uid_limit).serve(args.host, args.port)
    except OSError as exc:
        print(f"doccontract sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with server:
        print(f"sandbox: {contract['method']} {contract['path']} on {server.url} (state: {args.state or 'demo'})", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .check import run_check

    return run_check(args.target, junit=args.junit, allow_destructive=args.allow_destructive, extra=args.pytest_args)


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

    sb = sub.add_parser("sandbox", help="serve the faithful Close Risk Unit sandbox on loopback")
    sb.add_argument("--host", default="127.0.0.1")
    sb.add_argument("--port", type=int, default=8765, help="0 picks a free port (default 8765)")
    sb.add_argument("--state", help="state JSON file (default: the demo state shipped with the package)")
    sb.add_argument("--contracts", help="contracts folder (default: the repository's contracts/)")
    sb.add_argument("--uid-limit", type=int, default=UID_LIMIT_PER_MINUTE, help=f"UID weight per minute (default {UID_LIMIT_PER_MINUTE}, Binance's)")
    sb.set_defaults(func=cmd_sandbox)

    ck = sub.add_parser("check", help="run the contract suite (the main job)")
    ck.add_argument("--target", choices=("sandbox", "live"), default="sandbox")
    ck.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report")
    ck.add_argument("--allow-destructive", action="store_true", help="live only, with BINANCE_LIVE_CLOSE_GROUP_ID: really close that unit")
    ck.add_argument("pytest_args", nargs="*", help="passed to pytest after '--'")
    ck.set_defaults(func=cmd_check)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
