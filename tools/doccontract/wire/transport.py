"""A total deadline per call, and whether a failed request can have reached the server.

``requests`` timeouts are per socket read: a server trickling one byte a
second never trips them.  :class:`Deadline` shuts the call's sockets down when
its time is up, whatever phase the call is in.  It also records whether the
request was being sent (the connection was open and the first byte about to
go): a failure before that means nothing arrived (RequestNotSent), after it
the outcome is unknown.  :class:`WatchedAdapter` is the ``requests`` adapter
whose connections report to the current thread's deadline.  :func:`retry_after`
is the one reading of a ``Retry-After`` header, for the client, the suite and
the drift watcher alike.
"""

from __future__ import annotations

import socket
import threading
import time
import zlib
from email.utils import parsedate_to_datetime
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()

#: The longest wait a Retry-After is read as (a day): a larger number or a date years ahead is
#: capped here, so a caller compares a finite number against its own limit.
RETRY_AFTER_CAP = 24 * 3600.0
_ASCII_DIGITS = frozenset("0123456789")  # str.isdigit() also takes '²', which int() refuses


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait: ASCII digits or an HTTP date, clamped to
    ``[0, RETRY_AFTER_CAP]``; None when absent or unreadable (a sign, a fraction, '²', junk).
    Never raises: the header is the server's, and a malformed one must not end a run."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value:
        return None
    if set(value) <= _ASCII_DIGITS:
        return (
            RETRY_AFTER_CAP if len(value) > 9 else min(float(value), RETRY_AFTER_CAP)
        )  # 10**4300 digits: int() refuses
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None
    wait = when - (time.time() if now is None else now)
    return min(max(0.0, wait), RETRY_AFTER_CAP)


def header_count(value: str | None) -> int | None:
    """A header's count (a used weight): up to 18 ASCII digits, else None.

    ``str.isdigit()`` also takes '²', which ``int()`` refuses, as it refuses 4,301 digits: a
    server's header must never end a run, it is only read or not."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not (0 < len(value) <= 18 and set(value) <= _ASCII_DIGITS):
        return None
    return int(value)


class Deadline:
    """``with Deadline(2.0) as d:`` every socket a call opens is shut down after 2 s."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self.sending = False
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def watch(self, sock: Any) -> None:
        if sock is None:
            return
        with self._lock:
            if self.expired:
                _shutdown(sock)
            elif sock not in self._socks:
                self._socks.append(sock)

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._socks:
                _shutdown(sock)

    def __enter__(self) -> Deadline:
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _current.deadline = None


def _shutdown(sock: Any) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def current() -> Deadline | None:
    return getattr(_current, "deadline", None)


class _Watched:
    """Mixed into urllib3's connections: register the socket; mark 'sending' only once connected."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        d = current()
        if d is not None:
            d.watch(self.sock)  # type: ignore[attr-defined]

    def request(self, *args: Any, **kwargs: Any) -> None:
        if self.sock is None:  # type: ignore[attr-defined]
            self.connect()  # a refused or failed connection: nothing was sent
        d = current()
        if d is not None:
            d.watch(self.sock)  # type: ignore[attr-defined]
            d.sending = True
        super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_Watched, HTTPConnection):
    pass


class _HTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class WatchedAdapter(HTTPAdapter):
    """An adapter whose connections obey the current :class:`Deadline`; no retries of its own."""

    def __init__(self, pool_connections: int = 10, pool_maxsize: int = 10) -> None:
        super().__init__(pool_connections=pool_connections, pool_maxsize=pool_maxsize, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


class TooLarge(ValueError):
    """A body past its limit; ``inflated`` tells a small answer that inflates too far from a big one."""

    def __init__(self, message: str, inflated: bool):
        super().__init__(message)
        self.inflated = inflated


def read_capped(resp: Any, max_bytes: int) -> bytes:
    """The body of ``resp`` (opened with ``stream=True``), inflated here chunk by chunk and never
    past ``max_bytes``, on the wire or inflated: a 300 KB gzip answer that would inflate to 300 MB
    costs at most ``max_bytes`` of memory before it is refused.  Raises ValueError (TooLarge, or
    an unknown or corrupt encoding); the time bound is the caller's :class:`Deadline`."""
    encoding = resp.headers.get("Content-Encoding", "").strip().lower()
    if encoding in ("", "identity"):
        inflate = None
    elif encoding in ("gzip", "x-gzip", "deflate"):
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib, told apart by the header
    else:
        raise ValueError(f"the answer's Content-Encoding {encoding[:40]!r} is not supported")
    too_big = f"the answer is larger than {max_bytes // 1024} KB; refused"
    inflates = f"the answer is larger than {max_bytes // 1024} KB inflated; refused"
    length = resp.headers.get("Content-Length", "").strip()
    if length and set(length) <= _ASCII_DIGITS and (len(length) > 18 or int(length) > max_bytes):  # int() refuses 4,301
        raise TooLarge(too_big, inflated=False)
    out = bytearray()
    wire = 0
    try:
        while True:
            chunk = resp.raw.read1(65536, decode_content=False)
            if not chunk:
                break
            wire += len(chunk)
            if wire > max_bytes:  # bytes after a gzip stream's end inflate to nothing: counted here
                raise TooLarge(too_big, inflated=False)
            if inflate is None:
                out += chunk
            else:
                out += inflate.decompress(chunk, max_bytes - len(out) + 1)
                if inflate.unconsumed_tail or len(out) > max_bytes:
                    raise TooLarge(inflates, inflated=True)
        if inflate is not None:
            out += inflate.flush()
    except zlib.error:
        raise ValueError(f"the {encoding} answer is corrupt") from None
    if len(out) > max_bytes:
        raise TooLarge(inflates if inflate is not None else too_big, inflated=inflate is not None)
    return bytes(out)
