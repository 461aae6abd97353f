"""The sandbox over real HTTP: a WSGI application served by waitress.

HTTP framing (Content-Length, chunked bodies, slow and silent clients, bursts
of connections, disconnects) is what a well-kept server already does well, so
the sandbox leaves it to waitress and only makes sure that every answer,
including waitress's own framing errors and idle timeouts, is Binance's JSON
``{code, msg}``.  One thing waitress accepts is refused before it parses a
head: framing that two servers could read two ways (both Content-Length and
Transfer-Encoding, obs-fold, ...), since a front end reading it the other way
would let a request hidden in the body run (request smuggling).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import TYPE_CHECKING, Any, Protocol

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import create_server
from waitress.task import ErrorTask
from waitress.utilities import BadRequest

from .seam import Messages

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

MAX_BODY = 64 * 1024
BACKLOG = 2048  # holds a burst of 1,000 connections with room to spare
CONNECTION_LIMIT = 4000
JSON_TYPE = "application/json;charset=UTF-8"


class Served(Protocol):
    """What is served (a ``gateway.Sandbox``): named by its shape, so serving imports no gateway
    and the gateway's ``Sandbox.serve`` can import serving without a circle."""

    def handle(self, method: str, target: str, body: bytes, headers: dict[str, str], client: str = ...) -> Any: ...

    def close(self) -> None: ...

    messages: Messages


def dumps(payload: Any) -> bytes:
    """An answer's body as Binance sends it: compact UTF-8 JSON."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


class _JsonErrorTask(ErrorTask):
    """waitress's framing errors (bad Content-Length, oversized bodies, bad request lines) in Binance's shape."""

    def execute(self) -> None:
        e = self.request.error
        messages = getattr(self.channel.server, "messages", None) or Messages()  # the served sandbox's wording
        body = dumps({"code": -1000, "msg": messages.text(-1000, f"{e.reason}: {e.body}")})
        self.status = f"{e.code} {e.reason}"
        self.response_headers.append(("Content-Type", JSON_TYPE))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


_FRAMING_NAMES = (b"content-length", b"transfer-encoding")


def framing_problem(head: bytes) -> str | None:
    """Why a request head's body framing could be read two ways (RFC 9112 §6.1, §5.2), or None.

    waitress prefers Transfer-Encoding over Content-Length, joins folded lines, drops names with '_'
    and ignores Transfer-Encoding in HTTP/1.0; each is a reading another server may not share.  What
    waitress already refuses on its own (a repeated or non-numeric Content-Length: 400; a coding other
    than chunked: 501) is left to it.
    """
    first, _, rest = head.partition(b"\r\n")
    names, codings = [], []
    for line in rest.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            return "obsolete line folding (a header line starts with a space or tab)"
        raw_name, _, value = line.partition(b":")
        name = raw_name.lower()
        if b"_" in name and name.replace(b"_", b"-") in _FRAMING_NAMES:
            return f"{raw_name.decode('latin-1')} is not {name.replace(b'_', b'-').decode('latin-1').title()}"
        names.append(name)
        if name == b"transfer-encoding":
            codings += [c.strip(b" \t").lower() for c in value.split(b",") if c.strip(b" \t")]
    if b"transfer-encoding" in names and b"content-length" in names:
        return "both Content-Length and Transfer-Encoding"
    if b"transfer-encoding" in names and not first.endswith(b" HTTP/1.1"):
        return "Transfer-Encoding in a request that is not HTTP/1.1"
    if names.count(b"transfer-encoding") > 1 or codings.count(b"chunked") > 1:
        return "Transfer-Encoding given more than once"
    return None


class _StrictParser(HTTPRequestParser):
    """waitress's parser behind one check every request head passes first: unambiguous framing."""

    def parse_header(self, header_plus: bytes) -> None:
        problem = framing_problem(header_plus)
        if problem is not None:
            if header_plus.partition(b"\r\n")[0].endswith(b" HTTP/1.1"):
                self.version = "1.1"  # the refusal is answered in the client's version
            # waitress answers 400 and closes the connection, dropping what was read after this head
            raise ParsingError(f"ambiguous message framing: {problem}")
        super().parse_header(header_plus)


class _Channel(HTTPChannel):
    error_task_class = _JsonErrorTask
    parser_class = _StrictParser


def _answer_stalled(server: Any, now: float) -> None:
    """Idle timeout: a connection silent mid-request (a lying Content-Length, a half-sent head) gets a 400 first."""
    cutoff = now - server.adj.channel_timeout
    for channel in list(server.active_channels.values()):
        if channel.request is not None and not channel.requests and channel.last_activity < cutoff:
            request = channel.request
            channel.request = None
            request.error = BadRequest(f"request incomplete after {server.adj.channel_timeout}s of silence")
            request.version = request.version or "1.1"
            task = channel.error_task_class(channel, request)
            try:
                task.service()
            except Exception:  # the client may already be gone
                pass
            channel.close_when_flushed = True
            channel.last_activity = now


def make_app(sandbox: Served) -> WSGIApplication:
    """The WSGI application: one JSON answer per request, whatever it holds."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        try:
            method = environ.get("REQUEST_METHOD", "GET")
            target = environ.get("REQUEST_URI") or environ.get("PATH_INFO", "/")
            query = environ.get("QUERY_STRING", "")
            if "?" not in target and query:
                target = f"{target}?{query}"
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(min(length, MAX_BODY)) if length else b""
            headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
            if "CONTENT_TYPE" in environ:
                headers["content-type"] = environ["CONTENT_TYPE"]
            answer = sandbox.handle(method, target, body, headers, environ.get("REMOTE_ADDR", "?"))
            status, extra, payload = answer.status, answer.headers, answer.payload
        except Exception as exc:  # the gateway never raises; this guards the glue itself
            status, extra = 500, {}
            payload = {
                "code": -1000,
                "msg": f"An unknown error occurred while processing the request.[internal error: {type(exc).__name__}]",
            }
        data = dumps(payload)
        reason = _REASONS.get(status, "Error")
        start_response(
            f"{status} {reason}", [("Content-Type", JSON_TYPE), ("Content-Length", str(len(data))), *extra.items()]
        )
        return [data]

    return app


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


class SandboxServer:
    """The sandbox on a loopback port, served in a background thread; a context manager with ``url``."""

    def __init__(
        self, sandbox: Served, host: str = "127.0.0.1", port: int = 0, *, threads: int = 4, idle_timeout: int = 10
    ):
        self.sandbox = sandbox
        logging.getLogger("waitress").setLevel(
            logging.CRITICAL
        )  # disconnects are quiet; requests are logged by the gateway
        self.server = create_server(
            make_app(sandbox),
            host=host,
            port=port,
            threads=threads,
            backlog=BACKLOG,
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=max(1, int(idle_timeout)),  # waitress counts whole seconds
            asyncore_use_poll=True,  # select() stops at 1024 descriptors
            cleanup_interval=1,
            max_request_body_size=MAX_BODY,
            max_request_header_size=64 * 1024,
            ident="doccontract-sandbox",
            clear_untrusted_proxy_headers=True,
            expose_tracebacks=False,
            log_socket_errors=False,
        )
        self.server.channel_class = _Channel
        self.server.messages = sandbox.messages  # framing errors are worded by the served sandbox's catalogue
        maintenance = self.server.maintenance

        def _maintenance(now: float) -> None:
            _answer_stalled(self.server, now)
            maintenance(now)

        self.server.maintenance = _maintenance
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-http", daemon=True)

    def _run(self) -> None:
        """waitress's poll loop, one round at a time so that stopping happens in this thread (no fd closed twice)."""
        from waitress import wasyncore

        loop_map = self.server._map
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.05, map=loop_map, use_poll=True, count=1)
        self.server.task_dispatcher.shutdown(timeout=2)
        wasyncore.close_all(loop_map)
        self.sandbox.close()  # the state file is free once nothing can change it

    @property
    def url(self) -> str:
        return f"http://{self.server.effective_host}:{self.server.effective_port}"

    def start(self) -> SandboxServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
