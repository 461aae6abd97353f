"""What the commands print alike: wrapped lines, a progress line on a terminal, build findings,
and the one-line internal error with configured secrets masked."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from ..neutral import control
from ..wire.credentials import ROLES, prefix
from ..wire.secrets import redact

if TYPE_CHECKING:
    from ..contract.document import FindingEntry

WIDTH = 100
EXIT_INTERNAL = 70  # the code that goes with internal_line
SEVERITY_MARK = {"error": "E", "warning": "W", "info": "I"}
# the default key and each role's (doccontract.wire.credentials), then the alert channels'
SECRET_ENV = (
    *(f"{prefix(r)}_{v}" for r in (None, *ROLES) for v in ("API_KEY", "API_SECRET")),
    "GITHUB_TOKEN",
    "DRIFT_WEBHOOK",
)


def say(text: str, file: TextIO | None = None, indent: str = "    ") -> None:
    """One message, wrapped to 100 columns (continuation lines indented); long URLs are kept whole."""
    print(
        textwrap.fill(text, WIDTH, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False),
        file=file or sys.stdout,
    )


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


def wrap(text: str, indent: str, out: TextIO) -> None:
    """Print ``text`` within WIDTH columns, continuation lines indented under it."""
    print(
        textwrap.fill(
            text,
            WIDTH,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_on_hyphens=False,
            break_long_words=False,
        ),
        file=out,
    )


def print_findings(findings: Iterable[FindingEntry], out: TextIO) -> None:
    for f in findings:
        vals = ", ".join(f"{k}: {v}" for k, v in sorted(f.get("values", {}).items()))
        wrap(
            f"{SEVERITY_MARK.get(f['severity'], '?')} {f['code']}: {f['message']}" + (f" ({vals})" if vals else ""),
            "    ",
            out,
        )
        for i, where in enumerate(f["where"].split(" | ")):  # a bilingual finding: each page on its own line
            wrap(f"{'at' if i == 0 else 'and'} {where}", "      ", out)


def internal_line(command: str, exc: BaseException) -> str:
    """An unforeseen error as one line; the secrets the commands read from the environment are masked
    in every form they take (the wire module's redaction, not a weaker copy)."""
    message = redact(" ".join(str(exc).split()), (os.environ.get(n) for n in SECRET_ENV))[:300]
    return (
        f"doccontract {command}: internal error: {type(exc).__name__}: {message} (rerun with --debug for the traceback)"
    )
