"""Page text made harmless for the medium it leaves for: one function per medium.

Doc pages are written by others, and their text reaches three places that act
on what they read: a CI log (GitHub's runner executes ``::command::`` lines and
``##[command]`` anywhere in a line; terminals obey escape sequences), Slack
(``<!here>``, ``<!channel>``, ``<@U…>`` notify people) and GitHub markdown
(``@user``, ``@org/team`` notify people).  Each medium's function is applied
where text leaves for it (the CLI's output streams, the webhook payload, the
issue title and body), so no producer has to remember it.  Every function
keeps the text readable: invisible characters break the commands and mentions,
visible escapes replace control characters.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

ZWSP = "\u200b"  # breaks '::' and '##[' for the runner; invisible in a log
ZWJ = "\u200d"  # after '@': GitHub sees no mention, a reader sees the same text

# C0 (but newline and tab), DEL, C1, line/paragraph separators and the bidi overrides
# that reorder what a reader sees ("Trojan source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_COMMAND = re.compile(r"(?<=:):|(?<=##)\[")
_MENTION = re.compile("@(?!" + ZWJ + ")")  # idempotent: a report neutralised twice is the same
_REFERENCE = re.compile(
    r"(?<=#)(?=\d)|(?i:(?<=\bGH-))(?=\d)"
)  # '#12', 'org/repo#12', 'GH-12' link (and notify) other issues


def _visible(m: re.Match[str]) -> str:
    # \\uXXXX also inside a JSON string: a JSON document printed through it stays valid and equal
    return f"\\u{ord(m.group()):04x}"


def terminal(text: str) -> str:
    """For a terminal or a CI log: control characters shown as ``\\uXXXX``; no ``::`` and no ``##[``
    anywhere in a line (wrapping can move any part of a line to its start)."""
    return _COMMAND.sub(lambda m: ZWSP + m.group(), _CONTROL.sub(_visible, text))


def terminal_json(value: Any, **dumps: Any) -> str:
    """JSON for a terminal or CI log that decodes to exactly ``value``: what :func:`terminal` would
    change is written as JSON escapes instead (``:`` as ``\\u003a``, ``[`` as ``\\u005b``)."""
    text = json.dumps(value, ensure_ascii=False, **dumps)
    text = _CONTROL.sub(_visible, text)  # only inside strings: JSON's own syntax has none of these
    return _COMMAND.sub(lambda m: "\\u003a" if m.group() == ":" else "\\u005b", text)


def slack(text: str) -> str:
    """For Slack message text: ``&``, ``<`` and ``>`` escaped as Slack documents (no ``<!here>``,
    ``<@U…>`` or ``<url|…>`` survives), and a bare ``@here``/``@channel`` broken with a ZWJ."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("@" + ZWJ, _CONTROL.sub(_visible, text))


def github(text: str) -> str:
    """For GitHub markdown (issue title and body): no ``@user``/``@org/team`` mention and no ``#12``
    or ``org/repo#12`` cross-reference (a ZWJ after ``@`` or ``#``, invisible in and out of code
    spans), and no HTML comment opened by page text."""
    text = _MENTION.sub("@" + ZWJ, _CONTROL.sub(_visible, text))
    return _REFERENCE.sub(ZWJ, text).replace("<!--", "<" + ZWSP + "!--")


class TerminalStream:
    """A text stream that passes everything written through :func:`terminal`.

    Written pieces are neutralised together with the last two characters already written, so a
    ``:`` and a ``:`` (or ``##`` and ``[``) arriving in separate writes still do not meet."""

    def __init__(self, inner: TextIO):
        self.inner = inner
        self._tail = ""
        self._lock = threading.Lock()  # the sandbox logs from its request threads

    def write(self, text: str) -> int:
        with self._lock:
            out = terminal(self._tail + text)[len(self._tail) :]
            self._tail = (self._tail + out)[-2:]
            self.inner.write(out)
        return len(text)

    def control(self, text: str) -> None:
        """Our own cursor control (a progress line's ``\\r``), never page text."""
        with self._lock:
            self.inner.write(text)
            self._tail = ""

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding ... of the real stream
        return getattr(self.inner, name)


def control(stream: Any, text: str) -> None:
    """Write our own control characters (``\\r``) to ``stream``, neutralising or not."""
    (stream.control if isinstance(stream, TerminalStream) else stream.write)(text)


@contextmanager
def terminal_streams() -> Iterator[None]:
    """sys.stdout and sys.stderr neutralised for the duration: the one place the CLI's output leaves."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalStream(saved[0]), TerminalStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
