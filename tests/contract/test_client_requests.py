"""Our own client's requests, captured by a real local server, against the request contract."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

from jsonschema import Draft202012Validator

from doccontract.client import Client
from doccontract.sandbox import _coerce
from doccontract.signing import verify


def test_client_request_matches_the_request_schema_and_is_signed(fresh_sandbox, contract):
    client = Client(fresh_sandbox.api_key, base_url=fresh_sandbox.base_url, contract=contract, **fresh_sandbox.credentials)
    result = client.close_risk_unit(10001)
    [seen] = list(fresh_sandbox.server.sandbox.recorded)
    assert (seen.method, seen.path) == (contract["method"], contract["path"])
    assert seen.has_api_key and seen.body == ""
    pairs = parse_qsl(seen.query, keep_blank_values=True)
    names = [k for k, _ in pairs]
    assert names[-1] == "signature", "signature goes last"
    assert names.count("signature") == 1
    params = dict(pairs)
    documented = contract["request"]["properties"]
    typed = {k: _coerce(k, v, documented[k]) for k, v in params.items() if k in documented}
    Draft202012Validator(contract["request"]).validate(typed)
    assert set(contract["request"]["required"]) <= set(typed)
    assert abs(int(params["timestamp"]) - time.time() * 1000) < 60_000
    assert params["recvWindow"] == "5000"
    payload = seen.query.rsplit("&signature=", 1)[0]
    assert verify(payload, params["signature"], secret=fresh_sandbox.credentials["secret"])
    # the client's result is the contract's answer
    assert result.group_id == 10001
    assert result.status in contract["response"]["properties"]["status"]["enum"]
    assert result.used_uid_weight == contract["weight"]["value"]
