"""`doccontract check` as a person uses it: --sandbox-url, BINANCE_BASE_URL, --help, a table that fits,
Ctrl-C during --junit, a progress line on a terminal, --require-coverage on the shipped sandbox."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest
from helpers import ROOT, run_cli, sandbox_process

CLOSE = "DELETE /sapi/v1/margin/loan-group"
CLOSE_FILE = "binance/institutional_loan/account/Institution-Loan-Group-Close.json"
ACTIVATED = "GET /sapi/v1/margin/loan-groups/activated"

pytestmark = pytest.mark.e2e


def _env(**extra) -> dict:
    """No BINANCE_* and no CI from the caller's environment."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("BINANCE_") and k != "CI"}, **extra}


def check(*args, env=None, timeout=300):
    return run_cli("check", *args, env=env or _env(), timeout=timeout)


def _close_only(tmp_path):
    dst = tmp_path / "contracts" / CLOSE_FILE
    dst.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "contracts" / CLOSE_FILE, dst)
    return str(tmp_path / "contracts")


def _popen(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "doccontract", "check", *args], cwd=ROOT, **kw)


def test_sandbox_url_is_an_option_of_check_and_a_fresh_sandbox_is_checked_without_waiting(tmp_path):
    """Found in use: --sandbox-url worked only after '--', and a run on a fresh sandbox waited minutes on
    429s (the sandbox counted SAPI weight per IP over every endpoint; Binance counts each endpoint apart).
    Then the close (weight 1000 of 180,000 UID a minute) needed about 210 requests, so every run waited
    for the next minute: one endpoint's run now fits its own per-minute limit."""
    log = tmp_path / "sandbox.log"
    with log.open("w") as sink:
        proc, url = sandbox_process(log=sink)
        try:
            r = check("--sandbox-url", url, "--contracts", _close_only(tmp_path))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert " 0 failed" in r.stdout and "HTTP 429" not in r.stdout
    sent = [line for line in log.read_text().splitlines() if f" {CLOSE} " in line]
    assert 100 < len(sent) <= 180 and not any(" 429 " in line for line in sent), len(sent)


def test_sandbox_url_is_refused_in_one_line_when_it_cannot_be_used():
    r = check("--sandbox-url", "nope")
    assert (
        r.returncode == 2
        and r.stderr.strip() == "doccontract check: --sandbox-url 'nope': not a URL (http://HOST:PORT)"
    )
    r = check("--target", "live", "--sandbox-url", "http://127.0.0.1:9")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "BINANCE_BASE_URL" in r.stderr


def test_binance_base_url_is_the_live_targets_and_the_sandbox_run_says_so(tmp_path):
    r = check(
        "--contracts",
        _close_only(tmp_path),
        "--",
        "-k",
        "documented_examples",
        env=_env(BINANCE_BASE_URL="http://127.0.0.1:9"),
    )
    assert r.returncode == 0, r.stderr[-2000:]  # the embedded sandbox was checked; nothing went to :9
    assert (
        "BINANCE_BASE_URL is the live target's URL, not used by --target sandbox (a running sandbox: --sandbox-url URL)"
        in r.stderr
    )


def test_help_lists_every_exit_code():
    r = run_cli("check", "--help")
    text = " ".join(r.stdout.split())
    for said in (
        "0 every check passed",
        "1 a check failed",
        "2 bad argument",
        "3 live checks not run: no credentials",
        "4 the API could not be reached",
    ):
        assert said in text, said
    assert "--sandbox-url URL" in text


def test_the_table_fits_120_columns_and_reasons_are_whole_in_the_table_and_the_json(tmp_path):
    """Found in use: rows 330-395 columns wide, reasons cut mid-word with a stray ')' ('True is not of )')."""
    contracts = _close_only(tmp_path)
    f = tmp_path / "contracts" / CLOSE_FILE
    c = json.loads(f.read_text())
    c["response"]["properties"]["status"]["enum"] = [
        f"DONE_IN_A_LONG_WAY_{i}" for i in range(3)
    ]  # the sandbox refuses to answer outside it: a 500 saying why
    f.write_text(json.dumps(c))
    args = ("--contracts", contracts, "--", "-k", "documented_request")
    r = check(*args)
    assert r.returncode == 1, r.stderr[-2000:]
    assert max(len(line) for line in r.stdout.splitlines()) <= 120
    flat = " ".join(r.stdout.split())
    assert "'CLOSED' is not one of" in flat and "'DONE_IN_A_LONG_WAY_2']" in flat  # the reason whole, wrapped
    rows = r.stdout.splitlines()
    i = rows.index(CLOSE)
    failed = next(k for k in range(i, len(rows)) if rows[k].split()[:1] == ["FAILED"])
    assert rows[failed].split() == ["FAILED", "documented", "request", "is", "answered", "as", "documented"]
    assert rows[failed + 1].startswith(" " * 13 + "HTTP 500, expected 200")  # the detail on its own, indented
    j = check(*args[:2], "--format", "json", *args[2:])
    (bad,) = [x for x in json.loads(j.stdout)["results"] if x["outcome"] == "FAILED"]
    assert "'DONE_IN_A_LONG_WAY_2']" in bad["detail"], bad


def test_ctrl_c_during_check_junit_leaves_no_report_that_reads_as_green(tmp_path):
    """Found in use: an interrupted `check --junit FILE` wrote failures="0"."""
    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite tests="1" failures="0" errors="0"/></testsuites>')  # an earlier green run
    started = tmp_path / "started"
    (tmp_path / "slow.py").write_text(
        "import pathlib, time\n"
        f"def pytest_runtest_call(item):\n    pathlib.Path({str(started)!r}).touch()\n    time.sleep(0.2)\n"
    )
    env = _env(PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    proc = _popen(
        "--contracts",
        _close_only(tmp_path),
        "--junit",
        str(junit),
        "--",
        "-p",
        "slow",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not started.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert started.exists(), "the checks never started"
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 130, (proc.returncode, err[-1000:])
    assert "interrupted" in err and "Traceback" not in err
    assert junit.exists()  # pytest writes its report on Ctrl-C: check marks it
    suite = ET.parse(junit).getroot().find("testsuite")
    assert int(suite.get("errors")) >= 1 and int(suite.get("tests")) >= 2  # some checks ran, then the mark
    case = next(tc for tc in suite.iter("testcase") if tc.get("name") == "interrupted")
    assert "interrupted (Ctrl-C) after" in case.find("error").get("message")


def _read_pty(fd: int, proc: subprocess.Popen, seconds: float) -> bytes:
    data = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            data += chunk
        elif proc.poll() is not None:
            break
    return data


def test_a_progress_line_on_a_terminal_only(tmp_path):
    contracts = _close_only(tmp_path)
    master, slave = pty.openpty()
    proc = _popen("--contracts", contracts, "--", "-k", "probe", env=_env(), stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    try:
        seen = _read_pty(master, proc, 180)
        out, _ = proc.communicate(timeout=60)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 0, seen[-2000:]
    text = seen.decode("ascii", "replace")
    assert "\rcheck 1/" in text and f"{CLOSE}: bad signature" in text, text[:500]
    assert all(len(line) <= 80 for line in text.split("\r")), "the progress line fits 80 columns"
    assert b"\rcheck" not in out  # stdout is the table alone
    r = check("--contracts", contracts, "--", "-k", "probe")  # stderr a pipe: no progress line
    assert r.returncode == 0 and "check 1/" not in r.stderr


def test_require_coverage_passes_on_the_shipped_sandbox():
    """Found in use: it failed on codes the sandbox cannot be brought to answer by the suite (a page's
    business codes) and on -1100 for an endpoint without parameters (now probed: a malformed timestamp)."""
    r = check("--require-coverage", "--format", "json")
    report = json.loads(r.stdout)
    assert r.returncode == 0 and report["coverage_gaps"] == [], report["coverage_gaps"]
    activated = next(c for c in report["coverage"] if c["endpoint"] == ACTIVATED)
    assert -1100 in activated["codes_exercised"]
    borrow = next(c for c in report["coverage"] if c["endpoint"].endswith("/borrow"))
    assert borrow["codes_never"] == [-27009] and borrow["codes_not_required"] == [-27009]


def test_require_coverage_still_fails_on_a_general_rule_never_exercised(tmp_path):
    r = check("--contracts", _close_only(tmp_path), "--require-coverage", "--", "-k", "documented_examples")
    assert r.returncode == 1, r.stdout[-2000:]
    assert f"coverage required: {CLOSE}: never exercised: -2015" in " ".join(r.stdout.split())


def test_live_checks_against_a_sandbox_process_sign_with_the_sandboxs_time(tmp_path):
    """Found in use: the sandbox had no GET /api/v3/time, so the live suite signed with the local clock
    ("could not read the API's time") and a future-timestamp probe once drew -27001 instead of -1021."""
    proc, url = sandbox_process()
    try:
        env = _env(
            BINANCE_BASE_URL=url, BINANCE_API_KEY="demo-credit-key-2001", BINANCE_API_SECRET="demo-credit-secret-2001"
        )
        r = check("--target", "live", "--contracts", _close_only(tmp_path), "--format", "json", env=env)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    report = json.loads(r.stdout)
    assert r.returncode == 0 and report["clock"].startswith("clock: the API's time is "), report.get("clock")
    (future,) = [x for x in report["results"] if x["check"] == "probe: future timestamp"]
    assert future["outcome"] == "PASSED" and "code -1021, as documented" in future["detail"]
