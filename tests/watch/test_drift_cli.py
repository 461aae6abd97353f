"""The command line as people meet it: --version, --help, user mistakes, Ctrl-C, internal errors, exit codes."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys

import pytest
from helpers import ROOT, SEED, run_cli, seed_repo
from stub import StubServer
from test_drift import serve, variant

from doccontract.cli import app as cli
from doccontract.cli import diff as diff_command
from doccontract.cli import output
from doccontract.watch.docsite import DocSite

COMMANDS = ["build", "sandbox", "check", "fetch", "add", "drift", "diff", "nightly", "docsite"]


def run(*args, env_extra=None, timeout=120):
    return run_cli(*args, env_extra={"COLUMNS": "200", **(env_extra or {})}, timeout=timeout)


def test_the_top_level_help_fits_100_columns():
    r = run("--help")
    assert r.returncode == 0 and max(len(line) for line in r.stdout.splitlines()) <= 100
    assert "70 internal error" in r.stdout and "--version" in r.stdout


def test_version():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == "doccontract 0.1.0"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_a_description_an_example_and_exit_codes_within_100_columns(command):
    r = run(command, "--help")
    assert r.returncode == 0
    text = r.stdout
    assert "example:\n  doccontract " in text and "exit codes: 0 " in text and "70 internal error" in text
    assert max(len(line) for line in text.splitlines()) <= 100, max(text.splitlines(), key=len)
    assert "issue" not in text.lower().replace("--github-issue", "").replace("one issue per", "")  # no tracker numbers
    listing = [line.split() for line in run("--help").stdout.splitlines()]
    assert any(len(words) > 2 and words[0] == command for words in listing)  # listed with a summary


@pytest.mark.parametrize(
    "args,named",
    [
        (["sandbox", "--port", "99999"], "--port 99999 is not a port number"),
        (["fetch", "x/Y", "--connections", "0"], "--connections 0 is not a whole number of at least 1"),
        (["drift", "--timeout", "-1"], "--timeout"),
        (["diff", "contracts/openapi.json", "contracts/openapi.json"], "not a doccontract contract"),
        (["diff", "nope/a.md", "nope/b.md"], "nope/a.md: no such file or folder"),
        (["drift", "--contracts", "nope"], "--contracts nope: no such folder"),
        (["drift", "--specs", "nope"], "--specs nope: no such folder"),
        (["drift", "--waivers", "nope.json"], "--waivers nope.json: no such file"),
        (["fetch", "https://example.com/blog/post"], "not a /docs/ URL"),
        (["docsite", "--specs", "nope"], "--specs nope: no such folder"),
    ],
)
def test_a_user_mistake_is_one_line_naming_what_to_fix_and_exit_2(args, named):
    r = run(*args, env_extra={"XDG_CACHE_HOME": "/tmp/doccontract-test-cache"})
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert named in r.stderr and "Traceback" not in r.stderr
    assert "contract.added" not in r.stdout
    assert len([line for line in r.stderr.splitlines() if line.startswith("doccontract")]) == 1


def test_an_internal_error_is_one_line_exit_70_and_debug_shows_the_traceback(monkeypatch, capsys):
    secret = "s3cr3t-value-that-must-not-show"
    monkeypatch.setenv("BINANCE_API_SECRET", secret)

    def boom(args):
        raise RuntimeError(f"something we did not foresee with {secret}")

    monkeypatch.setattr(diff_command, "run", boom)
    assert cli.main(["diff", "a", "b"]) == 70
    err = capsys.readouterr().err
    assert (
        err == "doccontract diff: internal error: RuntimeError: something we did not foresee with *** "
        "(rerun with --debug for the traceback)\n"
    )
    with pytest.raises(RuntimeError):
        cli.main(["diff", "a", "b", "--debug"])


def test_a_closed_pipe_ends_quietly(monkeypatch, capsys):
    class ClosedPipe:
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            pass

        def fileno(self):
            raise OSError("no file")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    new = ROOT / "specs/binance/institutional_loan/account/Institution-Loan-Group-Close.md"
    assert cli.main(["diff", str(SEED), str(new)]) == 141
    assert "Traceback" not in capsys.readouterr().err


def test_diff_piped_into_head_prints_no_traceback(tmp_path):
    new = tmp_path / "new.md"
    new.write_text(variant(en=[("1000(UID)", "3000(UID)")], zh=[("1000(UID)", "3000(UID)")]))
    big = tmp_path / "old"
    shell = f"{sys.executable} -m doccontract diff {ROOT / 'contracts'} {ROOT / 'contracts'} --format json | head -c 10"
    big.mkdir()
    r = subprocess.run(["bash", "-c", shell], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in r.stderr and len(r.stdout) == 10


def wait_line(proc, timeout=30) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "the command printed nothing in time"
    return proc.stdout.readline()


def test_ctrl_c_is_one_line_and_exit_130(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "doccontract", "docsite", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = wait_line(proc)
        assert line.startswith("docsite: ") and " page(s) on http://127.0.0.1:" in line
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err.strip().splitlines() == [
        "doccontract docsite: interrupted; files are written whole or not at all, nothing was left half-written"
    ]


def test_ctrl_c_during_drift_leaves_no_report_half_written(tmp_path):
    repo = seed_repo(tmp_path)
    with DocSite(latency=2) as site:
        serve(site)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "doccontract",
                "drift",
                "--specs",
                str(repo / "specs"),
                "--contracts",
                str(repo / "contracts"),
            ]
            + ["--base-url", site.url, "--report-dir", str(repo / "reports")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
        )
        try:
            assert wait_line(proc).startswith("drift: fetching from")
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=60)
        finally:
            proc.kill()
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert not (repo / "reports").exists()


def test_nightly_after_an_internal_error_is_70_and_the_suite_still_reports(monkeypatch, tmp_path, capsys):
    import doccontract.suite.run
    import doccontract.watch.drift

    ran = []

    def boom(*a, **k):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(doccontract.watch.drift, "run_drift", boom)
    monkeypatch.setattr(doccontract.suite.run, "run_check", lambda target, junit=None, **kw: ran.append(junit) or 0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = seed_repo(tmp_path)
    code = cli.main(
        [
            "nightly",
            "--specs",
            str(repo / "specs"),
            "--contracts",
            str(repo / "contracts"),
            "--report-dir",
            str(repo / "reports"),
        ]
    )
    assert code == 70 and ran == [str(repo / "reports/contract-junit.xml")]
    assert "doccontract nightly: internal error: RecursionError" in capsys.readouterr().err
    report = json.loads((repo / "reports/drift.json").read_text())  # the report says the run failed
    assert report["status"] == "error" and "internal error: RecursionError" in report["errors"][0]
    assert "internal error" in (repo / "reports/drift.md").read_text()


@pytest.mark.parametrize("command", ["drift", "nightly"])
def test_an_alert_not_delivered_has_its_own_exit_code_even_with_breaking_drift(monkeypatch, tmp_path, capsys, command):
    import doccontract.suite.run

    monkeypatch.setattr(doccontract.suite.run, "run_check", lambda target, junit=None, **kw: 0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = seed_repo(tmp_path)
    with DocSite() as site, StubServer([(500, {}, b"down")]) as hook:
        serve(site, variant(en=[("1000(UID)", "3000(UID)")], zh=[("1000(UID)", "3000(UID)")]))
        args = [
            "--specs",
            str(repo / "specs"),
            "--contracts",
            str(repo / "contracts"),
            "--base-url",
            site.url,
            "--alert-webhook",
            hook.url,
        ]
        code = cli.main([command, *args, "--report-dir", str(repo / "reports")])
    out = capsys.readouterr()
    assert code == 4, out
    assert max(len(line) for line in (out.out + out.err).splitlines()) <= 100  # readable at 100 columns
    assert (
        "weight.increased" in out.out and "why" not in out.out and "429/418" in out.out
    )  # each breaking change says why
    assert f"doccontract {command}: alert not delivered: webhook: HTTP 500" in out.err
    assert json.loads((repo / "reports/drift.json").read_text())["status"] == "breaking"  # the report is still written


def test_progress_shows_on_a_terminal_only(monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    p = output.Progress(3, "fetch")
    p("institutional_loan/a")
    p.close()
    assert "fetch 1/3 institutional_loan/a" in capsys.readouterr().err
    monkeypatch.setenv("CI", "true")
    q = output.Progress(3, "fetch")
    q("institutional_loan/a")
    q.close()
    assert capsys.readouterr().err == ""
