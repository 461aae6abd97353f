"""`doccontract check`: the table, exit codes, the live rules and scrubbed reports, run as a user runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from urllib.parse import quote

from helpers import ROOT, run_cli, sandbox_process

KEY, SECRET = "demo-credit-key-2001", "demo-credit-secret-2001"
CLOSE = "DELETE /sapi/v1/margin/loan-group"
CLOSE_FILE = "binance/institutional_loan/account/Institution-Loan-Group-Close.json"


def doccontract(*args, env=None, cwd=ROOT, timeout=300):
    return run_cli(*args, env=env, cwd=cwd, timeout=timeout)


def _no_binance_env(**extra) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")}, **extra}


def _live_env(url: str, key: str = KEY, secret: str = SECRET, **extra) -> dict:
    return _no_binance_env(BINANCE_BASE_URL=url, BINANCE_API_KEY=key, BINANCE_API_SECRET=secret, **extra)


def table_rows(stdout: str) -> list[str]:
    """The table's checks as one string each: "ENDPOINT  RESULT  check  detail" (its wrapped lines joined)."""
    rows: list[str] = []
    endpoint = ""
    for line in stdout.splitlines():
        if not line.strip() or line.startswith("coverage"):
            if line.startswith("coverage"):
                break
            continue
        if not line.startswith(" "):
            endpoint = line
        elif line.startswith("  ") and not line.startswith("   "):
            rows.append(f"{endpoint}  {line.strip()}")
        elif rows:
            rows[-1] += " " + line.strip()
    return rows


def _close_only(tmp_path):
    """A contracts folder holding the Close contract alone (what the sandbox serves)."""
    dst = tmp_path / "contracts" / CLOSE_FILE
    dst.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "contracts" / CLOSE_FILE, dst)
    return tmp_path / "contracts"


def test_check_from_outside_the_clone_prints_named_checks_and_a_junit_report(tmp_path):
    junit = tmp_path / "junit.xml"
    contracts = _close_only(tmp_path)
    r = doccontract("check", "--contracts", str(contracts), "--junit", str(junit), cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    rows = [line for line in table_rows(r.stdout) if line.startswith(CLOSE)]
    assert any(
        "probe: bad signature" in line and "PASSED" in line and "code -1022, as documented" in line for line in rows
    )
    assert any(
        "status is CLOSED, as documented" in line and "groupId answered is the one sent (10001)" in line
        for line in rows
    )
    assert "codes -2015 -2014" in r.stdout and " 0 failed" in r.stdout
    suite = ET.parse(junit).getroot().find("testsuite")
    assert int(suite.get("tests")) >= 20
    names = {tc.get("name") for tc in suite.iter("testcase")}
    assert f"test_probe[{CLOSE}|stale timestamp]" in names
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert "-1022" in props[f"coverage {CLOSE} codes exercised"]


def test_a_contract_the_answers_break_fails_with_the_reason(tmp_path):
    contracts = _close_only(tmp_path)
    f = contracts / CLOSE_FILE
    c = json.loads(f.read_text())
    c["response"]["properties"]["status"]["enum"] = ["DONE"]
    f.write_text(json.dumps(c))
    r = doccontract("check", "--contracts", str(contracts), "--operation", CLOSE, "--format", "json")
    assert r.returncode == 1, r.stdout[-2000:] + r.stderr[-2000:]
    report = json.loads(r.stdout)
    failed = [x for x in report["results"] if x["outcome"] == "FAILED"]
    assert failed and all(".py:" not in x["detail"] for x in failed)
    assert any("'CLOSED'" in x["detail"] and "DONE" in x["detail"] for x in failed), failed


def test_a_missing_contracts_folder_or_operation_is_one_line_exit_2(tmp_path):
    r = doccontract("check", "--contracts", str(tmp_path / "nowhere"))
    assert (
        r.returncode == 2
        and r.stderr.count("\n") == 1
        and "nowhere" in r.stderr
        and "no such contracts folder" in r.stderr
    )
    r = doccontract("check", "--operation", "PATCH /nothing/*")
    assert r.returncode == 2 and "matches no operation" in r.stderr and r.stderr.count("\n") == 1


def test_require_coverage_requires_a_pages_own_codes_where_they_can_occur(tmp_path):
    """A code the page names is required live (the API may answer it); on the sandbox it is listed, not
    required: the sandbox answers a page's business codes from model state no check sets up."""
    contracts = _close_only(tmp_path)
    f = contracts / CLOSE_FILE
    c = json.loads(f.read_text())
    c["request"]["properties"]["groupId"]["description"] += " (error code -3999 when frozen)"
    f.write_text(json.dumps(c))
    r = doccontract("check", "--contracts", str(contracts), "--require-coverage")
    assert r.returncode == 0, r.stdout[-2000:]
    assert "never -3999 (not required on the sandbox: -3999)" in " ".join(r.stdout.split())
    proc, url = sandbox_process()
    try:
        r = doccontract(
            "check", "--target", "live", "--contracts", str(contracts), "--require-coverage", env=_live_env(url)
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert r.returncode == 1, r.stdout[-2000:]
    assert f"coverage required: {CLOSE}: never exercised: -3999" in " ".join(r.stdout.split())


def test_live_path_against_a_sandbox_process_sends_only_rejected_requests(tmp_path):
    contracts = _close_only(tmp_path)
    proc, url = sandbox_process()
    try:
        r = doccontract("check", "--target", "live", "--contracts", str(contracts), env=_live_env(url))
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
        assert "probe: stale timestamp" in r.stdout and "probe: undocumented method PUT" in r.stdout
        line = next(x for x in table_rows(r.stdout) if "documented request is answered as documented" in x)
        assert "SKIPPED" in line and "a real close needs BINANCE_LIVE_CLOSE_GROUP_ID and --allow-destructive" in line
        # one opt-in is not enough
        r = doccontract(
            "check",
            "--target",
            "live",
            "--contracts",
            str(contracts),
            env=_live_env(url, BINANCE_LIVE_CLOSE_GROUP_ID="10001"),
        )
        line = next(x for x in table_rows(r.stdout) if "documented request is answered as documented" in x)
        assert "SKIPPED" in line
        # both: the unit is closed and the answer judged
        r = doccontract(
            "check",
            "--target",
            "live",
            "--allow-destructive",
            "--contracts",
            str(contracts),
            env=_live_env(url, BINANCE_LIVE_CLOSE_GROUP_ID="10001"),
        )
        line = next(x for x in table_rows(r.stdout) if "documented request is answered as documented" in x)
        assert "PASSED" in line and "groupId answered is the one sent (10001)" in line, r.stdout[-3000:]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert SECRET not in r.stdout + r.stderr


def test_live_without_credentials_is_not_green():
    r = doccontract("check", "--target", "live", env=_no_binance_env())
    assert r.returncode == 3
    (line,) = r.stdout.strip().splitlines()
    assert line.startswith(
        "live checks not run: no credentials (set BINANCE_API_KEY with BINANCE_API_SECRET or BINANCE_PRIVATE_KEY_PATH"
    )
    assert "BINANCE_PARENT_API_KEY" in line and "BINANCE_CREDIT_API_KEY" in line


def test_an_unreachable_api_is_one_line_naming_the_host(tmp_path):
    contracts = _close_only(tmp_path)
    r = doccontract("check", "--target", "live", "--contracts", str(contracts), env=_live_env("http://127.0.0.1:9"))
    assert r.returncode == 4, r.stdout[-2000:] + r.stderr[-2000:]
    assert r.stderr.strip() == "doccontract check: cannot reach 127.0.0.1:9 (connection refused)"
    assert "Traceback" not in r.stdout + r.stderr


def test_a_key_with_a_trailing_newline_is_refused_without_echoing_it():
    key = "Zq8vRk2LmN4pWx7TAwkwardKey0123456789"
    r = doccontract("check", "--target", "live", env=_live_env("http://127.0.0.1:9", key=key + "\n"))
    assert r.returncode == 2
    assert "BINANCE_API_KEY" in r.stderr and "newline" in r.stderr
    assert key not in r.stdout + r.stderr


def test_reports_never_carry_the_configured_key_or_secret(tmp_path):
    """A server that echoes the key and the query (with the signature) in its error messages: the
    failures quote those messages, and every report still masks the key and the secret."""
    from urllib.parse import unquote

    from stub import StubServer

    def echo(seen):
        msg = f"Invalid API-key {seen.headers.get('x-mbx-apikey')} for {unquote(seen.path)} secret={secret}"
        return 401, {"Content-Type": "application/json"}, json.dumps({"code": -2015, "msg": msg}).encode()

    contracts = _close_only(tmp_path)
    key, secret = "aw+k/w=ard%Key&0123456789", "s3cr+t/with=odd%chars&!"
    junit = tmp_path / "junit.xml"
    # the close is the credit account's: given as that role's key, a -2015 is a failure, with its message
    env = _no_binance_env(BINANCE_BASE_URL="", BINANCE_CREDIT_API_KEY=key, BINANCE_CREDIT_API_SECRET=secret)
    with StubServer(echo) as server:
        env["BINANCE_BASE_URL"] = server.url
        r = doccontract("check", "--target", "live", "--contracts", str(contracts), "--junit", str(junit), env=env)
        rj = doccontract("check", "--target", "live", "--contracts", str(contracts), "--format", "json", env=env)
    assert r.returncode == 1, r.stdout[-2000:] + r.stderr[-2000:]
    assert "Invalid API-key ***" in r.stdout  # the reason is shown, the key is not
    assert "accessible only with the credit account's API key; sent with BINANCE_CREDIT_API_KEY" in r.stdout
    text = junit.read_text() + r.stdout + r.stderr + rj.stdout + rj.stderr
    for s in (key, secret):
        for form in (s, quote(s, safe=""), json.dumps(s)[1:-1]):
            assert form not in text, form


def test_ctrl_c_during_the_checks_is_one_line_and_exit_130(tmp_path):
    """pytest answers Ctrl-C with the exit code it gives collection errors; check must still say 130."""
    (tmp_path / "interrupter.py").write_text("def pytest_runtest_call(item):\n    raise KeyboardInterrupt\n")
    env = _no_binance_env(PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    r = doccontract("check", "--contracts", str(_close_only(tmp_path)), "--", "-p", "interrupter", env=env)
    assert r.returncode == 130, (r.returncode, r.stderr[-500:])
    assert "interrupted" in r.stderr and "Traceback" not in r.stderr


def test_live_never_sends_a_state_changing_request_that_only_one_rule_would_stop(tmp_path):
    """Without the opt-ins, a POST goes out live only when it is invalid in a way that needs no trust:
    never valid-but-for a duplicate, an undocumented name or a value past a bound an API might clamp."""
    from urllib.parse import parse_qsl, urlsplit

    from stub import StubServer

    from doccontract.suite.cases import UNDOCUMENTED_NAME

    transfer = "binance/institutional_loan/transfer.json"
    dst = tmp_path / "contracts" / transfer
    dst.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "contracts" / transfer, dst)
    refuse = (400, {"Content-Type": "application/json"}, b'{"code":-1104,"msg":"Not all sent parameters were read."}')
    with StubServer([refuse]) as srv:
        r = doccontract("check", "--target", "live", "--contracts", str(tmp_path / "contracts"), env=_live_env(srv.url))
    posts = [dict_pairs for dict_pairs in (parse_qsl(urlsplit(s.path).query) for s in srv.seen if s.method == "POST")]
    assert posts, r.stdout[-2000:]  # the rejected probes did go out
    for pairs in posts:
        names = [k for k, _ in pairs]
        assert UNDOCUMENTED_NAME not in names and len(names) == len(set(names)), names
    assert "a request valid but for this rule is not sent live" in r.stdout


def test_live_requests_are_signed_with_the_apis_time_when_our_clock_is_off(tmp_path):
    """A local clock 30 s behind would make every signed live check a -1021; the suite asks the API's
    time once (GET /api/v3/time) and signs with it, and says so."""
    import time
    from urllib.parse import parse_qsl, urlsplit

    from stub import StubServer

    skew_ms = 30_000

    def api(seen):
        if urlsplit(seen.path).path == "/api/v3/time":
            return (
                200,
                {"Content-Type": "application/json"},
                json.dumps({"serverTime": int(time.time() * 1000) + skew_ms}).encode(),
            )
        return 400, {"Content-Type": "application/json"}, b'{"code":-1102,"msg":"Mandatory parameter was not sent."}'

    with StubServer(api) as srv:
        started = time.time() * 1000
        r = doccontract("check", "--target", "live", "--contracts", str(_close_only(tmp_path)), env=_live_env(srv.url))
        ended = time.time() * 1000
    said = re.search(
        r"clock: the API's time is ([+-]\d+) ms from ours; signed requests carry the API's time",
        " ".join(r.stdout.split()),
    )
    assert said and abs(int(said.group(1)) - skew_ms) < 2_000, r.stdout[
        -2000:
    ]  # measured: the round trip blurs it by some ms
    stamps = [
        int(v) for s in srv.seen for k, v in parse_qsl(urlsplit(s.path).query) if k == "timestamp" and v.isdigit()
    ]
    fresh = [
        t for t in stamps if started + skew_ms - 5_000 <= t <= ended + skew_ms + 5_000
    ]  # probes send stale or future ones on purpose
    assert fresh and len(fresh) >= len(stamps) // 2, (stamps[:5], started)


def test_live_without_the_apis_time_signs_with_the_local_clock_and_says_why(tmp_path):
    from stub import StubServer

    refuse = (404, {"Content-Type": "application/json"}, b'{"code":-1,"msg":"no such path"}')
    with StubServer([refuse]) as srv:
        r = doccontract("check", "--target", "live", "--contracts", str(_close_only(tmp_path)), env=_live_env(srv.url))
    said = " ".join(r.stdout.split())  # the table wraps the note at 120 columns
    assert "clock: could not read the API's time" in said and "signed requests carry the local time" in said
