"""Probes that cannot touch a real unit go out live on every method, the close included."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers import ROOT
from relay import json_reply, params, path, relay

from doccontract.sandbox import Sandbox
from doccontract.suite.cases import LONG_MAX, probes
from doccontract.suite.operations import load_operations

CLOSE = "DELETE /sapi/v1/margin/loan-group"
CREDIT = {"BINANCE_CREDIT_API_KEY": "demo-credit-key-2001", "BINANCE_CREDIT_API_SECRET": "demo-credit-secret-2001"}


def test_an_id_outside_its_documented_range_is_safe_live_and_a_duplicate_is_not():
    (op,) = load_operations(ROOT / "contracts", CLOSE)
    by_name = {p.name: p for p in probes(op, set())}
    assert by_name["groupId out of range"].safe_live and by_name["groupId out of range"].params == {
        "$set": ("groupId", LONG_MAX + 1)
    }
    assert by_name["groupId below range"].safe_live and by_name["groupId below range"].params == {
        "$set": ("groupId", -LONG_MAX - 2)
    }
    assert not by_name["duplicate groupId"].safe_live and not by_name["undocumented parameter"].safe_live
    (records,) = load_operations(ROOT / "contracts", "GET /sapi/v1/margin/loan-groups/closed")
    assert not any(p.names_nothing for p in probes(records, set()))  # 'current', 'size' name no object: not ids


def _check(url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")} | CREDIT | {"BINANCE_BASE_URL": url}
    cmd = [sys.executable, "-m", "doccontract", "check", "--target", "live", "--format", "json", "--operation", CLOSE]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _row(stdout: str, name: str) -> str:
    (line,) = [
        f"{r['outcome']} {r['check']}: {r['detail']}"
        for r in json.loads(stdout)["results"]
        if r["endpoint"] == CLOSE and r["check"] == f"probe: {name}"
    ]
    return line


def test_a_server_that_closes_an_id_beyond_int64_fails_live_and_a_faithful_one_passes():
    def closes_anything(seen, reply):
        group = params(seen).get("groupId", "")
        if (
            seen.method == "DELETE"
            and path(seen) == "/sapi/v1/margin/loan-group"
            and group.lstrip("-").isdigit()
            and abs(int(group)) > LONG_MAX
        ):
            return json_reply(
                200,
                {"groupId": int(group), "status": "CLOSED"},
                {k: v for k, v in reply[1].items() if k.upper().startswith("X-SAPI")},
            )
        return None

    with Sandbox(contracts=ROOT / "contracts").serve() as api:
        with relay(api.url) as faithful:
            ok = _check(faithful.url)
        with relay(api.url, closes_anything) as careless:
            bad = _check(careless.url)
    assert ok.returncode == 0, ok.stdout[-2000:]
    assert "PASSED" in _row(ok.stdout, "groupId out of range") and "code -1100" in _row(
        ok.stdout, "groupId out of range"
    )
    assert bad.returncode == 1, bad.stdout[-2000:]
    assert "FAILED" in _row(bad.stdout, "groupId out of range") and "HTTP 200" in _row(
        bad.stdout, "groupId out of range"
    )
    assert "FAILED" in _row(bad.stdout, "groupId below range")
    assert "SKIPPED" in _row(bad.stdout, "duplicate groupId")  # valid but for the duplicate: still never sent live
