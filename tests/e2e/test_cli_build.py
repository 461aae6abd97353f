"""`doccontract build` as a user runs it: exit codes, messages, nothing half-written."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

from helpers import ROOT, SEED, SEED_ID, run_cli


def run(*args, cwd=ROOT):
    return run_cli(*args, cwd=cwd)


def test_build_prints_a_line_per_page_and_the_finding(tmp_path):
    r = run("build", "specs", "--out", str(tmp_path / "c"), "--no-cache")
    assert r.returncode == 0, r.stderr
    assert f"ok    {SEED_ID}: DELETE /sapi/v1/margin/loan-group (1 finding)" in r.stdout
    wrappable = [
        ln
        for ln in r.stdout.splitlines()
        if not ln.startswith(("ok ", "same ", "skip ")) and max(map(len, ln.split())) < 80
    ]
    assert wrappable and max(len(ln) for ln in wrappable) <= 100  # only a single long path may run past 100 columns
    unwrapped = " ".join(r.stdout.split())
    assert "bilingual.security" in unwrapped and "en: TRADE, zh-CN: USER_DATA" in unwrapped
    assert (tmp_path / "c" / f"{SEED_ID}.json").exists() and (tmp_path / "c" / "openapi.json").exists()


def test_strict_fails_on_findings(tmp_path):
    r = run("build", "specs", "--out", str(tmp_path / "c"), "--strict", "--no-cache")
    assert r.returncode == 1


def test_bad_pages_fail_with_the_file_named_and_leave_no_contract(tmp_path):
    """A file that is no text fails the build; pages read as text but in no known layout are skipped
    as unknown-template, each with its reason (tests/e2e/test_build_templates.py)."""
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "good.md").write_bytes(SEED.read_bytes())
    (specs / "empty.md").write_bytes(b"")
    (specs / "notitle.md").write_text("---\nsource_url: x\n---\n\nno title heading, no request line\n")
    (specs / "error.html").write_text("<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>")
    out = tmp_path / "c"
    r = run("build", str(specs), "--out", str(out), "--no-cache")
    assert r.returncode == 2
    assert "failed pages (1):" in r.stderr and "specs/empty.md: the file is empty" in r.stderr
    said = " ".join(r.stdout.split())
    assert "skip notitle: [unknown-template] specs/notitle.md (en): no '# ' title heading" in said
    assert "skip error: [unknown-template] specs/error.html: no <article>" in said
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "errors.json",
        "good.json",
        "openapi.json",
    ]
    assert not list(out.rglob("*.tmp"))


def test_missing_path_is_a_clear_error(tmp_path):
    r = run("build", str(tmp_path / "nope"), "--out", str(tmp_path / "c"))
    assert r.returncode == 2 and "no such file or folder" in r.stderr


def _specs(tmp_path, **pages):
    specs = tmp_path / "specs"
    specs.mkdir(exist_ok=True)
    for name, text in pages.items():
        (specs / f"{name}.md").write_bytes(text if isinstance(text, bytes) else text.encode())
    return specs


def test_a_folder_without_pages_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    r = run("build", str(tmp_path / "empty"), "--out", str(tmp_path / "c"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no spec pages" in r.stderr
    assert not (tmp_path / "c" / "openapi.json").exists()


def test_unwritable_out_is_one_line(tmp_path):
    specs = _specs(tmp_path, good=SEED.read_bytes())
    (tmp_path / "file").write_text("not a folder")
    r = run("build", str(specs), "--out", str(tmp_path / "file" / "c"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "cannot write contracts there" in r.stderr
    assert "Traceback" not in r.stderr


def test_hostile_pages_become_findings_and_one_bad_page_stops_nothing(tmp_path):
    seed = SEED.read_text(encoding="utf-8")
    deep = seed.replace('"groupId": 10001,', '"deep": ' + "[" * 1500 + "]" * 1500 + ",")
    heavy = seed.replace("1000(UID)", "9" * 5000 + "(UID)")
    inf = seed.replace('"groupId": 10001,', '"groupId": 1e999999,')
    specs = _specs(tmp_path, good=seed, deep=deep, heavy=heavy, inf=inf, empty=b"")
    out = tmp_path / "c"
    r = run("build", str(specs), "--out", str(out), "--no-cache")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "failed pages (1):" in r.stderr and r.stderr.rstrip().endswith(
        "specs/empty.md: the file is empty; expected a doc page"
    )
    for name in ("good", "deep", "heavy", "inf"):
        text = (out / f"{name}.json").read_text()
        constants: list[str] = []
        json.loads(text, parse_constant=constants.append)
        assert constants == [], name  # strict JSON: no NaN or Infinity
    assert "levels deep" in (out / "deep.json").read_text() and "Infinity" in (out / "inf.json").read_text()
    assert "page.weight-unreadable" in (out / "heavy.json").read_text()


def test_bad_cache_entries_are_ignored_and_rewritten(tmp_path):
    specs = _specs(tmp_path, good=SEED.read_bytes())
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = tmp_path / "c"
    assert (
        subprocess.run(
            [sys.executable, "-m", "doccontract", "build", str(specs), "--out", str(out)], env=env, capture_output=True
        ).returncode
        == 0
    )
    [cache] = (tmp_path / "cache" / "doccontract").glob("build-*.json")
    for bad in ('{"generator": 1, "entries": []}', '{"generator": "x"', "[]", '{"entries": {"good": "oops"}}'):
        cache.write_text(bad)
        r = subprocess.run(
            [sys.executable, "-m", "doccontract", "build", str(specs), "--out", str(out)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0 and r.stderr == "", r.stderr
        assert json.loads(cache.read_text())["entries"]["good"]["input"]  # rewritten whole


def test_no_cache_rebuilds_and_says_built(tmp_path):
    specs = _specs(tmp_path, good=SEED.read_bytes())
    out = tmp_path / "c"
    run("build", str(specs), "--out", str(out))
    r = run("build", str(specs), "--out", str(out), "--no-cache", "-q")
    assert "1 built, 0 unchanged" in r.stdout
    r = run("build", str(specs), "--out", str(out), "-q")
    assert "0 built, 1 unchanged" in r.stdout


def test_contracts_of_removed_specs_are_removed_and_nothing_else(tmp_path):
    specs = _specs(tmp_path, good=SEED.read_bytes(), old=SEED.read_bytes())
    out = tmp_path / "c"
    run("build", str(specs), "--out", str(out))
    (out / "notes.txt").write_text("keep")  # not made by the build: never touched
    (out / "extra").mkdir()
    (out / "extra" / "readme.md").write_text("keep")
    (specs / "old.md").rename(specs / "new.md")
    r = run("build", str(specs), "--out", str(out), "-q")
    assert r.returncode == 0 and "gone  old:" in r.stdout and "1 removed" in r.stdout
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "errors.json",
        "extra",
        "good.json",
        "new.json",
        "notes.txt",
        "openapi.json",
    ]
    moved = tmp_path / "copy"
    shutil.copytree(out, moved)  # a copied folder: its specs are not where the manifest says, and nothing is removed
    r = run("build", str(specs / "good.md"), "--out", str(moved), "-q")
    assert r.returncode == 0 and "gone  " not in r.stdout and (moved / "new.json").exists()


def test_building_one_page_or_a_copied_folder_removes_nothing_else(tmp_path):
    specs = _specs(tmp_path, good=SEED.read_bytes(), other=SEED.read_bytes())
    out = tmp_path / "c"
    run("build", str(specs), "--out", str(out))
    r = run("build", str(specs / "good.md"), "--out", str(out), "--no-cache")
    assert r.returncode == 0 and "removed" not in r.stdout and (out / "other.json").exists()
    moved = tmp_path / "elsewhere" / "c"
    shutil.copytree(out, moved)  # its manifest names specs relative to where it was
    r = run("build", str(specs), "--out", str(moved), "--no-cache")
    assert r.returncode == 0 and "removed" not in r.stdout
    assert (moved / "good.json").exists() and (moved / "other.json").exists()


def test_files_respect_the_umask_and_crlf_pages_build(tmp_path):
    seed = SEED.read_bytes()
    specs = _specs(tmp_path, good=seed.replace(b"\n", b"\r\n"), bom=b"\xef\xbb\xbf" + seed)
    out = tmp_path / "c"
    r = subprocess.run(
        ["sh", "-c", f'umask 022 && exec "{sys.executable}" -m doccontract build "{specs}" --out "{out}" --no-cache'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # no progress line when stderr is not a terminal
    assert stat.S_IMODE((out / "good.json").stat().st_mode) == 0o644
    assert (
        json.loads((out / "good.json").read_text())["request"] == json.loads((out / "bom.json").read_text())["request"]
    )


def test_progress_is_shown_on_a_terminal_only(tmp_path):
    import pty

    specs = _specs(tmp_path, good=SEED.read_bytes(), other=SEED.read_bytes())
    master, slave = pty.openpty()
    try:
        r = subprocess.run(
            [sys.executable, "-m", "doccontract", "build", str(specs), "--out", str(tmp_path / "c"), "--no-cache"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=slave,
            timeout=120,
        )
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert r.returncode == 0
    assert b"building 2/2 pages" in seen


def test_an_endpoint_a_split_page_no_longer_documents_loses_its_contract(tmp_path):
    page = (ROOT / "tests/fixtures/pages/multi_endpoint.md").read_text(encoding="utf-8")
    specs = _specs(tmp_path, market=page)
    out = tmp_path / "c"
    r = run("build", str(specs), "--out", str(out), "-q")
    assert r.returncode == 0 and (out / "market/order-book.json").exists()
    assert sorted(p.name for p in (out / "market").iterdir()) == [
        "klinecandlestick-data-market_data.json",
        "order-book.json",
        "仅中文接口.json",
    ]
    (specs / "market.md").write_text(page.replace("### 仅中文接口", "仅中文接口"), encoding="utf-8")
    r = run("build", str(specs), "--out", str(out), "-q")
    assert "gone  market/仅中文接口: its spec no longer documents it" in r.stdout
    assert sorted(p.name for p in (out / "market").iterdir()) == [
        "klinecandlestick-data-market_data.json",
        "order-book.json",
    ]


def test_openapi_is_made_again_when_the_cache_does_not_apply(tmp_path):
    """Another exporter (new code) with the same contracts: --no-cache (or a new generator) rewrites openapi.json."""
    specs = _specs(tmp_path, good=SEED.read_bytes())
    out = tmp_path / "c"
    run("build", str(specs), "--out", str(out))
    fresh = (out / "openapi.json").read_bytes()
    (out / "openapi.json").write_text("{}")  # stands for the output of an older exporter
    run("build", str(specs), "--out", str(out))
    assert (out / "openapi.json").read_text() == "{}"  # warm cache, nothing changed: left alone
    run("build", str(specs), "--out", str(out), "--no-cache")
    assert (out / "openapi.json").read_bytes() == fresh


ONE_LANGUAGE = """---
source_url: https://developers.binance.com/docs/derivatives/options-trading/trade/Thing
---

# Cancel Thing (TRADE)

## HTTP Request

DELETE `eapi/v1/thing`

## Request Weight

**1**

## Request Parameters

| Name | Type | Mandatory | Description |
| --- | --- | --- | --- |
| thingId | LONG | YES |  |

## Response Example

```json
{"thingId": 1, "status": "CANCELED"}
```
"""


def test_a_page_in_one_language_builds_and_says_it_was_compared_with_nothing(tmp_path):
    zh = ONE_LANGUAGE.replace("/docs/", "/docs/zh-CN/").replace("# Cancel Thing (TRADE)", "# 撤销 (TRADE)")
    specs = _specs(tmp_path, en=ONE_LANGUAGE, zh=zh)
    r = run("build", str(specs), "--out", str(tmp_path / "c"), "--no-cache")
    assert r.returncode == 0, r.stderr
    for name, lang, other in (("en", "en", "zh-CN"), ("zh", "zh-CN", "en")):
        c = json.loads((tmp_path / "c" / f"{name}.json").read_text())
        assert list(c["languages"]) == [lang] and (c["method"], c["path"]) == ("DELETE", "/eapi/v1/thing")
        codes = {f["code"]: f["message"] for f in c["findings"]}
        assert f"there is no {other} page to compare it with" in codes["page.one-language"]
        assert "'eapi/v1/thing' has no leading '/'" in codes["page.path-repaired"]  # the page's typo, read and said
        assert c["response"]["properties"]["status"] and c["request"]["required"] == ["thingId"]


def test_two_pages_that_would_write_one_contract_stop_the_build_before_anything_is_written(tmp_path):
    a, b = tmp_path / "pm", tmp_path / "pm-pro"
    for folder in (a, b):
        folder.mkdir()
        (folder / "account.md").write_text(ONE_LANGUAGE)
    r = run("build", str(a), str(b), "--out", str(tmp_path / "c"), "--no-cache")
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "pm/account.md and pm-pro/account.md would both become contract 'account'" in r.stderr
    assert not (tmp_path / "c").exists()
    r = run(
        "build", str(tmp_path), "--out", str(tmp_path / "c"), "--no-cache"
    )  # their common folder: ids keep the folder
    assert r.returncode == 0 and {p.name for p in (tmp_path / "c").iterdir()} >= {"pm", "pm-pro"}
    r = run(
        "build", str(a), str(a / "account.md"), "--out", str(tmp_path / "d"), "--no-cache"
    )  # one file named twice is one page
    assert r.returncode == 0, r.stderr


def test_a_value_list_that_leaves_out_its_own_default_is_a_finding_and_no_enum(tmp_path):
    page = ONE_LANGUAGE.replace(
        "| thingId | LONG | YES |  |",
        "| thingId | LONG | YES |  |\n| side | ENUM | NO | `LONG` or `SHORT`; default `BOTH` |",
    )
    r = run("build", str(_specs(tmp_path, t=page)), "--out", str(tmp_path / "c"), "--no-cache")
    c = json.loads((tmp_path / "c" / "t.json").read_text())
    assert (
        r.returncode == 0 and "enum" not in c["request"]["properties"]["side"]
    )  # BOTH is valid; a client must not refuse it
    (finding,) = [f for f in c["findings"] if f["code"] == "page.enum-omits-default"]
    assert finding["values"] == {"listed": ["LONG", "SHORT"], "default": "BOTH"} and finding["where"].endswith("| side")
