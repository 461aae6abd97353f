"""`doccontract build` as a user runs it: exit codes, messages, nothing half-written."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT, SEED, SEED_ID


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "doccontract", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_build_prints_a_line_per_page_and_the_finding(tmp_path):
    r = run("build", "specs", "--out", str(tmp_path / "c"), "--no-cache")
    assert r.returncode == 0, r.stderr
    assert f"ok    {SEED_ID}: DELETE /sapi/v1/margin/loan-group (1 finding)" in r.stdout
    assert "bilingual.security" in r.stdout and "en: TRADE, zh-CN: USER_DATA" in r.stdout
    assert (tmp_path / "c" / f"{SEED_ID}.json").exists() and (tmp_path / "c" / "openapi.json").exists()


def test_strict_fails_on_findings(tmp_path):
    r = run("build", "specs", "--out", str(tmp_path / "c"), "--strict", "--no-cache")
    assert r.returncode == 1


def test_bad_pages_fail_with_the_file_named_and_leave_no_contract(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "good.md").write_bytes(SEED.read_bytes())
    (specs / "empty.md").write_bytes(b"")
    (specs / "nosplit.md").write_text("---\nsource_url: x\n---\n# Title\n\nno chinese half\n")
    (specs / "error.html").write_text("<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>")
    out = tmp_path / "c"
    r = run("build", str(specs), "--out", str(out), "--no-cache")
    assert r.returncode == 2
    assert "specs/empty.md: the file is empty" in r.stderr
    assert "specs/nosplit.md: no '---' line" in r.stderr
    assert "specs/error.html: no <article>" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["errors.json", "good.json", "openapi.json"]
    assert not list(out.rglob("*.tmp"))


def test_missing_path_is_a_clear_error(tmp_path):
    r = run("build", str(tmp_path / "nope"), "--out", str(tmp_path / "c"))
    assert r.returncode == 2 and "no such file or folder" in r.stderr
