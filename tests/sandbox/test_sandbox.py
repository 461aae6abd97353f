"""The sandbox as Binance behaves: reading requests, auth, weight, concurrency, state files, the command."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import urlencode

import pytest
import requests
from helpers import ROOT, UNIT_NOT_FOUND, Clock, pem_pair, sandbox_process
from hypothesis import given, settings
from hypothesis import strategies as st

from doccontract.sandbox import ApiError, Sandbox, State, StateError
from doccontract.sandbox.gateway import console_log
from doccontract.sandbox.models.institutional_loan import Call, InstitutionalLoan
from doccontract.wire.signing import Signer

KEY, SECRET = "demo-credit-key-2001", "demo-credit-secret-2001"
PARENT = ("demo-parent-key-0001", "demo-parent-secret-0001")
PATH = "/sapi/v1/margin/loan-group"
DEMO = ROOT / "tools/doccontract/data/sandbox_state.json"


def stored(path) -> dict:
    """The state a sandbox committed to ``path``, read as a new sandbox would (the store's lock taken and released)."""
    from doccontract.sandbox.store import Store

    store = Store.open(path)
    try:
        return store.load().to_json()
    finally:
        store.close()


def signed(query: str, body: str = "", secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), (query + body).encode(), hashlib.sha256).hexdigest()


def call(
    server,
    method: str,
    path: str,
    params: dict | None = None,
    key: str = KEY,
    secret: str = SECRET,
    clock: Clock | None = None,
    in_body: bool = False,
):
    """A signed request the way Binance documents it; parameters in the query (or the form body)."""
    items = dict(params or {})
    items.setdefault("timestamp", (clock or server.sandbox.clock).ms())
    text = urlencode(items)
    headers = {"X-MBX-APIKEY": key}
    if in_body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return requests.request(
            method,
            f"{server.url}{path}",
            data=f"{text}&signature={signed('', text, secret)}",
            headers=headers,
            timeout=10,
        )
    return requests.request(
        method, f"{server.url}{path}?{text}&signature={signed(text, '', secret)}", headers=headers, timeout=10
    )


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def srv(clock, serve_sandbox):
    return serve_sandbox(Sandbox(clock=clock))  # an internal error behind a 500 fails the test at teardown


def delete(srv, query: str, body: str = "", key: str = KEY):
    headers = {"X-MBX-APIKEY": key}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return requests.delete(f"{srv.url}{PATH}?{query}", data=body or None, headers=headers, timeout=10)


def test_parameters_in_the_body_and_signature_anywhere(srv, clock):
    q = f"timestamp={clock.ms()}"
    body = "groupId=10001&recvWindow=5000"
    r = delete(srv, f"signature={signed(q, body)}&{q}", body)
    assert r.status_code == 200 and r.json() == {"groupId": 10001, "status": "CLOSED"}


def test_a_parameter_in_query_and_body_takes_the_querys_value(srv, clock):
    q = f"groupId=10001&timestamp={clock.ms()}"
    body = "groupId=10002"
    r = delete(srv, f"{q}&signature={signed(q, body)}", body)
    assert r.json() == {"groupId": 10001, "status": "CLOSED"}, r.text


def test_timestamp_in_microseconds_and_recv_window_with_decimals(srv, clock):
    q = f"groupId=10001&timestamp={clock.ms() * 1000}&recvWindow=5000.125"
    assert delete(srv, f"{q}&signature={signed(q)}").status_code == 200


@pytest.mark.parametrize("kind", ["RSA", "ED25519"])
def test_rsa_and_ed25519_keys(kind, clock):
    private, public = pem_pair(kind)
    state = json.loads(DEMO.read_text())
    state["accounts"].append({"uid": 2009, "role": "credit", "apiKey": "asymmetric-key-2009", "publicKey": public})
    state["riskUnits"].append({"groupId": 777, "status": "ACTIVE", "creditUid": 2009})
    with Sandbox(State.from_json(state), clock=clock).serve() as server:
        query = f"groupId=777&timestamp={clock.ms()}"
        for signer, code in ((Signer(private_key=private), None), (Signer(private_key=pem_pair(kind)[0]), -1022)):
            sig = requests.utils.quote(signer.sign(query), safe="")
            r = requests.delete(
                f"{server.url}{PATH}?{query}&signature={sig}",
                headers={"X-MBX-APIKEY": "asymmetric-key-2009"},
                timeout=10,
            )
            assert r.json().get("code") == code, r.text


@pytest.mark.parametrize(
    "query_fn,code",
    [
        (lambda ms: f"groupId=10001&timestamp={ms}&recvWindow=60001", -1131),
        (lambda ms: f"groupId=10001&timestamp={ms + 5000}", -1021),
        (lambda ms: f"groupId=10001&timestamp={ms - 10_000}&recvWindow=5000", -1021),
        (lambda ms: f"groupId=10001&groupId=10002&timestamp={ms}", -1101),
        (lambda ms: f"groupId=abc&timestamp={ms}", -1100),
        (lambda ms: f"groupId=&timestamp={ms}", -1102),
        (lambda ms: "groupId=10001&timestamp=soon", -1100),
        (lambda ms: f"groupId=10001&timestamp={ms}&color=red", -1104),
        (lambda ms: "groupId=10001", -1102),
        (lambda ms: f"groupId=%FF&timestamp={ms}", -1100),
    ],
)
def test_binance_error_codes(srv, clock, query_fn, code):
    q = query_fn(clock.ms())
    r = delete(srv, f"{q}&signature={signed(q)}")
    assert r.status_code == 400 and r.json()["code"] == code, r.text
    assert set(r.json()) == {"code", "msg"}


def test_a_missing_parameter_is_named(srv, clock):
    assert "'timestamp'" in delete(srv, "groupId=10001").json()["msg"]
    q = f"timestamp={clock.ms()}"
    assert "'groupId'" in delete(srv, f"{q}&signature={signed(q)}").json()["msg"]


@pytest.mark.parametrize("signature", ["%C3%A9", "%FF", "%00", "abc%20def", "+" * 90])
def test_any_signature_bytes_get_an_answer(srv, clock, signature):
    q = f"groupId=10001&timestamp={clock.ms()}"
    r = delete(srv, f"{q}&signature={signature}")
    assert r.status_code == 400 and r.json()["code"] in (-1022, -1100), r.text


def test_missing_signature_and_wrong_key(srv, clock):
    q = f"groupId=10001&timestamp={clock.ms()}"
    assert delete(srv, q).json() == {
        "code": -1102,
        "msg": "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
    }
    r = delete(srv, f"{q}&signature={signed(q)}", key="not a key!")
    assert (r.status_code, r.json()["code"]) == (401, -2014)
    r = delete(srv, f"{q}&signature={signed(q)}", key="unknown-key-123456")
    assert (r.status_code, r.json()["code"]) == (401, -2015)
    r = delete(srv, f"{q}&signature={signed(q)}", key="demo-collateral-key-3001")
    assert r.json()["code"] == -1022  # signed with another account's secret
    r = delete(srv, f"{q}&signature={signed(q, secret='demo-collateral-secret-3001')}", key="demo-collateral-key-3001")
    assert (r.status_code, r.json()["code"]) == (
        401,
        -2015,
    )  # the contract's caller: "only ... from the credit account"
    r = delete(srv, f"{q}&signature={signed(q, secret='demo-credit-secret-2002')}", key="demo-credit-key-2002")
    assert r.json()["code"] == UNIT_NOT_FOUND  # a credit account, but not this unit's


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND"])
def test_every_method_gets_binance_json(srv, method):
    r = requests.request(method, f"{srv.url}{PATH}", timeout=10)
    assert r.status_code == 405 and r.headers["Allow"] == "DELETE"
    assert r.headers["Content-Type"].startswith("application/json")
    if method != "HEAD":
        assert set(r.json()) == {"code", "msg"} and method in r.json()["msg"]
    r = requests.request(method, f"{srv.url}/sapi/v1/nothing-here", timeout=10)
    assert r.status_code == 404
    if method != "HEAD":
        assert "/sapi/v1/nothing-here" in r.json()["msg"]


def test_close_unlinks_collateral_and_keeps_other_units(srv, clock):
    q = f"groupId=10001&timestamp={clock.ms()}"
    assert delete(srv, f"{q}&signature={signed(q)}").status_code == 200
    units = srv.sandbox.state.units
    assert units[10001].status == "CLOSED" and units[10001].members == [] and units[10001].close_time == clock.ms()
    assert units[10002].status == "ACTIVE" and units[10002].collateral_uids == [3003]


def test_concurrent_closes_of_one_unit_give_exactly_one_closed(srv, clock):
    def close(_):
        q = f"groupId=10001&timestamp={clock.ms()}"
        r = delete(srv, f"{q}&signature={signed(q)}")
        return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(close, range(40)))
    assert sum(a == (200, {"groupId": 10001, "status": "CLOSED"}) for a in answers) == 1
    assert sum(a[0] == 400 and a[1]["code"] == UNIT_NOT_FOUND for a in answers) == 39
    assert (
        srv.sandbox.limits.used[("UID", 2001, "DELETE /sapi/v1/margin/loan-group")][1] == 40 * 1000
    )  # every call's weight counted, none lost


def test_uid_weight_limit_gives_429_with_retry_after(clock):
    with Sandbox(clock=clock).serve() as server:
        for i in range(180):
            r = call(server, "DELETE", PATH, {"groupId": 424242})
            assert (
                r.headers["X-SAPI-USED-UID-WEIGHT-1M"] == str((i + 1) * 1000)
                and "X-SAPI-USED-IP-WEIGHT-1M" not in r.headers
            )
        r = call(server, "DELETE", PATH, {"groupId": 424242})
        assert r.status_code == 429 and r.json()["code"] == -1003 and "180000" in r.json()["msg"]
        assert r.headers["Retry-After"] == "30"
        clock.t += 31  # the next minute window
        assert call(server, "DELETE", PATH, {"groupId": 424242}).headers["X-SAPI-USED-UID-WEIGHT-1M"] == "1000"


def test_ip_weight_is_counted_per_address_and_endpoint_with_its_header(clock):
    with Sandbox(clock=clock, ip_limit=25).serve() as server:
        path = "/sapi/v1/margin/loan-groups/activated"  # 10(IP)
        for used in ("10", "20"):
            r = call(server, "GET", path, key=PARENT[0], secret=PARENT[1])
            assert (
                r.status_code == 200
                and r.headers["X-SAPI-USED-IP-WEIGHT-1M"] == used
                and "X-SAPI-USED-UID-WEIGHT-1M" not in r.headers
            )
        r = call(server, "GET", path, key=PARENT[0], secret=PARENT[1])
        assert r.status_code == 429 and r.json()["code"] == -1003 and r.headers["Retry-After"] == "30"
        # SAPI counts each endpoint apart ("each endpoint with IP limits has an independent ... limit")
        assert call(server, "GET", "/sapi/v1/margin/loan-groups/closed").headers["X-SAPI-USED-IP-WEIGHT-1M"] == "1"


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda s: s.pop("accounts"), "'accounts' is a required property"),
        (lambda s: s["accounts"][1].update(role="owner"), "at /accounts/1/role"),
        (lambda s: s["riskUnits"][0].update(creditUid=3001), "3001 is not a credit account"),
        (lambda s: s["riskUnits"][1].update(groupId=10001), "groupId 10001 used twice"),
        (lambda s: s["accounts"][0].pop("secret"), "at /accounts/0"),
        (
            lambda s: s["riskUnits"][0]["liabilities"][0].update(principal="-1"),
            "at /riskUnits/0/liabilities/0/principal",
        ),
        (lambda s: s["accounts"][1].update(secret="has a space"), "at /accounts/1/secret"),
        (lambda s: s["accounts"][1].update(apiKey="key\n"), "at /accounts/1/apiKey"),
        (lambda s: s["accounts"][1].update(apiKey="demo-credit-key-2001\n"), "at /accounts/1/apiKey"),
        (lambda s: s["accounts"][1].update(secret="demo-credit-secret-2001\n"), "at /accounts/1/secret"),
        (
            lambda s: (
                s["accounts"][1].pop("secret")
                and s["accounts"][1].update(publicKey="-----BEGIN PUBLIC KEY-----\nnot a key\n")
            ),
            "not a readable PEM public key",
        ),
        (lambda s: s["riskUnits"][1]["members"].append({"uid": 3001}), "3001 is already in active risk unit 10001"),
        (lambda s: s.update(format=99), "at /format"),
    ],
)
def test_bad_state_files_are_refused_with_the_place_named(tmp_path, mutate, message):
    state = json.loads(DEMO.read_text())
    mutate(state)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state))
    with pytest.raises(StateError) as exc:
        State.load(path)
    assert str(exc.value).startswith(str(path)) and message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_state_is_read_with_a_size_limit(tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (9 * 1024 * 1024))
    with pytest.raises(StateError, match="larger than"):
        State.load(big)
    with pytest.raises(StateError, match="a device, not a state file"):  # refused before any read
        State.load("/dev/zero")


def test_state_round_trips_through_its_file(tmp_path):
    state = State.load()
    path = tmp_path / "s.db"
    from doccontract.sandbox.store import Store

    store = Store.open(path, create=True)
    store.save(state)
    store.close()
    assert stored(path) == state.to_json()
    assert [p.name for p in tmp_path.iterdir()] == ["s.db"]  # no journal or temporary file left behind


def test_sandbox_command_serves_and_refuses_bad_state(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = subprocess.run(
        [sys.executable, "-m", "doccontract", "sandbox", "--state", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and f"{bad}: not JSON" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "doccontract", "sandbox", "--persist"], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2 and "--state" in r.stderr
    proc, url = sandbox_process()
    try:
        assert url.startswith("http://127.0.0.1:")
        q = f"groupId=10001&timestamp={int(__import__('time').time() * 1000)}"
        r = requests.delete(f"{url}{PATH}?{q}&signature={signed(q)}", headers={"X-MBX-APIKEY": KEY}, timeout=10)
        assert r.json() == {"groupId": 10001, "status": "CLOSED"}
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0


@pytest.mark.parametrize(
    "args,message",
    [
        (["--port", "99999"], "--port 99999"),
        (["--contracts", "no-such-folder"], "no-such-folder"),
        (["--state", "/dev/zero"], "a device, not a state file"),
        (["--idle-timeout", "0"], "--idle-timeout"),
        (["--reset"], "--state"),
    ],
)
def test_sandbox_command_mistakes_are_one_line_exit_2(args, message):
    r = subprocess.run(
        [sys.executable, "-m", "doccontract", "sandbox", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_persist_keeps_what_happened_across_a_restart_and_reset_restores_the_demo(tmp_path):
    import time

    state = tmp_path / "state.json"
    for attempt, expected in ((1, {"groupId": 10001, "status": "CLOSED"}), (2, {"code": UNIT_NOT_FOUND})):
        proc, url = sandbox_process("--state", str(state), "--persist", *(["--reset"] if attempt == 1 else []))
        try:
            q = f"groupId=10001&timestamp={int(time.time() * 1000)}"
            body = requests.delete(
                f"{url}{PATH}?{q}&signature={signed(q)}", headers={"X-MBX-APIKEY": KEY}, timeout=10
            ).json()
            assert {k: body[k] for k in expected} == expected
        finally:
            proc.terminate()
            assert proc.wait(timeout=20) == 0
    saved = stored(state)
    assert next(u for u in saved["riskUnits"] if u["groupId"] == 10001)["status"] == "CLOSED"
    proc, url = sandbox_process("--state", str(state), "--reset")
    proc.terminate()
    proc.wait(timeout=20)
    assert next(u for u in stored(state)["riskUnits"] if u["groupId"] == 10001)["status"] == "ACTIVE"


def test_one_log_line_per_request_without_key_or_signature(clock):
    lines: list[str] = []
    with Sandbox(clock=clock, log=lines.append).serve() as server:
        q = f"groupId=10001&timestamp={clock.ms()}"
        sig = signed(q)
        delete(server, f"{q}&signature={sig}")
        requests.get(f"{server.url}/sapi/v1/{KEY}/x?signature={sig}", headers={"X-MBX-APIKEY": KEY}, timeout=10)
    assert len(lines) == 2
    assert lines[0].split()[1:5] == ["DELETE", PATH, "200", "code=-"] and "weight=UID:1000" in lines[0]
    assert " 404 code=-1000 " in lines[1]
    assert not any(KEY in line or sig in line for line in lines)


# clear screen, retitle, bell, backspaces, CR/LF, NUL, DEL, CSI, RLO
CONTROLS = "\x1b[2J\x1b]0;owned\x07\x08\x08\r\n\x00\x7f\x9b\u202e"


def test_control_characters_from_a_request_reach_the_log_escaped(clock):
    lines: list[str] = []
    sandbox = Sandbox(clock=clock, log=lines.append)
    sandbox.handle("GET", f"/sapi/v1/{CONTROLS}?a={CONTROLS}", b"", {}, client=f"127.0.0.1{CONTROLS}")
    sandbox.handle(f"G{CONTROLS}T", "/x", b"", {})
    assert len(lines) == 2
    for line in lines:
        assert line.isprintable(), repr(line)
    assert "\\x1b[2J" in lines[0] and "\\x07" in lines[0]  # escaped, not dropped: the log shows what was sent


def test_the_console_log_escapes_control_characters(capfd):
    console_log(f"a line {CONTROLS} with controls")
    err = capfd.readouterr().err
    assert err.startswith("sandbox: a line ") and err.endswith(" with controls\n")
    assert err[:-1].isprintable(), repr(err)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(where=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=4), value=JSON_VALUES)
def test_fuzz_a_mutated_state_is_used_or_refused_with_one_line(where, value):
    """Any value at any place of the demo state: a State, or a StateError naming the place; nothing else escapes."""
    data = json.loads(DEMO.read_text())
    node = data
    for i in where[:-1]:
        keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
        if not keys or not isinstance(node[keys[i % len(keys)]], (dict, list)):
            break
        node = node[keys[i % len(keys)]]
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    if keys:
        node[keys[where[-1] % len(keys)]] = value
    try:
        state = State.from_json(data, "state.json")
    except StateError as exc:
        assert str(exc).startswith("state.json: ") and "\n" not in str(exc)
        return
    # a state that loads serves: every endpoint, for every account, answers or refuses in Binance's terms
    model = InstitutionalLoan(state, Clock())
    one = {"groupId": 10001, "assetName": "USDT", "asset": "USDT", "amount": Decimal("1")}
    params = {
        "/sapi/v1/margin/loan-group/borrow-repay": {"type": "BORROW"},
        "/sapi/v1/margin/loan-group/edit-member": {
            "groupId": 10001,
            "subEmail": "collateral3006@demo.test",
            "enableSpot": True,
            "enableMargin": True,
        },
    }
    for account in list(state.accounts.values())[:6]:
        for path, (method, handler) in model.handlers.items():
            try:
                model.run(handler, Call(account, dict(params.get(path, one if method != "GET" else {})), Clock().ms()))
            except ApiError:
                pass
