"""``doccontract check``: the pytest contract suite against the sandbox or the live API."""

from __future__ import annotations

import argparse

from .options import Subcommands, add_command, add_debug


def add_parser(sub: Subcommands) -> None:
    ck = add_command(
        sub,
        "check",
        "run the contract suite (the main job)",
        "Run the pytest contract suite against the sandbox (default) or the live API and print one row per check.",
        "doccontract check --target sandbox --junit reports/contract-junit.xml",
        "0 every check passed; 1 a check failed (or, with --require-coverage, a code that can occur on the target "
        "was never "
        "answered); 2 bad argument; 3 live checks not run: no credentials; 4 the API could not be reached",
    )
    ck.add_argument("--target", choices=("sandbox", "live"), default="sandbox")
    ck.add_argument(
        "--contracts",
        metavar="DIR",
        help="contracts folder (default: $DOCCONTRACT_CONTRACTS, else the repository's or ./contracts)",
    )
    ck.add_argument(
        "--operation",
        metavar="PATTERN",
        help="only operations whose 'METHOD /path' or contract id matches (glob or substring)",
    )
    ck.add_argument("--format", choices=("table", "json"), default="table")
    ck.add_argument(
        "--require-coverage",
        action="store_true",
        help="exit 1 when a documented code that can occur on the target, or an HTTP status, was never exercised",
    )
    ck.add_argument(
        "--junit", metavar="FILE", help="also write a JUnit XML report (secrets masked, coverage as properties)"
    )
    ck.add_argument(
        "--allow-destructive",
        action="store_true",
        help="live only, with BINANCE_LIVE_CLOSE_GROUP_ID: really close that unit",
    )
    ck.add_argument(
        "--sandbox-url",
        metavar="URL",
        help="sandbox target: a running 'doccontract sandbox' (demo state) instead of embedded ones",
    )
    ck.add_argument("pytest_args", nargs="*", help="passed to pytest after '--'")
    add_debug(ck)
    ck.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
        sandbox_url=args.sandbox_url,
    )
