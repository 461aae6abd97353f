"""A scripted HTTP server on loopback for tests (in the spirit of pytest-httpserver).

Each request takes the next scripted answer: ``(status, headers, body)``, or
``DROP`` to close the connection after reading the request, or ``SLOW`` to
answer after the client has given up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from doccontract.watch.loopback import LoopbackServer, QuickHandler

DROP = "drop"
SLOW = "slow"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Answer = tuple[int, dict[str, str], bytes] | str


class StubServer(LoopbackServer):
    def __init__(self, answers: list[Answer] | Callable[[Seen], Answer], delay: float = 0.0):
        self.answers = answers
        self.delay = delay
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(QuickHandler):
            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
                )
                with stub._lock:
                    stub.seen.append(seen)
                    if callable(stub.answers):
                        answer = stub.answers(seen)
                    else:
                        answer = stub.answers.pop(0) if len(stub.answers) > 1 else stub.answers[0]
                if stub.delay:
                    time.sleep(stub.delay)
                if answer == DROP:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if answer == SLOW:
                    time.sleep(1.5)
                    answer = (200, {}, b"{}")
                status, headers, body = answer
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = handle_one

        super().__init__(Handler)
