"""`check --target live` with a key per role, against a sandbox process standing in for the API
(real HTTP on loopback, BINANCE_BASE_URL, the demo keys: credit account 2001, parent 1001)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import ROOT, sandbox_process

ACTIVE = "GET /sapi/v1/margin/loan-groups/activated"
EDIT = "POST /sapi/v1/margin/loan-group/edit-member"
CLOSE = "DELETE /sapi/v1/margin/loan-group"
PARENT = {"BINANCE_PARENT_API_KEY": "demo-parent-key-0001", "BINANCE_PARENT_API_SECRET": "demo-parent-secret-0001"}
CREDIT = {"BINANCE_CREDIT_API_KEY": "demo-credit-key-2001", "BINANCE_CREDIT_API_SECRET": "demo-credit-secret-2001"}


@pytest.fixture(scope="module")
def api():
    proc, url = sandbox_process()
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=30)  # bounded: a loaded machine may take a while to close the server
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def check(url: str, keys: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")} | keys | {"BINANCE_BASE_URL": url}
    cmd = [sys.executable, "-m", "doccontract", "check", "--target", "live", "--format", "json", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def rows(stdout: str, endpoint: str, check_name: str = "documented request is answered as documented") -> list[str]:
    """'OUTCOME check: detail' for each result of ``endpoint`` whose check names ``check_name``."""
    results = json.loads(stdout)["results"]
    return [
        f"{r['outcome']} {r['check']}: {r['detail']}"
        for r in results
        if r["endpoint"] == endpoint and check_name in r["check"]
    ]


def test_the_credit_key_alone_passes_and_skips_the_parent_only_endpoints_naming_role_and_variable(api):
    r = check(api, CREDIT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-1000:]
    for endpoint in (ACTIVE, EDIT):
        (line,) = rows(r.stdout, endpoint)
        assert (
            "SKIPPED" in line
            and "accessible only with the parent account's API key" in line
            and "BINANCE_PARENT_API_KEY" in line
        ), line
    (line,) = rows(r.stdout, "GET /sapi/v1/margin/loan-groups/closed")
    assert "PASSED" in line  # the credit account's own endpoints are checked in full


def test_one_default_key_of_the_credit_account_passes_and_the_refused_parent_endpoints_are_skipped(api):
    r = check(
        api,
        {
            "BINANCE_API_KEY": CREDIT["BINANCE_CREDIT_API_KEY"],
            "BINANCE_API_SECRET": CREDIT["BINANCE_CREDIT_API_SECRET"],
        },
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-1000:]
    (line,) = rows(r.stdout, ACTIVE)
    assert (
        "SKIPPED" in line
        and "BINANCE_API_KEY (role unknown) was refused with -2015" in line
        and "BINANCE_PARENT_API_KEY" in line
    ), line


def test_a_key_per_role_passes_the_parent_only_endpoints(api):
    r = check(api, CREDIT | PARENT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-1000:]
    (line,) = rows(r.stdout, ACTIVE)
    assert "PASSED" in line and "body matches the response schema" in line, line
    probes = rows(r.stdout, EDIT, "probe: ")
    assert sum("PASSED" in x for x in probes) >= 10 and not any("accessible only" in x for x in probes)
    assert "demo-parent-secret-0001" not in r.stdout + r.stderr


def test_a_key_given_for_the_wrong_role_fails_and_the_2015_names_the_role_it_needs(api):
    wrong = {
        "BINANCE_PARENT_API_KEY": CREDIT["BINANCE_CREDIT_API_KEY"],
        "BINANCE_PARENT_API_SECRET": CREDIT["BINANCE_CREDIT_API_SECRET"],
    }
    r = check(api, CREDIT | wrong, "--operation", ACTIVE)
    assert r.returncode == 1, r.stdout[-3000:]
    (line,) = rows(r.stdout, ACTIVE)
    assert "FAILED" in line and "-2015" in line
    assert "accessible only with the parent account's API key; sent with BINANCE_PARENT_API_KEY" in line, line
