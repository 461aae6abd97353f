"""Hostile files and folders (issue 15): no write outside its folder, no crash, no half-write,
bounded reads.  Every case is a real process, as a user meets it: one line naming the path, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, SEED
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st


def run(*args, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "doccontract", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def one_line(r) -> str:
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    return " ".join(lines)


def _seed_specs(root: Path) -> Path:
    target = root / "binance" / "institutional_loan" / "account" / SEED.name
    target.parent.mkdir(parents=True)
    target.write_bytes(SEED.read_bytes())
    return target


def test_build_refuses_a_symlinked_folder_in_the_output_and_writes_nothing_there(tmp_path):
    specs = tmp_path / "specs"
    _seed_specs(specs)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "contracts"
    (out / "binance").mkdir(parents=True)
    (out / "binance" / "institutional_loan").symlink_to(elsewhere)
    r = run("build", str(specs), "--out", str(out), "--no-cache")
    assert r.returncode == 2
    assert "outside" in one_line(r) and "institutional_loan" in r.stderr
    assert list(elsewhere.iterdir()) == []


def test_add_refuses_a_symlinked_folder_in_specs_and_writes_nothing_there(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    specs = tmp_path / "specs"
    (specs / "binance").mkdir(parents=True)
    (specs / "binance" / "institutional_loan").symlink_to(elsewhere)
    r = run("add", str(SEED), "--out", str(specs))
    assert r.returncode == 2
    assert "outside" in one_line(r) and str(SEED) in r.stderr
    assert list(elsewhere.rglob("*")) == []


def test_add_checks_every_page_before_writing_any(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "a-good.md").write_bytes(SEED.read_bytes())
    long = "x" * 300
    bad = SEED.read_text(encoding="utf-8").replace("Institution-Loan-Group-Close", long, 1)
    (export / "b-long.md").write_text(bad, encoding="utf-8")
    specs = tmp_path / "specs"
    r = run("add", str(export), "--out", str(specs))
    assert r.returncode == 2
    assert "b-long.md" in one_line(r) and "255" in r.stderr
    assert not specs.exists() or list(specs.rglob("*.md")) == []


def test_add_on_a_read_only_folder_is_one_line_and_writes_nothing(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes to read-only folders")
    specs = tmp_path / "specs"
    specs.mkdir()
    specs.chmod(0o500)
    try:
        r = run("add", str(SEED), "--out", str(specs))
    finally:
        specs.chmod(0o700)
    assert r.returncode == 2 and str(specs) in one_line(r)


def test_add_into_a_folder_that_cannot_be_made_is_one_line_and_writes_nothing(tmp_path):
    """What a read-only disk looks like to a root user too: the folder cannot be made."""
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    r = run("add", str(SEED), "--out", str(blocker / "specs"))
    assert r.returncode == 2 and "afile" in one_line(r) and "not a folder" in r.stderr
    assert blocker.read_text() == "x"


def test_add_skips_a_folder_named_like_a_page(tmp_path):
    export = tmp_path / "export"
    (export / "x.md").mkdir(parents=True)
    (export / "Close.md").write_bytes(SEED.read_bytes())
    r = run("add", str(export), "--out", str(tmp_path / "specs"))
    assert r.returncode == 0, r.stderr
    assert "1 page(s) added" in r.stdout


@pytest.mark.parametrize("command", ["add", "diff", "build"])
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path, command):
    fifo = tmp_path / "page.md"
    os.mkfifo(fifo)
    args = {
        "add": ("add", str(fifo), "--out", str(tmp_path / "specs")),
        "diff": ("diff", str(fifo), str(SEED)),
        "build": ("build", str(fifo), "--out", str(tmp_path / "c")),
    }
    r = run(*args[command], timeout=60)  # before the fix: blocked forever (the timeout fails the test)
    assert r.returncode == 2
    assert "page.md" in one_line(r) and "FIFO" in r.stderr


@pytest.mark.parametrize("content", ["[1,2,3]", "{not json", '{"format":2}'])
def test_a_stray_file_in_the_contracts_folder_is_named(tmp_path, content):
    specs = tmp_path / "specs"
    _seed_specs(specs)
    out = tmp_path / "c"
    (out / "binance").mkdir(parents=True)
    (out / "binance" / "x.json").write_text(content)
    r = run("build", str(specs), "--out", str(out), "--no-cache")
    assert r.returncode == 2
    assert "binance/x.json" in one_line(r)


def test_drift_report_dir_that_is_a_file_is_one_line(tmp_path):
    report = tmp_path / "report"
    report.write_text("a file")
    r = run(
        "drift",
        "--specs",
        str(tmp_path / "nospecs"),
        "--contracts",
        str(tmp_path / "noc"),
        "--report-dir",
        str(report),
        "--base-url",
        "http://127.0.0.1:9",
    )
    assert r.returncode == 2
    assert "report" in one_line(r) and "not a folder" in r.stderr
    assert report.read_text() == "a file"


MULTI = """# Market endpoints

### {first}

```
GET /api/v3/depth
```

Weight: 5

Response:

```json
{{"lastUpdateId": 1}}
```

### Recent trades

```
GET /api/v3/trades
```

Weight: 25

Response:

```json
[{{"id": 1}}]
```
"""


def _en_only(first: str) -> str:
    return f"---\nexchange: binance\nsource_url: https://developers.binance.com/docs/test/Multi\n---\n\n{MULTI.format(first=first)}"


@pytest.mark.parametrize("heading", ["...", "Order book " + "x" * 300])
def test_a_page_whose_heading_cannot_name_a_file_fails_alone(tmp_path, heading):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "multi.md").write_text(_en_only(heading), encoding="utf-8")
    (specs / "good.md").write_bytes(SEED.read_bytes())
    out = tmp_path / "c"
    r = run("build", str(specs), "--out", str(out), "--no-cache")
    assert r.returncode == 2
    assert "specs/multi.md" in one_line(r) and "FAIL" in r.stderr
    assert (out / "good.json").is_file()
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".json") == ["errors.json", "good.json", "openapi.json"]


def test_a_long_upper_case_enum_description_builds_in_linear_time(tmp_path):
    """Quadratic enum patterns took minutes on 24k characters; linear ones take well under a second.
    The guard is the subprocess timeout: generous for linear, hopeless for quadratic at 200k."""
    run_text = "A" * 200_000
    page = (
        "---\nsource_url: https://developers.binance.com/docs/test/Enum\n---\n\n"
        "# New order (TRADE)\n\n## HTTP Request\n\nPOST `/api/v3/order`\n\n## Request Parameters\n\n"
        f"| Name | Type | Mandatory | Description |\n| --- | --- | --- | --- |\n| side | ENUM | YES | {run_text} |\n\n"
        '## Response Example\n\n```json\n{"orderId": 1}\n```\n'
    )
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "Enum.md").write_text(page, encoding="utf-8")
    r = run("build", str(specs), "--out", str(tmp_path / "c"), "--no-cache", "-q", timeout=60)
    assert r.returncode == 0, r.stderr
    assert "1 built" in r.stdout


def _folder(root: Path, name: str, n: int) -> Path:
    folder = root / name / "specs"
    folder.mkdir(parents=True)
    for i in range(n):
        text = SEED.read_text(encoding="utf-8").replace("/sapi/v1/margin/loan-group", f"/sapi/v1/{name}/p{i}")
        (folder / f"{name}-p{i}.md").write_text(text, encoding="utf-8")
    return folder


def test_concurrent_builds_into_one_folder_keep_every_folder_in_the_manifest(tmp_path):
    out = tmp_path / "out"
    folders = [_folder(tmp_path, f"v{k}", 3) for k in range(4)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "doccontract", "build", str(f), "--out", str(out), "--no-cache", "-q"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for f in folders
    ]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    manifest = json.loads((out / ".doccontract-manifest").read_text())
    files = {f for group in manifest["folders"] for names in group.values() for f in names}
    assert len(manifest["folders"]) == 4 and len(files) == 12
    assert json.loads((out / "openapi.json").read_text())["paths"].keys() >= {
        f"/sapi/v1/v{k}/p{i}" for k in range(4) for i in range(3)
    }
    (folders[2] / "v2-p1.md").unlink()  # a removed spec takes its contract with it
    r = run("build", str(folders[2]), "--out", str(out), "--no-cache", "-q")
    assert r.returncode == 0, r.stderr
    assert not (out / "v2-p1.json").exists() and (out / "v3-p1.json").exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=12),
            lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids, max_size=4),
            max_leaves=12,
        ).map(lambda v: json.dumps({"format": 3, "folders": v}).encode()),
        st.lists(
            st.dictionaries(st.text(max_size=20), st.lists(st.text(max_size=30), max_size=3), max_size=3), max_size=3
        ).map(lambda v: json.dumps({"format": 3, "folders": v}).encode()),
    )
)
@example(
    json.dumps({"format": 3, "folders": [{"specs/good.md": ["../outside.json", "a\x00.json", "/etc/x.json"]}]}).encode()
)
def test_any_manifest_is_ignored_safely_never_a_traceback(tmp_path_factory, manifest):
    """In-process (a process per example would take minutes): a corrupt manifest is read as none."""
    from doccontract.contract.build import build

    root = tmp_path_factory.mktemp("m")
    specs = root / "specs"
    specs.mkdir()
    (specs / "good.md").write_bytes(SEED.read_bytes())
    out = root / "c"
    out.mkdir()
    (out / ".doccontract-manifest").write_bytes(manifest)
    outside = root / "outside.json"
    outside.write_text("{}")
    results = build([specs], out, use_cache=False)
    assert [r.status for r in results if r.status != "removed"] == ["built"]
    assert outside.exists() and (out / "good.json").is_file()
    assert json.loads((out / ".doccontract-manifest").read_text())["format"] == 3
