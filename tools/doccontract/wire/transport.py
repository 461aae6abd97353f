"""A total deadline per call, and whether a failed request can have reached the server.

``requests`` timeouts are per socket read: a server trickling one byte a
second never trips them.  :class:`Deadline` shuts the call's sockets down when
its time is up, whatever phase the call is in.  It also records whether the
request was being sent (the connection was open and the first byte about to
go): a failure before that means nothing arrived (RequestNotSent), after it
the outcome is unknown.  :class:`WatchedAdapter` is the ``requests`` adapter
whose connections report to the current thread's deadline.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_current = threading.local()


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

    def __init__(self) -> None:
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
