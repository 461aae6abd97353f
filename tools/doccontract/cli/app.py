"""The ``doccontract`` command: the parser, and the exit codes every command shares.

Every command: 2 a user mistake (one line naming what to fix), 70 an internal
error (one line; ``--debug`` shows the traceback), 130 interrupted (Ctrl-C;
files are written atomically, so nothing is half-written), 141 the reader of
the output went away (``| head``).  Each subcommand's module declares its
options, its help (example, exit codes) and its ``run(args)``; the modules
import their heavy floors inside ``run``, so ``--help`` loads no page reader.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from .. import __version__
from ..neutral import terminal_streams
from ..usage import UsageError
from . import add, build, check, diff, docsite, drift, fetch, nightly, sandbox
from .options import DEBUG_HELP, Formatter
from .output import EXIT_INTERNAL, internal_line

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141

#: In the order ``doccontract --help`` lists them.
COMMANDS = (build, sandbox, check, fetch, add, drift, diff, nightly, docsite)


class Parser(argparse.ArgumentParser):
    """A mistake on the command line is one line naming it, and where to read more (exit 2)."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("argument ") and ": " in message:  # 'argument --port: 99999 is not ...'
            option, problem = message[len("argument ") :].split(": ", 1)
            message = (
                f"{option}: {problem}"
                if problem.startswith(("invalid", "expected", "ignored", "not allowed"))
                else f"{option} {problem}"
            )
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def make_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="doccontract",
        formatter_class=Formatter,
        description="Binance API docs -> executable contracts",
        epilog=(
            "Every command: 2 a mistake in the command line or an input file, 70 internal error (rerun with --debug), "
            "130 interrupted."
        ),
    )
    parser.add_argument("--version", action="version", version=f"doccontract {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


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
        code: int = args.func(args)  # each command's run returns its exit code
        sys.stdout.flush()  # a reader gone away shows here, inside the handlers below, not at exit
        return code
    except (UsageError, FileProblem) as exc:  # FileProblem: a file or folder the user named or made
        print(f"doccontract {command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(
            f"doccontract {command}: interrupted; files are written whole or not at all, nothing was left half-written",
            file=sys.stderr,
        )
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
        print(internal_line(command or "doccontract", exc), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
