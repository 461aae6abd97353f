"""The sandbox as Binance behaves: reading requests, rules, weight, concurrency, state files."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
import requests
from helpers import ROOT, sandbox_process
from test_signing import pem_pair

from doccontract.sandbox import Sandbox, State, StateError
from doccontract.signing import Signer

KEY, SECRET = "demo-credit-key-2001", "demo-credit-secret-2001"
PATH = "/sapi/v1/margin/loan-group"


def now_ms() -> int:
    return int(time.time() * 1000)


def signed(query: str, body: str = "", secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), (query + body).encode(), hashlib.sha256).hexdigest()


def delete(srv, query: str, body: str = "", key: str = KEY, ctype: str = "application/x-www-form-urlencoded"):
    headers = {"X-MBX-APIKEY": key}
    if body:
        headers["Content-Type"] = ctype
    return requests.delete(f"{srv.url}{PATH}?{query}", data=body or None, headers=headers, timeout=5)


@pytest.fixture
def srv():
    with Sandbox().serve() as server:
        yield server


def test_parameters_in_the_body_and_signature_anywhere(srv):
    q = f"timestamp={now_ms()}"
    body = "groupId=10001&recvWindow=5000"
    r = delete(srv, f"signature={signed(q, body)}&{q}", body)
    assert r.status_code == 200 and r.json() == {"groupId": 10001, "status": "CLOSED"}


def test_a_third_party_client_signing_the_binance_way_works_unchanged(srv):
    """python-binance style: urlencode (quote_plus) the params in any order, HMAC hex appended."""
    params = {"recvWindow": 10000, "timestamp": now_ms(), "groupId": 10001}
    query = urlencode(params)
    r = delete(srv, f"{query}&signature={signed(query)}")
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("kind", ["RSA", "ED25519"])
def test_rsa_and_ed25519_keys(tmp_path, kind):
    private, public = pem_pair(kind)
    state = json.loads((ROOT / "tools/doccontract/data/sandbox_state.json").read_text())
    state["accounts"].append({"uid": 2009, "role": "credit", "apiKey": "asymmetric-key-2009", "publicKey": public})
    state["riskUnits"].append({"groupId": 777, "status": "ACTIVE", "creditUid": 2009, "collateralUids": []})
    with Sandbox(State.from_json(state)).serve() as server:
        query = f"groupId=777&timestamp={now_ms()}"
        sig = Signer(private_key=private).sign(query)
        r = requests.delete(
            f"{server.url}{PATH}?{query}&signature={requests.utils.quote(sig, safe='')}", headers={"X-MBX-APIKEY": "asymmetric-key-2009"}, timeout=5
        )
        assert r.status_code == 200, r.text
        bad = Signer(private_key=pem_pair(kind)[0]).sign(query)
        r = requests.delete(
            f"{server.url}{PATH}?{query}&signature={requests.utils.quote(bad, safe='')}", headers={"X-MBX-APIKEY": "asymmetric-key-2009"}, timeout=5
        )
        assert r.json()["code"] == -1022


@pytest.mark.parametrize(
    "query_fn,code",
    [
        (lambda: f"groupId=10001&timestamp={now_ms()}&recvWindow=60001", -1131),
        (lambda: f"groupId=10001&timestamp={now_ms() + 5000}", -1021),
        (lambda: f"groupId=10001&timestamp={now_ms() - 10_000}&recvWindow=5000", -1021),
        (lambda: f"groupId=10001&groupId=10002&timestamp={now_ms()}", -1101),
        (lambda: f"groupId=abc&timestamp={now_ms()}", -1100),
        (lambda: f"groupId=&timestamp={now_ms()}", -1102),
        (lambda: "groupId=10001&timestamp=soon", -1100),
        (lambda: f"groupId=10001&timestamp={now_ms()}&color=red", -1104),
    ],
)
def test_binance_error_codes(srv, query_fn, code):
    q = query_fn()
    r = delete(srv, f"{q}&signature={signed(q)}")
    assert r.status_code == 400 and r.json()["code"] == code, r.text
    assert set(r.json()) == {"code", "msg"}


def test_missing_signature_and_wrong_key(srv):
    q = f"groupId=10001&timestamp={now_ms()}"
    assert delete(srv, q).json() == {"code": -1102, "msg": "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."}
    r = delete(srv, f"{q}&signature={signed(q)}", key="not a key!")
    assert (r.status_code, r.json()["code"]) == (401, -2014)
    r = delete(srv, f"{q}&signature={signed(q)}", key="demo-collateral-key-3001")
    assert r.json()["code"] == -1022  # signed with another account's secret
    q2 = f"groupId=10001&timestamp={now_ms()}"
    r = delete(srv, f"{q2}&signature={signed(q2, secret='demo-collateral-secret-3001')}", key="demo-collateral-key-3001")
    assert r.json()["code"] == -27001  # only the unit's credit account may close it


def test_unknown_path_and_method(srv):
    assert requests.get(f"{srv.url}/sapi/v1/other", timeout=5).status_code == 404
    assert requests.get(f"{srv.url}{PATH}", timeout=5).status_code == 405


def test_close_unlinks_collateral_and_keeps_other_units(srv):
    q = f"groupId=10001&timestamp={now_ms()}"
    assert delete(srv, f"{q}&signature={signed(q)}").status_code == 200
    units = srv.sandbox.state.units
    assert units[10001].status == "CLOSED" and units[10001].collateral_uids == []
    assert units[10002].status == "ACTIVE" and units[10002].collateral_uids == [3001]


def test_concurrent_closes_of_one_unit_give_exactly_one_closed(srv):
    def close(_):
        q = f"groupId=10001&timestamp={now_ms()}"
        r = delete(srv, f"{q}&signature={signed(q)}")
        return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(close, range(40)))
    assert sum(a == (200, {"groupId": 10001, "status": "CLOSED"}) for a in answers) == 1
    assert sum(a[0] == 400 and a[1]["code"] == -27001 for a in answers) == 39
    assert srv.sandbox._used[2001][1] == 40 * 1000  # every call's weight counted, none lost


def test_uid_weight_limit_gives_429_with_retry_after():
    clock = [1_800_000_000.0 + 30]  # 30 s into a minute
    sandbox = Sandbox(clock=lambda: clock[0])
    with sandbox.serve() as server:

        def call():
            q = f"groupId=424242&timestamp={int(clock[0] * 1000)}"
            return delete(server, f"{q}&signature={signed(q)}")

        for i in range(180):
            r = call()
            assert r.headers["X-SAPI-USED-UID-WEIGHT-1M"] == str((i + 1) * 1000)
        r = call()
        assert r.status_code == 429 and r.json()["code"] == -1003
        assert r.headers["Retry-After"] == "30"
        clock[0] += 31  # the next minute window
        assert call().headers["X-SAPI-USED-UID-WEIGHT-1M"] == "1000"


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda s: s.pop("accounts"), "'accounts' is a required property"),
        (lambda s: s["accounts"][1].update(role="owner"), "at /accounts/1/role"),
        (lambda s: s["riskUnits"][0].update(creditUid=3001), "3001 is not a credit account"),
        (lambda s: s["riskUnits"][1].update(groupId=10001), "groupId 10001 used twice"),
        (lambda s: s["accounts"][0].pop("secret"), "at /accounts/0"),
        (lambda s: s["riskUnits"][0]["liabilities"][0].update(principal="-1"), "at /riskUnits/0/liabilities/0/principal"),
    ],
)
def test_bad_state_files_are_refused_with_the_place_named(tmp_path, mutate, message):
    state = json.loads((ROOT / "tools/doccontract/data/sandbox_state.json").read_text())
    mutate(state)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state))
    with pytest.raises(StateError) as exc:
        State.load(path)
    assert str(exc.value).startswith(str(path)) and message in str(exc.value)


def test_sandbox_command_serves_and_refuses_bad_state(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = subprocess.run([sys.executable, "-m", "doccontract", "sandbox", "--state", str(bad)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and f"{bad}: not JSON" in r.stderr
    proc, url = sandbox_process()
    try:
        assert url.startswith("http://127.0.0.1:")
        q = f"groupId=10001&timestamp={now_ms()}"
        r = requests.delete(f"{url}{PATH}?{q}&signature={signed(q)}", headers={"X-MBX-APIKEY": KEY}, timeout=5)
        assert r.json() == {"groupId": 10001, "status": "CLOSED"}
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
