"""The sandbox's HTTP over raw sockets: every request gets Binance's JSON, whatever its bytes or framing;
nobody stalls the others."""

from __future__ import annotations

import json
import socket

import pytest
import requests
from helpers import Clock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sandbox import KEY, call, signed

from doccontract.sandbox import Sandbox

IDLE = 1  # the test servers' idle timeout (seconds); waits below are bounded by it, nothing asserts a duration


@pytest.fixture(scope="module")
def srv():
    with Sandbox(clock=Clock()).serve(idle_timeout=IDLE) as server:
        yield server


def exchange(srv, data: bytes, wait: float = 10.0) -> bytes:
    """Send raw bytes, read until the server closes or one whole answer has arrived (bounded by ``wait``)."""
    with socket.create_connection(("127.0.0.1", srv.server.effective_port), timeout=wait) as s:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            out += chunk
            if _complete(out):
                break
        return out


def _complete(raw: bytes) -> bool:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False


def answer(raw: bytes) -> tuple[int, dict[str, str], object]:
    """(status, headers, JSON body) of one HTTP answer; fails the test if it is not one."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    assert sep, f"no HTTP answer: {raw[:200]!r}"
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1."), lines[0]
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    assert headers["content-type"].startswith("application/json"), headers
    length = int(headers["content-length"])
    return int(lines[0].split()[1]), headers, json.loads(body[:length]) if length else None


def error_of(raw: bytes) -> tuple[int, int]:
    status, _, body = answer(raw)
    assert isinstance(body, dict) and set(body) == {"code", "msg"} and isinstance(body["code"], int), body
    return status, body["code"]


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /sapi/v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
        b"GET /sapi/v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n",
        b"POST /sapi/v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
        b"POST /sapi/v1/x HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET /sapi/v1/x HTTP/1.1\r\nBad Header Line\r\n\r\n",
    ],
)
def test_bad_framing_is_a_400_in_binance_shape(srv, request_bytes):
    status, code = error_of(exchange(srv, request_bytes))
    assert 400 <= status < 500 and code < 0


def test_a_lying_content_length_is_answered_400_at_the_idle_timeout(srv):
    status, code = error_of(
        exchange(srv, b"POST /sapi/v1/margin/loan-group HTTP/1.1\r\nHost: a\r\nContent-Length: 50\r\n\r\ngroupId=1")
    )
    assert (status, code) == (400, -1000)


def test_a_silent_connection_is_closed_at_the_idle_timeout(srv):
    with socket.create_connection(("127.0.0.1", srv.server.effective_port), timeout=10) as s:
        assert s.recv(100) == b""  # closed by the server, within the bounded wait


def test_chunked_bodies_are_read(srv):
    body = b"groupId=10001"
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    raw = exchange(
        srv,
        b"DELETE /sapi/v1/margin/loan-group HTTP/1.1\r\nHost: a\r\nX-MBX-APIKEY: demo-credit-key-2001\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked,
    )
    assert error_of(raw) == (400, -1102)  # the body was read: what is missing now is the timestamp


@pytest.mark.parametrize(
    "target", [b"/sapi/v1/%ff%fe", b"/sapi/v1/margin/loan-group?groupId=%C3%28", b"/%", b"/sapi/v1/\xff\xfe", b"*"]
)
def test_bad_bytes_in_the_target_get_json(srv, target):
    status, _ = error_of(exchange(srv, b"DELETE " + target + b" HTTP/1.1\r\nHost: a\r\n\r\n"))
    assert 400 <= status < 500


def test_slow_and_silent_clients_do_not_stall_others(srv):
    stalled = [socket.create_connection(("127.0.0.1", srv.server.effective_port), timeout=10) for _ in range(20)]
    try:
        for i, s in enumerate(stalled):
            s.sendall(b"POST /sapi/v1/margin/loan-group HTTP/1.1\r\nHost: a\r\n" if i % 2 else b"GE")
        r = call(srv, "GET", "/sapi/v1/margin/loan-groups/closed", {})
        assert r.status_code == 200, r.text
    finally:
        for s in stalled:
            s.close()


def test_a_burst_of_1000_connections_is_held_and_answered():
    """1,000 connections opened at once (before any is served), then each asks and each is answered."""
    with Sandbox(clock=Clock()).serve(idle_timeout=30) as server:
        port = server.server.effective_port
        sockets = [socket.create_connection(("127.0.0.1", port), timeout=60) for _ in range(1000)]
        try:
            for s in sockets:
                s.sendall(b"GET /nothing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            answers = []
            for s in sockets:
                out = b""
                while chunk := s.recv(65536):
                    out += chunk
                answers.append(error_of(out))
        finally:
            for s in sockets:
                s.close()
    assert answers == [(404, -1000)] * 1000


def test_early_disconnects_are_quiet_and_the_server_keeps_serving(srv, capfd):
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", srv.server.effective_port), timeout=10) as s:
            s.sendall(b"GET /sapi/v1/margin/loan-groups/closed HTTP/1.1\r\nHost: a\r\n\r\n")
    assert requests.get(f"{srv.url}/nothing", timeout=10).status_code == 404
    assert "Traceback" not in capfd.readouterr().err


def test_the_catch_all_answers_500_and_keeps_the_connection():
    clock = Clock()
    with Sandbox(clock=clock).serve(idle_timeout=5) as server:

        def boom(_call):
            raise RuntimeError("a bug in a handler")

        server.sandbox.routes["/sapi/v1/margin/loan-groups/closed"]["GET"].handler = boom
        query = f"timestamp={clock.ms()}"
        request = (
            f"GET /sapi/v1/margin/loan-groups/closed?{query}&signature={signed(query)} HTTP/1.1\r\n"
            f"Host: a\r\nX-MBX-APIKEY: {KEY}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.server.effective_port), timeout=10) as s:
            for _ in range(2):  # the same keep-alive connection answers again
                s.sendall(request)
                raw = b""
                while not _complete(raw):
                    chunk = s.recv(65536)
                    assert chunk, "the connection was dropped"
                    raw += chunk
                status, _, body = answer(raw)
                assert status == 500 and body["code"] == -1000 and "RuntimeError" in body["msg"]


# --------------------------------------------------------------------------- fuzz

METHODS = st.sampled_from(["GET", "POST", "DELETE", "PUT", "HEAD", "OPTIONS", "TRACE", "PATCH", "G\x7fT", "get"])
PATHS = st.sampled_from(
    ["/sapi/v1/margin/loan-group", "/sapi/v1/margin/loan-groups/closed", "/", "/sapi/v1/margin/loan-group/borrow", "*"]
)
QUERY = st.binary(max_size=60).map(
    lambda b: "".join(f"%{x:02X}" if x < 33 or x > 126 or x in b"#% " else chr(x) for x in b).encode()
)
BODY = st.binary(max_size=80)
FRAMING = st.sampled_from(["exact", "none", "short", "bad", "negative", "chunked", "chunked-bad", "huge"])


def _frame(body: bytes, framing: str) -> tuple[list[bytes], bytes]:
    if framing == "exact":
        return [b"Content-Length: %d" % len(body)], body
    if framing == "short":  # claims less than it sends: the rest is the next (garbage) request
        return [b"Content-Length: %d" % (len(body) // 2)], body
    if framing == "bad":
        return [b"Content-Length: 1x"], body
    if framing == "negative":
        return [b"Content-Length: -1"], body
    if framing == "chunked":
        return [b"Transfer-Encoding: chunked"], (b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)) if body else b"0\r\n\r\n"
    if framing == "chunked-bad":
        return [b"Transfer-Encoding: chunked"], b"zz\r\n" + body + b"\r\n"
    if framing == "huge":
        return [b"Content-Length: 99999999999"], body
    return [], b""


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    method=METHODS,
    path=PATHS,
    query=QUERY,
    body=BODY,
    framing=FRAMING,
    key=st.sampled_from([None, b"demo-credit-key-2001", b"\xff\xfe", b"x y"]),
)
def test_fuzz_every_request_gets_json_or_a_valid_body(srv, method, path, query, body, framing, key):
    headers, payload = _frame(body, framing)
    if key is not None:
        headers.append(b"X-MBX-APIKEY: " + key)
    headers.append(b"Content-Type: application/x-www-form-urlencoded")
    target = path.encode() + (b"?" + query if query else b"")
    raw = exchange(
        srv,
        method.encode("latin-1")
        + b" "
        + target
        + b" HTTP/1.1\r\nHost: a\r\n"
        + b"\r\n".join(headers)
        + b"\r\n\r\n"
        + payload,
    )
    status, headers_in, parsed = answer(raw)
    if method == "HEAD":
        return
    if status == 200:
        assert parsed is not None
    else:
        assert isinstance(parsed, dict) and set(parsed) == {"code", "msg"}, parsed
        assert status != 500, parsed


@settings(max_examples=200, deadline=None)
@given(
    method=st.one_of(st.sampled_from(["GET", "POST", "DELETE"]), st.text(max_size=8)),
    target=st.one_of(st.text(max_size=80), st.builds(lambda p, q: f"{p}?{q}", PATHS, st.text(max_size=80))),
    body=st.binary(max_size=80),
    headers=st.dictionaries(
        st.sampled_from(["x-mbx-apikey", "content-type", "x-other"]), st.text(max_size=40), max_size=3
    ),
)
def test_fuzz_the_gateway_answers_everything_without_an_exception(method, target, body, headers):
    answer = FUZZ_SANDBOX.handle(method, target, body, headers)
    assert answer.status != 500, answer.payload
    assert answer.status == 200 or (isinstance(answer.payload, dict) and set(answer.payload) == {"code", "msg"})


FUZZ_SANDBOX = Sandbox(clock=Clock())


# --------------------------------------------------------------------------- ambiguous framing (request smuggling)

BORROW = "/sapi/v1/margin/loan-group/borrow"


def _signed_borrow(clock: Clock) -> bytes:
    """A complete, correctly signed borrow: what a smuggler hides in an outer request's body."""
    body = f"groupId=10001&assetName=USDT&amount=100&timestamp={clock.ms()}"
    body += f"&signature={signed('', body)}"
    return (
        f"POST {BORROW} HTTP/1.1\r\nHost: a\r\nX-MBX-APIKEY: {KEY}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    ).encode()


def _until_closed(port: int, data: bytes, wait: float = 3.0) -> tuple[bytes, bool]:
    """Everything the server sends on one connection, and whether it closed it within ``wait`` (the servers
    below idle for longer, so a close seen here is the server's answer, not its idle timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                return out, False
            except ConnectionResetError:
                return out, True
            if not chunk:
                return out, True
            out += chunk


def _answers(raw: bytes) -> int:
    """How many HTTP answers ``raw`` holds, one after another (each framed by its Content-Length)."""
    n = 0
    while raw:
        head, sep, rest = raw.partition(b"\r\n\r\n")
        assert sep and head.startswith(b"HTTP/1."), raw[:200]
        length = next(
            int(v)
            for k, _, v in (line.partition(b":") for line in head.split(b"\r\n")[1:])
            if k.strip().lower() == b"content-length"
        )
        raw, n = rest[length:], n + 1
    return n


def _smuggle(framing: bytes, clock: Clock) -> bytes:
    inner = _signed_borrow(clock)
    outer_body = b"0\r\n\r\n" + inner
    return (
        b"GET /sapi/v1/margin/loan-groups/closed HTTP/1.1\r\nHost: a\r\n"
        + framing.replace(b"{n}", str(len(outer_body)).encode())
        + b"\r\n"
        + outer_body
    )


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: {n}\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: {n}\r\n",
        b"Content-Length: {n}\r\nTransfer-Encoding:\tchunked\r\n",
        b"Content-Length: {n}\r\ntransfer-encoding: CHUNKED\r\n",
        b"Content-Length: {n}\r\nTransfer-Encoding: chunked, chunked\r\n",
        b"Content-Length: {n}\r\nX-Pad: a\r\n\tTransfer-Encoding: chunked\r\n",  # obs-fold
        b"Transfer-Encoding:\r\n chunked\r\n",  # obs-fold: a front end may read no Transfer-Encoding here
        b"Content-Length: {n}\r\nTransfer_Encoding: chunked\r\n",  # '_' for '-': a front end may map it
        b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    ],
)
def test_an_ambiguously_framed_request_is_refused_and_its_hidden_request_never_runs(framing):
    clock = Clock()
    with Sandbox(clock=clock).serve(idle_timeout=30) as server:
        borrows = len(server.sandbox.state.records["borrowRepay"])
        raw, closed = _until_closed(server.server.effective_port, _smuggle(framing, clock))
        assert closed, "the connection was kept open after an ambiguously framed request"
        assert _answers(raw) == 1, raw  # one answer: the hidden request got none
        assert error_of(raw) == (400, -1000)
        assert len(server.sandbox.state.records["borrowRepay"]) == borrows
        assert all(r.path != BORROW for r in server.sandbox.recorded)


def test_transfer_encoding_in_an_http_1_0_request_is_refused():
    """RFC 9112 §6.1: HTTP/1.0 has no Transfer-Encoding, so the framing is faulty whatever Content-Length says."""
    clock = Clock()
    with Sandbox(clock=clock).serve(idle_timeout=30) as server:
        inner = _signed_borrow(clock)
        request = (
            b"POST /sapi/v1/margin/loan-group HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
            + inner
        )
        raw, closed = _until_closed(server.server.effective_port, request)
        assert closed and _answers(raw) == 1, raw
        assert error_of(raw) == (400, -1000)
        assert all(r.path != BORROW for r in server.sandbox.recorded)


@pytest.mark.parametrize(
    "framing,status",
    [
        (b"Content-Length: 5\r\nContent-Length: 5\r\n", 400),  # a repeated Content-Length, even the same value
        (b"Content-Length: 5, 5\r\n", 400),
        (b"Transfer-Encoding: gzip\r\n", 501),  # no transfer coding but chunked
        (b"Transfer-Encoding: gzip, chunked\r\n", 501),
        (b"Transfer-Encoding: chunked, gzip\r\n", 501),
    ],
)
def test_other_framing_ambiguities_are_refused_and_the_connection_closed(framing, status):
    with Sandbox(clock=Clock()).serve(idle_timeout=30) as server:
        raw, closed = _until_closed(
            server.server.effective_port,
            b"POST /sapi/v1/margin/loan-group HTTP/1.1\r\nHost: a\r\n" + framing + b"\r\nhello",
        )
    assert closed and _answers(raw) == 1, raw
    assert error_of(raw) == (status, -1000)


def test_a_pipelined_request_after_a_plain_one_is_still_answered(srv):
    """The refusal is for ambiguity only: two well-framed requests on one connection get two answers."""
    one = b"GET /nothing HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"
    raw, _ = _until_closed(srv.server.effective_port, one + one.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
    assert _answers(raw) == 2 and raw.count(b"HTTP/1.1 404 ") == 2, raw


def test_control_bytes_in_a_request_line_reach_the_log_escaped():
    lines: list[str] = []
    with Sandbox(clock=Clock(), log=lines.append).serve(idle_timeout=IDLE) as server:
        raw = exchange(server, b"GET /sapi/v1/\x1b[2J\x1b]0;owned\x07\x08\x08x HTTP/1.1\r\nHost: a\r\n\r\n")
    assert error_of(raw) == (404, -1000)
    assert len(lines) == 1 and lines[0].isprintable(), lines
    assert "/sapi/v1/\\x1b[2J\\x1b]0;owned\\x07\\x08\\x08x 404" in lines[0]


def test_serve_is_the_sandbox_s_own_method_not_one_patched_on_at_import():
    from doccontract.sandbox.gateway import Sandbox as GatewaySandbox

    assert GatewaySandbox.serve.__qualname__ == "Sandbox.serve" and "serve" in vars(GatewaySandbox)


def _contracts_with_wording(folder, wording: str):
    import shutil

    from helpers import ROOT

    shutil.copytree(ROOT / "contracts", folder)
    errors = json.loads((folder / "errors.json").read_text(encoding="utf-8"))
    (entry,) = [c for c in errors["codes"] if c["code"] == -2015]
    entry["messages"]["en"] = [wording]
    (folder / "errors.json").write_text(json.dumps(errors), encoding="utf-8")
    return folder


def test_each_sandbox_words_errors_from_its_own_contracts_folder(tmp_path):
    """The catalogue is the sandbox's: loading a second folder does not reword the first's answers."""
    first = Sandbox(contracts=_contracts_with_wording(tmp_path / "a", "Key unknown to folder A."), clock=Clock())
    second = Sandbox(contracts=_contracts_with_wording(tmp_path / "b", "Key unknown to folder B."), clock=Clock())
    with first.serve(threads=1) as a, second.serve(threads=1) as b:
        for server, wording in ((a, "A"), (b, "B"), (a, "A")):
            r = requests.get(
                f"{server.url}/sapi/v1/margin/loan-group/ltv-details",
                headers={"X-MBX-APIKEY": "no-such-key-1234"},
                timeout=10,
            )
            assert (r.status_code, r.json()) == (401, {"code": -2015, "msg": f"Key unknown to folder {wording}."})


def _failing(sandbox: Sandbox) -> Sandbox:
    """A sandbox whose close handler has a bug (as a pytest-httpserver handler might)."""

    def broken(call):
        raise ZeroDivisionError("a bug in the handler")

    sandbox.routes["/sapi/v1/margin/loan-group"]["DELETE"].handler = broken
    return sandbox


def test_an_internal_error_is_answered_as_a_500_and_kept():
    sandbox = _failing(Sandbox(clock=Clock()))
    with sandbox.serve(threads=1) as server:
        r = call(server, "DELETE", "/sapi/v1/margin/loan-group", {"groupId": 10001})
    assert r.status_code == 500 and r.json()["code"] == -1000 and "ZeroDivisionError" in r.json()["msg"]
    assert [type(e) for e in sandbox.internal_errors] == [ZeroDivisionError]


def test_the_serve_sandbox_fixture_re_raises_a_hidden_internal_error_at_teardown():
    from helpers import sandboxes_served  # what the serve_sandbox fixture runs

    with pytest.raises(ZeroDivisionError, match="a bug in the handler"):
        with sandboxes_served() as serve:
            server = serve(_failing(Sandbox(clock=Clock())), threads=1)
            assert call(server, "DELETE", "/sapi/v1/margin/loan-group", {"groupId": 10001}).status_code == 500
