"""What the corpus benchmarks share: where the corpus is and how it is named on the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "binance"


def corpus_args(description: str, add_options=None) -> tuple[argparse.Namespace, Path]:
    """Parse ``[corpus] [options]``; exit 2 with a clear line when the corpus is not there."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    if add_options:
        add_options(ap)
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"{Path(sys.argv[0]).stem}: no corpus at {corpus}", file=sys.stderr)
        sys.exit(2)
    return args, corpus


def first_line(proc, timeout: float = 30) -> str:
    """The first line a server process prints (its URL), or an error after ``timeout`` seconds."""
    import select

    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        proc.kill()
        raise SystemExit(f"the server process printed nothing within {timeout}s")
    return proc.stdout.readline()
