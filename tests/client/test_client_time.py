"""Client(sync_time=True): Binance's clock measured once (GET /api/v3/time), so a local clock that is off
does not cost -1021.  Real HTTP on loopback: a scripted server, and the sandbox serving a time contract."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from helpers import ROOT, Clock, crawler_page
from stub import SLOW, StubServer

from doccontract.client import BinanceAPIError, Client, ClientError
from doccontract.contract.build import build
from doccontract.contract.registry import Registry
from doccontract.sandbox import Sandbox

KEY, SECRET = "demo-credit-key-2001", "demo-credit-secret-2001"
REG = Registry.load(ROOT / "contracts")
CLOSE = "DELETE /sapi/v1/margin/loan-group"
SERVER_MS = 1_767_700_000_123
LOCAL = 1_767_690_000.0  # ten thousand seconds behind the server

TIME_PAGE = """# Check Server Time (NONE)

## API Description

Test connectivity to the Rest API and get the current server time.

## HTTP Request

GET /api/v3/time

## Request Weight

1(IP)

## Request Parameters

NONE

## Response Example

```
{
  "serverTime": 1499827319559
}
```
"""


def _scripted(time_answer=None):
    """Answers /api/v3/time with SERVER_MS (or ``time_answer``) and a close with CLOSED."""

    def answer(seen):
        if urlsplit(seen.path).path == "/api/v3/time":
            return time_answer or (
                200,
                {"Content-Type": "application/json"},
                json.dumps({"serverTime": SERVER_MS}).encode(),
            )
        return 200, {"Content-Type": "application/json"}, b'{"groupId": 1, "status": "CLOSED"}'

    return StubServer(answer)


def _timestamps(srv) -> list[int]:
    sent = [
        dict(parse_qsl(urlsplit(s.path).query)) | dict(parse_qsl(s.body.decode()))
        for s in srv.seen
        if urlsplit(s.path).path != "/api/v3/time"
    ]
    return [int(params["timestamp"]) for params in sent]


def test_signed_requests_carry_the_servers_time_measured_once():
    with _scripted() as srv:
        client = Client(KEY, secret=SECRET, base_url=srv.url, contracts=REG, clock=lambda: LOCAL, sync_time=True)
        client.call(CLOSE, groupId=1)
        client.call(CLOSE, groupId=1)
        assert [urlsplit(s.path).path for s in srv.seen].count("/api/v3/time") == 1  # once per client
        assert (
            srv.seen[0].path == "/api/v3/time" and "x-mbx-apikey" not in srv.seen[0].headers
        )  # the key is not sent where it is not asked for
        assert all(abs(ts - SERVER_MS) <= 1 for ts in _timestamps(srv)), _timestamps(srv)
        assert abs(client.offset_ms - (SERVER_MS - LOCAL * 1000)) <= 1


def test_without_sync_time_the_local_clock_is_used_and_nothing_else_is_asked():
    with _scripted() as srv:
        Client(KEY, secret=SECRET, base_url=srv.url, contracts=REG, clock=lambda: LOCAL).call(CLOSE, groupId=1)
        assert [urlsplit(s.path).path for s in srv.seen] == ["/sapi/v1/margin/loan-group"]
        assert _timestamps(srv) == [int(LOCAL * 1000)]


@pytest.mark.parametrize(
    "time_answer,error",
    [
        (SLOW, ClientError),  # no answer within the client's deadline
        (
            (200, {"Content-Type": "application/json"}, b'{"serverTime": "soon"}'),
            ClientError,
        ),  # not the documented shape
        (
            (418, {"Content-Type": "application/json", "Retry-After": "60"}, b'{"code": -1003, "msg": "banned"}'),
            BinanceAPIError,
        ),
        (
            (200, {"Content-Type": "application/json"}, b'{"serverTime": 1e300}'),
            ClientError,
        ),  # a whole number, and no time
        (
            (200, {"Content-Type": "application/json"}, b'{"serverTime": 0}'),
            ClientError,
        ),  # 1970: no clock is that far off
    ],
)
def test_a_failed_measurement_sends_nothing_signed(time_answer, error):
    with _scripted(time_answer) as srv:
        client = Client(
            KEY, secret=SECRET, base_url=srv.url, contracts=REG, clock=lambda: LOCAL, timeout=0.5, sync_time=True
        )
        with pytest.raises(error) as exc:
            client.call(CLOSE, groupId=1)
        assert [urlsplit(s.path).path for s in srv.seen] == ["/api/v3/time"] and client.offset_ms is None
        assert KEY not in str(exc.value) and SECRET not in str(exc.value)


@pytest.fixture(scope="module")
def time_contract(tmp_path_factory) -> Registry:
    """GET /api/v3/time built from a page, as ``doccontract build`` makes it."""
    root = tmp_path_factory.mktemp("time")
    spec = root / "specs/binance/spot/check-server-time.md"
    spec.parent.mkdir(parents=True)
    spec.write_text(
        crawler_page(
            TIME_PAGE,
            TIME_PAGE.replace("Check Server Time", "获取服务器时间"),
            "https://developers.binance.com/docs/spot/check-server-time",
        )
    )
    build([root / "specs"], root / "contracts", use_cache=False)
    return Registry.load(root / "contracts")


def test_the_sandbox_answers_the_time_from_its_clock_and_the_client_keeps_to_it(time_contract):
    clock = Clock(SERVER_MS / 1000)
    ops = [*REG, *time_contract]
    with Sandbox(operations=ops, clock=clock).serve() as srv:
        behind = {"contracts": Registry(ops), "base_url": srv.url, "clock": lambda: clock() - 3600}  # an hour slow
        with pytest.raises(BinanceAPIError) as exc:
            Client(KEY, secret=SECRET, **behind).close_risk_unit(10001)
        assert exc.value.code == -1021
        client = Client(KEY, secret=SECRET, sync_time=True, **behind)
        assert client.close_risk_unit(10001).status == "CLOSED"
        assert client.offset_ms == pytest.approx(3_600_000, abs=1)
        assert Client(base_url=srv.url, contracts=Registry(ops)).call("GET /api/v3/time").data == {
            "serverTime": clock.ms()
        }


def test_the_sandbox_serves_the_time_without_a_contract_for_it():
    """Binance's general endpoints are served whatever the folder documents (doccontract.contract.general)."""
    clock = Clock()
    with Sandbox(operations=list(REG), clock=clock).serve() as srv:
        client = Client(KEY, secret=SECRET, base_url=srv.url, contracts=REG, sync_time=True, clock=clock)
        assert client.close_risk_unit(10001).status == "CLOSED" and client.offset_ms is not None
