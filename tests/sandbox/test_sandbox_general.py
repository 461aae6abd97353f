"""Binance's general endpoints on the sandbox: ping and server time, weighed like Binance, read by our
client's ``sync_time``; and SAPI weight counted per endpoint, as general-info.md says."""

from __future__ import annotations

import pytest
import requests
from helpers import Clock

from doccontract.client import Client
from doccontract.contract.general import GENERAL_CONTRACTS, PING_CONTRACT, SERVER_TIME_CONTRACT, missing_from
from doccontract.contract.registry import Operation
from doccontract.sandbox import Sandbox

KEY, SECRET = "demo-credit-key-2001", "demo-credit-secret-2001"


def test_ping_and_server_time_answer_as_the_general_endpoints_page_documents():
    clock = Clock()
    with Sandbox(clock=clock).serve() as server:
        ping = requests.get(f"{server.url}/api/v3/ping", timeout=5)
        assert ping.status_code == 200 and ping.json() == {}
        first = requests.get(f"{server.url}/api/v3/time", timeout=5)
        clock.t += 1.5
        second = requests.get(f"{server.url}/api/v3/time", timeout=5)
    assert first.json() == {"serverTime": clock.ms() - 1500} and second.json() == {"serverTime": clock.ms()}
    # weight 1 each, spot's request weight per IP over all /api/ endpoints, in spot's header
    assert [r.headers["X-MBX-USED-WEIGHT-1M"] for r in (ping, first, second)] == ["1", "2", "3"]
    assert "X-SAPI-USED-IP-WEIGHT-1M" not in ping.headers


def test_general_endpoints_take_no_key_and_refuse_other_methods_and_parameters():
    with Sandbox(clock=Clock()).serve() as server:
        r = requests.get(f"{server.url}/api/v3/time", headers={"X-MBX-APIKEY": "not a key!"}, timeout=5)
        assert r.status_code == 200  # security NONE: the key is not read
        r = requests.post(f"{server.url}/api/v3/ping", timeout=5)
        assert r.status_code == 405 and r.json()["code"] == -1000
        r = requests.get(f"{server.url}/api/v3/time?symbol=BTCUSDT", timeout=5)
        assert r.status_code == 400 and r.json()["code"] == -1104


def test_a_folder_that_documents_a_general_endpoint_keeps_its_own():
    own = {**SERVER_TIME_CONTRACT, "id": "my/time", "weight": {"value": 7, "unit": "IP", "limit": "IP", "header": None}}
    assert [c["path"] for c in missing_from([("get", "/api/v3/time")])] == ["/api/v3/ping"]
    with Sandbox(operations=[Operation.from_contract(own)], clock=Clock()).serve() as server:
        r = requests.get(f"{server.url}/api/v3/time", timeout=5)
        assert r.headers["X-MBX-USED-WEIGHT-1M"] == "7"  # the folder's contract, not the built-in one
        assert requests.get(f"{server.url}/api/v3/ping", timeout=5).json() == {}
    assert {c["path"] for c in GENERAL_CONTRACTS} == {"/api/v3/ping", "/api/v3/time"} and PING_CONTRACT["weight"][
        "value"
    ] == 1


def test_our_client_syncs_its_clock_with_the_sandbox():
    """Found in use: ``Client(sync_time=True)`` got a 404 from the sandbox and signed with the local clock."""
    sandbox_clock = Clock()
    with Sandbox(clock=sandbox_clock).serve() as server:
        local = Clock(sandbox_clock.t - 30)  # our clock 30 s behind: every signed call would be -1021
        client = Client(KEY, secret=SECRET, base_url=server.url, clock=local, sync_time=True)
        result = client.call("GET /sapi/v1/margin/loan-groups/closed")
        assert abs(client.offset_ms - 30_000) < 1 and "rows" in result.data


def test_sapi_weight_is_counted_per_endpoint():
    """general-info.md: "Each endpoint with IP limits has an independent 12000 per minute limit" (UID
    likewise).  Found in use: one counter per IP made ltv-details (weight 200) starve every other endpoint."""
    clock = Clock()
    with Sandbox(clock=clock, ip_limit=400).serve() as server:
        client = Client(KEY, secret=SECRET, base_url=server.url, clock=clock, retries=0)
        for _ in range(2):
            client.call("GET /sapi/v1/margin/loan-group/ltv-details")
        from doccontract.client import RateLimited

        with pytest.raises(RateLimited):
            client.call("GET /sapi/v1/margin/loan-group/ltv-details")
        closed = client.call("GET /sapi/v1/margin/loan-groups/closed")  # its own counter: 1 of 400
        assert closed.weights["X-SAPI-USED-IP-WEIGHT-1M"] == 1
