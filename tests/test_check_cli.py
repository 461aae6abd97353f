"""`doccontract check`, the main job, and the live code path run against a sandbox process."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

from helpers import ROOT, sandbox_process

KEY, SECRET = "demo-credit-key-2001", "demo-credit-secret-2001"


def doccontract(*args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "doccontract", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def test_check_on_the_sandbox_passes_and_prints_the_table(tmp_path):
    junit = tmp_path / "junit.xml"
    r = doccontract("check", "--junit", str(junit))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "DELETE /sapi/v1/margin/loan-group" in r.stdout
    assert "probes/bad_signature_is_rejected" in r.stdout and "PASSED" in r.stdout
    assert " 0 failed" in r.stdout
    suites = ET.parse(junit).getroot()
    assert int(suites.find("testsuite").get("tests")) >= 15


def test_check_fails_when_a_check_fails(tmp_path):
    """Point the suite at contracts that disagree with the sandbox: check must exit non-zero."""
    bad = tmp_path / "contracts"
    src = ROOT / "contracts"
    import json
    import shutil

    shutil.copytree(src, bad)
    f = bad / "binance/institutional_loan/account/Institution-Loan-Group-Close.json"
    c = json.loads(f.read_text())
    c["response"]["properties"]["status"]["enum"] = ["DONE"]
    f.write_text(json.dumps(c))
    env = {**os.environ, "DOCCONTRACT_CONTRACTS": str(bad)}
    r = doccontract("check", env=env)
    assert r.returncode == 1
    assert "FAILED" in r.stdout


def _live_env(url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")}
    return {**env, "BINANCE_BASE_URL": url, "BINANCE_API_KEY": KEY, "BINANCE_API_SECRET": SECRET, **extra}


def test_live_path_against_a_sandbox_process_runs_only_probes():
    proc, url = sandbox_process()
    try:
        r = doccontract("check", "--target", "live", env=_live_env(url))
        assert r.returncode == 0, r.stdout[-3000:]
        assert "probes/stale_timestamp_is_rejected" in r.stdout
        assert "close/live_close_needs_both_opt_ins" in r.stdout and "SKIPPED" in r.stdout
        # a destructive close with only one opt-in does not run
        r = doccontract("check", "--target", "live", env=_live_env(url, BINANCE_LIVE_CLOSE_GROUP_ID="10001"))
        assert "a real close needs BINANCE_LIVE_CLOSE_GROUP_ID and --allow-destructive" in r.stdout
        # with both, it runs and closes the unit
        r = doccontract("check", "--target", "live", "--allow-destructive", env=_live_env(url, BINANCE_LIVE_CLOSE_GROUP_ID="10001"))
        assert r.returncode == 0, r.stdout[-3000:]
        assert "live_close_needs_both_opt_ins" in r.stdout and "PASSED" in r.stdout.split("live_close_needs_both_opt_ins")[1].splitlines()[0]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    for out in (r.stdout, r.stderr):
        assert SECRET not in out


def test_live_without_credentials_skips_with_a_reason():
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")}
    r = doccontract("check", "--target", "live", env=env)
    assert r.returncode == 0
    assert "set BINANCE_API_KEY and BINANCE_API_SECRET or BINANCE_PRIVATE_KEY_PATH" in r.stdout
