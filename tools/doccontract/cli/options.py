"""What every subcommand's parser shares: the help formatter, checked number types, and one call
that declares a subcommand with its summary, description, example and exit codes (public argparse only)."""

from __future__ import annotations

import argparse
import shutil
import textwrap
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

DEBUG_HELP = "show the traceback of an internal error"


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Help at most 100 columns wide; descriptions wrapped, examples kept as written."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=min(100, columns()), max_help_position=30)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("example:"):
            return super()._fill_text(text, width, indent)
        return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent)


def columns() -> int:
    return shutil.get_terminal_size((100, 24)).columns


class Subcommands(Protocol):
    """What ``add_subparsers()`` returns, as far as a command uses it: it adds the command's parser."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


_Number = TypeVar("_Number", int, float)


def bounded(
    kind: Callable[[str], _Number], low: float, high: float, what: str, low_open: bool = False
) -> Callable[[str], _Number]:
    """An argparse type: a number of ``kind`` within [low, high] (or (low, high]), else one line saying so."""

    def read(text: str) -> _Number:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if value < low or (low_open and value == low) or value > high:
            raise argparse.ArgumentTypeError(f"{text} is not {what}")
        return value

    return read


port = bounded(int, 0, 65535, "a port number (0-65535; 0 picks a free port)")
positive_int = bounded(int, 1, 1_000_000, "a whole number of at least 1")
seconds = bounded(float, 0, 3600, "a number of seconds above 0 and at most 3600", low_open=True)


def add_command(
    sub: Subcommands, name: str, summary: str, what: str, example: str, codes: str
) -> argparse.ArgumentParser:
    """Declare one subcommand: its line in ``doccontract --help``, and its own help's description,
    example and exit codes, so a command's options and its help texts live in one module."""
    codes_text = textwrap.fill(f"exit codes: {codes}", 98, subsequent_indent="  ")
    epilog = (
        f"example:\n  {example}\n\n{codes_text}\n"
        "  and, for every command: 70 internal error (rerun with --debug), 130 interrupted"
    )
    return sub.add_parser(name, help=summary, description=what or summary, epilog=epilog, formatter_class=Formatter)


def add_debug(p: argparse.ArgumentParser) -> None:
    """``--debug`` last in every subcommand's options, as in ``doccontract --help``."""
    p.add_argument("--debug", action="store_true", help=DEBUG_HELP)
