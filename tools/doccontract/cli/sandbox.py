"""``doccontract sandbox``: the contracts' endpoints served on loopback, with real signatures and weights."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..rules import IP_LIMIT_PER_MINUTE, UID_LIMIT_PER_MINUTE
from .options import Subcommands, add_command, add_debug, port


def add_parser(sub: Subcommands) -> None:
    sb = add_command(
        sub,
        "sandbox",
        "serve every contract (default: all of contracts/) as a faithful loopback sandbox",
        "Serve the contracts' endpoints on loopback with real signatures, weights and Binance's error shape.",
        "doccontract sandbox --port 8765",
        "0 stopped (Ctrl-C or SIGTERM); 2 bad argument, state file or port in use",
    )
    sb.add_argument("--host", default="127.0.0.1")
    sb.add_argument("--port", type=port, default=8765, help="0 picks a free port (default 8765)")
    sb.add_argument(
        "--contracts", help="contracts folder (default: $DOCCONTRACT_CONTRACTS or the repository's contracts/)"
    )
    sb.add_argument(
        "--state",
        metavar="FILE",
        help=(
            "state database (SQLite; a JSON state file is served read-only) "
            "(default: the demo state shipped with the package)"
        ),
    )
    sb.add_argument(
        "--persist",
        action="store_true",
        help="commit every change to --state FILE before answering (a new FILE is created from the seed)",
    )
    sb.add_argument(
        "--reset", action="store_true", help="write the seed over --state FILE's state, in place, before starting"
    )
    sb.add_argument(
        "--seed",
        metavar="JSON",
        help="the JSON state that initialises a new --state database or --reset restores (default: the demo state)",
    )
    sb.add_argument(
        "--idle-timeout",
        type=int,
        default=10,
        help="whole seconds before a silent connection is answered and closed (default 10)",
    )
    sb.add_argument(
        "--uid-limit",
        type=int,
        default=UID_LIMIT_PER_MINUTE,
        help=f"UID weight per minute (default {UID_LIMIT_PER_MINUTE}, Binance's)",
    )
    sb.add_argument(
        "--ip-limit",
        type=int,
        default=IP_LIMIT_PER_MINUTE,
        help=f"IP weight per minute (default {IP_LIMIT_PER_MINUTE}, Binance's)",
    )
    add_debug(sb)
    sb.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import signal
    import threading

    from ..contract.store import default_dir
    from ..sandbox import Sandbox, SandboxServer, State, StateError
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
            state, store = open_state(
                args.state, persist=args.persist, reset=args.reset, seed=args.seed, now=time.time()
            )
        else:
            state = State.load(now=time.time())
        sandbox = Sandbox(
            state,
            contracts,
            uid_limit=args.uid_limit,
            ip_limit=args.ip_limit,
            persist=store if args.persist else None,
            log=console_log,
        )
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
        server = SandboxServer(sandbox, args.host, args.port, idle_timeout=args.idle_timeout)
    except OSError as exc:
        print(f"doccontract sandbox: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with server:
        n = sum(len(m) for m in sandbox.routes.values())
        print(
            f"sandbox: {n} operations from {contracts} on {server.url} "
            f"(state: {args.state or 'demo'}{', persisted' if args.persist else ''})",
            flush=True,
        )
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0
