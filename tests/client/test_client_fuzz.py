"""A bounded fuzz of the client's answer handling: whatever a real loopback server answers
(status, headers, body), only a Result or a documented exception comes out."""

from __future__ import annotations

import gzip
import json
import zlib

from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stub import StubServer

from doccontract.client import Client, ClientError, Result
from doccontract.contract.registry import Registry

REG = Registry.load(ROOT / "contracts")
HEADER_NAMES = [
    "Content-Type",
    "Content-Encoding",
    "Retry-After",
    "Location",
    "X-SAPI-USED-UID-WEIGHT-1M",
    "X-SAPI-USED-IP-WEIGHT-1M",
    "Transfer-Encoding",
    "Connection",
]
ASCII = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["groupId", "status", "code", "msg", "rows", "total"]), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def answers(draw):
    status = draw(st.integers(min_value=200, max_value=599))
    headers = draw(
        st.dictionaries(
            st.sampled_from(HEADER_NAMES),
            ASCII | st.sampled_from(["gzip", "deflate", "chunked", "0", "999999", "close"]),
            max_size=4,
        )
    )
    raw = draw(
        st.one_of(
            st.binary(max_size=200),
            json_values.map(lambda v: json.dumps(v).encode()),
            st.sampled_from([b'{"groupId":1,"status":"CLOSED"}', b'{"code":-1022,"msg":"x"}', b"[" * 80 + b"]" * 80]),
        )
    )
    encode = draw(st.sampled_from(["none", "gzip", "deflate", "cut"]))
    if encode == "gzip":
        raw = gzip.compress(raw)
    elif encode == "deflate":
        raw = zlib.compress(raw)
    elif encode == "cut":
        raw = gzip.compress(raw)[:-5]
    return status, headers, raw


SERVER: dict = {}


def _serve(seen):
    return SERVER["answer"]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(
    answer=answers(),
    op=st.sampled_from(["DELETE /sapi/v1/margin/loan-group", "GET /sapi/v1/margin/loan-groups/closed"]),
)
def test_only_results_or_documented_exceptions_come_out(answer, op):
    if "srv" not in SERVER:
        SERVER["srv"] = StubServer(_serve).start()
    SERVER["answer"] = answer
    client = Client(
        "fuzz-key-123",
        secret="fuzz-secret-456",
        base_url=SERVER["srv"].url,
        contracts=REG,
        timeout=0.5,  # a lying Content-Length or chunking waits this long; loopback answers in milliseconds
        retries=1,
        sleep=lambda s: None,
    )
    try:
        result = client.call(op, **({"groupId": 1} if op.startswith("DELETE") else {}))
    except ClientError as exc:
        assert "fuzz-key-123" not in str(exc) and "fuzz-secret-456" not in str(exc)
    else:
        assert isinstance(result, Result) and 200 <= result.status < 300


def teardown_module(module):
    srv = SERVER.pop("srv", None)
    if srv is not None:
        srv.stop()
