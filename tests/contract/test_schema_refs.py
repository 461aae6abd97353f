"""Contract schemas are never fetched and never recurse: a remote or dangling $ref, or a $ref cycle, is
refused at load."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import hmac
import json
import subprocess
import sys

import pytest
from helpers import ROOT, Clock
from stub import StubServer

from doccontract.client import Client, ContractViolation
from doccontract.contract.registry import Operation, Registry
from doccontract.contract.store import CLOSE_RISK_UNIT
from doccontract.sandbox import Sandbox

KEY, SECRET = "demo-credit-key-2001", "demo-credit-secret-2001"
BASE = json.loads((ROOT / "contracts" / f"{CLOSE_RISK_UNIT}.json").read_text(encoding="utf-8"))


def signed(query: str) -> str:
    return hmac.new(SECRET.encode(), query.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def schema_server():
    """A loopback server that would hand out a schema accepting anything: it must never be asked."""
    with StubServer([(200, {"Content-Type": "application/json"}, b"{}")]) as srv:
        yield srv


def contract(response) -> dict:
    c = copy.deepcopy(BASE)
    c["response"], c["examples"] = response, {"response": []}
    return c


def write(folder, c: dict):
    path = folder / f"{c['id']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(c))
    return path


def remote(srv, at_root: bool = False) -> dict:
    ref = {"$ref": f"{srv.url}/schema.json"}
    return ref if at_root else {"type": "object", "properties": {"groupId": ref}, "required": ["groupId"]}


@pytest.mark.parametrize("at_root,pointer", [(True, "at /"), (False, "at /properties/groupId")])
def test_a_remote_ref_is_refused_at_load_naming_the_contract_and_the_pointer(schema_server, tmp_path, at_root, pointer):
    c = contract(remote(schema_server, at_root))
    with pytest.raises(ValueError) as exc:
        Client(KEY, secret=SECRET, contract=c)
    assert CLOSE_RISK_UNIT in str(exc.value) and pointer in str(exc.value) and "never fetched" in str(exc.value)
    path = write(tmp_path, c)
    with pytest.raises(ValueError, match=str(path)):
        Registry.load(tmp_path)
    with pytest.raises(ValueError, match=str(path)):
        Sandbox(contracts=tmp_path, clock=Clock())
    assert schema_server.seen == []


def test_the_sandbox_command_names_the_contract_in_one_line_and_exits_2(schema_server, tmp_path):
    path = write(tmp_path, contract(remote(schema_server)))
    done = subprocess.run(
        [sys.executable, "-m", "doccontract", "sandbox", "--port", "0", "--contracts", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and str(path) in done.stderr and "/properties/groupId" in done.stderr, (
        done.stderr
    )
    assert schema_server.seen == []


def test_a_dangling_local_ref_is_refused_at_load():
    with pytest.raises(
        ValueError, match=r"response schema: \$ref '#/\$defs/nowhere' at /properties/groupId does not resolve"
    ):
        Operation.from_contract(
            contract({"type": "object", "properties": {"groupId": {"$ref": "#/$defs/nowhere"}}}), "c.json"
        )


def test_a_schema_that_skipped_loading_still_fetches_nothing(schema_server):
    """An Operation built by hand (no load check): validating against it reads no URL; the answer is a violation."""
    op = dataclasses.replace(Operation.from_contract(BASE), response=remote(schema_server, at_root=True))
    with StubServer([(200, {"Content-Type": "application/json"}, b'{"groupId": 1, "status": "CLOSED"}')]) as api:
        with pytest.raises(ContractViolation, match="never fetched"):
            Client(KEY, secret=SECRET, base_url=api.url, contracts=Registry([op]), strict=True).call(op, groupId=1)
    sandbox = Sandbox(operations=[op], clock=Clock())
    answer = sandbox.handle("GET", "/sapi/v1/nothing", b"", {})
    assert answer.status == 404
    assert schema_server.seen == []


SELF = {"$ref": "#"}
MUTUAL = {
    "type": "object",
    "properties": {"groupId": {"$ref": "#/$defs/a"}},
    "$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"anyOf": [{"$ref": "#/$defs/a"}, {"type": "integer"}]}},
}


@pytest.mark.parametrize("response", [SELF, MUTUAL, {"not": {"$ref": "#"}}])
def test_a_ref_cycle_that_reads_no_deeper_is_refused_at_load(response, tmp_path):
    with pytest.raises(ValueError, match=r"\$ref cycle") as exc:
        Operation.from_contract(contract(response), "close.json")
    assert str(exc.value).startswith("close.json: response schema: ")
    write(tmp_path, contract(response))
    with pytest.raises(ValueError, match=r"\$ref cycle"):
        Client(KEY, secret=SECRET, contracts=tmp_path)


def test_a_recursive_schema_that_reads_deeper_each_time_is_a_contract():
    tree = {
        "type": "object",
        "properties": {"groupId": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#"}}},
    }
    op = Operation.from_contract(contract(tree))
    body = b'{"groupId": 1, "children": [{"groupId": 2, "children": [{"groupId": "three"}]}]}'
    with StubServer([(200, {"Content-Type": "application/json"}, body)]) as api:
        with pytest.raises(ContractViolation, match="/children/0/children/0/groupId"):
            Client(KEY, secret=SECRET, base_url=api.url, contracts=Registry([op]), strict=True).call(op, groupId=1)


def test_a_cycle_that_skipped_loading_is_an_answer_not_a_recursion_error():
    op = dataclasses.replace(Operation.from_contract(BASE), response=SELF)
    with StubServer([(200, {"Content-Type": "application/json"}, b'{"groupId": 1}')]) as api:
        with pytest.raises(ContractViolation, match=r"\$ref cycle"):
            Client(KEY, secret=SECRET, base_url=api.url, contracts=Registry([op]), strict=True).call(op, groupId=1)
    clock = Clock()
    sandbox = Sandbox(operations=[op], clock=clock)
    query = f"groupId=10001&timestamp={clock.ms()}"
    answer = sandbox.handle("DELETE", f"{op.path}?{query}&signature={signed(query)}", b"", {"x-mbx-apikey": KEY})
    assert answer.status == 500 and answer.payload["code"] == -1000, answer.payload
    assert op.id in answer.payload["msg"] and "$ref cycle" in answer.payload["msg"], answer.payload
