"""fetch, diff, drift alerts and nightly as a user runs them, against real local servers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, SEED, SEED_ID, seed_repo
from stub import StubServer
from test_drift import DOCS_PATH, committed_seed, serve, variant

from doccontract.watch.docsite import DocSite

TOKEN = "ghp_doccontractTestToken0000000000000000"


def doccontract(*args, cwd=ROOT, env_extra=None, timeout=300):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "doccontract", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.fixture
def repo(tmp_path):
    return seed_repo(tmp_path)


def cache_env(tmp_path):
    return {"XDG_CACHE_HOME": str(tmp_path / "cache")}


def test_fetch_writes_a_spec_that_builds_the_same_contract(tmp_path):
    with DocSite() as site:
        serve(site)
        r = doccontract(
            "fetch",
            f"binance/{DOCS_PATH}",
            "--base-url",
            site.url,
            "--out",
            str(tmp_path / "specs"),
            env_extra=cache_env(tmp_path),
        )
        assert r.returncode == 0, r.stderr
        again = doccontract(
            "fetch", "--base-url", site.url, "--out", str(tmp_path / "specs"), env_extra=cache_env(tmp_path)
        )
    assert "2 not modified" in again.stdout  # conditional GETs: nothing was downloaded twice
    spec = tmp_path / f"specs/{SEED_ID}.md"
    text = spec.read_text()
    assert (
        text.startswith("---\nexchange: binance\nsource_url: https://developers.binance.com/docs/")
        and "\n---\n\n# 关闭风险单位" in text
    )
    r = doccontract("build", str(tmp_path / "specs"), "--out", str(tmp_path / "c"), "--no-cache")
    assert r.returncode == 0
    assert (tmp_path / f"c/{SEED_ID}.json").read_bytes() == (ROOT / f"contracts/{SEED_ID}.json").read_bytes()


def test_failed_fetch_leaves_the_committed_spec_untouched(tmp_path):
    spec = committed_seed(tmp_path)
    with DocSite() as site:
        serve(site)
        site.fail(f"/docs/zh-CN/{DOCS_PATH}", *["not-found-page"] * 4)
        r = doccontract(
            "fetch",
            f"binance/{DOCS_PATH}",
            "--base-url",
            site.url,
            "--out",
            str(tmp_path / "specs"),
            env_extra=cache_env(tmp_path),
        )
    assert r.returncode == 3 and "'Page Not Found' page" in r.stderr and "nothing was written" in r.stderr
    assert spec.read_bytes() == SEED.read_bytes()


def test_diff_of_two_spec_files_and_of_two_trees(tmp_path):
    new = tmp_path / "new.md"
    new.write_text(variant(en=[("1000(UID)", "3000(UID)")], zh=[("1000(UID)", "3000(UID)")]))
    r = doccontract("diff", str(SEED), str(new))
    assert (
        r.returncode == 2
        and "weight.increased" in r.stdout
        and '`{"unit": "UID", "value": 1000}` → `{"unit": "UID", "value": 3000}`' in r.stdout
    )
    same = doccontract("diff", str(ROOT / "contracts"), str(ROOT / "contracts"), "--format", "json")
    assert same.returncode == 0 and json.loads(same.stdout)["status"] == "no-drift"
    missing = doccontract("diff", str(SEED), str(tmp_path / "nope.md"))
    assert (
        missing.returncode == 2
        and "nope.md: no such file or folder" in missing.stderr
        and "Traceback" not in missing.stderr
    )


def test_cosmetic_only_spec_diff_is_clean(tmp_path):
    noisy = tmp_path / "noisy.md"
    noisy.write_text(
        SEED.read_text()
        .replace("2026-01-15T23:50:26.646027", "2026-11-24T00:00:00")
        .replace("#http-request", "#http-request-1")
    )
    assert doccontract("diff", str(SEED), str(noisy)).returncode == 0


class FakeGitHub:
    """Just enough of the GitHub issues API, on a real local server."""

    def __init__(self):
        self.issues: list[dict] = []
        self.auth: set[str] = set()

    def __call__(self, seen):
        self.auth.add(seen.headers.get("authorization", ""))
        path = seen.path.split("?")[0]
        if seen.method == "GET":
            body = [i for i in self.issues if i["state"] == "open"]
            return (200, {"Content-Type": "application/json"}, json.dumps(body).encode())
        data = json.loads(seen.body)
        if seen.method == "POST":
            issue = {"number": len(self.issues) + 1, "state": "open", **data}
            self.issues.append(issue)
            return (201, {"Content-Type": "application/json"}, json.dumps(issue).encode())
        number = int(path.rsplit("/", 1)[1])
        self.issues[number - 1].update(data)
        return (200, {"Content-Type": "application/json"}, json.dumps(self.issues[number - 1]).encode())


def test_alerts_webhook_and_one_github_issue_per_fingerprint(repo):
    github = FakeGitHub()
    hook_messages = []

    def hook(seen):
        hook_messages.append(json.loads(seen.body))
        return (200, {}, b"ok")

    args = [
        "--specs",
        str(repo / "specs"),
        "--contracts",
        str(repo / "contracts"),
        "--report-dir",
        str(repo / "reports"),
    ]
    with DocSite() as site, StubServer(github) as gh, StubServer(hook) as wh:
        serve(site, variant(en=[("1000(UID)", "3000(UID)")], zh=[("1000(UID)", "3000(UID)")]))
        alert = [
            "--base-url",
            site.url,
            "--alert-webhook",
            wh.url,
            "--github-issue",
            "acme/api",
            "--github-api",
            gh.url,
        ]
        env = {"GITHUB_TOKEN": TOKEN, **cache_env(repo)}
        first = doccontract("drift", *args, *alert, env_extra=env)
        second = doccontract("drift", *args, *alert, env_extra=env)
    assert first.returncode == second.returncode == 2, first.stderr
    assert "issue #1 opened" in first.stdout and "issue #1 updated" in second.stdout
    assert len(github.issues) == 1  # the next night updates, never duplicates
    issue = github.issues[0]
    assert issue["labels"] == ["doc-drift", "breaking"] and "weight.increased" in issue["body"]
    assert github.auth == {f"Bearer {TOKEN}"}
    text = hook_messages[0]["text"]
    assert "BREAKING" in text and "the weight rose from 1000 to 3000" in text  # what changed, in words
    assert "developers.binance.com/docs/institutional_loan/account/Institution-Loan-Group-Close" in text
    for text in (
        first.stdout,
        first.stderr,
        second.stdout,
        *(p.read_text() for p in (repo / "reports").iterdir()),
        json.dumps(hook_messages),
    ):
        assert TOKEN not in text


def test_no_alert_when_nothing_drifted_or_the_fetch_failed(repo):
    hooks = []
    with DocSite() as site, StubServer(lambda s: hooks.append(s) or (200, {}, b"ok")) as wh:
        serve(site)
        args = [
            "--specs",
            str(repo / "specs"),
            "--contracts",
            str(repo / "contracts"),
            "--base-url",
            site.url,
            "--alert-webhook",
            wh.url,
        ]
        assert doccontract("drift", *args, env_extra=cache_env(repo)).returncode == 0
        site.fail(f"/docs/{DOCS_PATH}", *[503] * 10)
        failed = doccontract("drift", *args, "--timeout", "2", env_extra=cache_env(repo))
    assert failed.returncode == 3 and "HTTP 503" in failed.stderr
    assert hooks == []


def test_nightly_writes_every_report_to_one_folder(repo):
    reports = repo / "reports"
    with DocSite() as site:
        serve(site)
        r = doccontract(
            "nightly",
            "--specs",
            str(repo / "specs"),
            "--contracts",
            str(repo / "contracts"),
            "--base-url",
            site.url,
            "--report-dir",
            str(reports),
            env_extra=cache_env(repo),
        )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert sorted(p.name for p in reports.iterdir()) == [
        "contract-junit.xml",
        "drift-junit.xml",
        "drift.json",
        "drift.md",
    ]


def test_workflows_have_the_expected_structure():
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    nightly = yaml.safe_load((ROOT / ".github/workflows/nightly.yml").read_text())
    readme = (ROOT / "README.md").read_text()
    install = "pip install -e '.[test]'"
    assert install in readme
    on = nightly[True] if True in nightly else nightly["on"]  # YAML 1.1 reads a bare `on` as True
    assert on["schedule"][0]["cron"] and "workflow_dispatch" in on and "pull_request" not in on
    assert nightly["permissions"] == {"contents": "read", "issues": "write"}
    assert nightly["concurrency"]["group"] and nightly["concurrency"]["cancel-in-progress"] is False
    steps = nightly["jobs"]["drift"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert install in runs and "doccontract nightly" in runs and "--github-issue" in runs
    assert "_API_KEY" in runs and "BINANCE_PARENT" in runs  # live checks only when a key (default or per role) is set
    assert "_PRIVATE_KEY_PATH" in runs
    summary = [s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", "")]
    assert summary and summary[0]["if"] == "always()" and "reports/drift.md" in summary[0]["run"]
    upload = [s for s in steps if "upload-artifact" in s.get("uses", "")]
    assert upload and upload[0]["with"]["path"] == "reports/" and upload[0]["if"] == "always()"
    ci_on = ci[True] if True in ci else ci["on"]
    assert ci_on["push"] == {"branches": ["main"]} and "pull_request" in ci_on  # one run per pull request
    assert ci["permissions"] == {"contents": "read"} and ci["concurrency"]["cancel-in-progress"] is True
    ci_runs = "\n".join(s.get("run", "") for s in ci["jobs"]["test"]["steps"])
    assert install in ci_runs and "pytest" in ci_runs
    ci_script = (ROOT / ".ci/run").read_text()
    assert install in ci_script and "\npytest" in ci_script


@pytest.mark.parametrize(
    "code,green", [(0, True), (1, True), (2, False), (3, False), (4, False), (5, False), (70, False), (130, False)]
)
def test_the_nightly_step_is_green_only_for_no_drift_or_delivered_non_breaking_drift(tmp_path, code, green):
    """The workflow's own shell, run with a stand-in `doccontract` that exits with each code."""
    nightly = yaml.safe_load((ROOT / ".github/workflows/nightly.yml").read_text())
    [step] = [s for s in nightly["jobs"]["drift"]["steps"] if "doccontract nightly" in s.get("run", "")]
    script = step["run"].replace(". .venv/bin/activate", "true")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "doccontract"
    fake.write_text(f'#!/bin/sh\necho "$BINANCE_PRIVATE_KEY_PATH" > "{tmp_path}/key-path"\nexit {code}\n')
    fake.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_REPOSITORY": "acme/api",
        "RUNNER_TEMP": str(tmp_path),
        "BINANCE_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----",
    }
    r = subprocess.run(["bash", "-e", "-c", script], env=env, capture_output=True, text=True, timeout=30)
    assert (r.returncode == 0) is green, (code, r.returncode, r.stdout, r.stderr)
    assert f"exit_code={code}" in (tmp_path / "out").read_text()
    key_path = (tmp_path / "key-path").read_text().strip()
    assert key_path == str(tmp_path / "binance-key.pem") and "BEGIN PRIVATE KEY" in Path(key_path).read_text()
    assert oct(Path(key_path).stat().st_mode & 0o777) == "0o600"


def test_the_nightly_step_writes_a_private_key_file_per_role_and_goes_live_on_a_role_key_alone(tmp_path):
    """The workflow's own shell: each role's PEM secret becomes a 0600 file named by its _PRIVATE_KEY_PATH,
    the PEM text itself never reaches doccontract, and a role key alone is enough for live checks."""
    nightly = yaml.safe_load((ROOT / ".github/workflows/nightly.yml").read_text())
    [step] = [s for s in nightly["jobs"]["drift"]["steps"] if "doccontract nightly" in s.get("run", "")]
    for role in ("PARENT", "CREDIT", "COLLATERAL"):
        assert f"BINANCE_{role}_API_KEY" in step["env"] and f"BINANCE_{role}_PRIVATE_KEY" in step["env"]
    script = step["run"].replace(". .venv/bin/activate", "true")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "doccontract"
    fake.write_text(
        f'#!/bin/sh\nenv | grep ^BINANCE_ | sort > "{tmp_path}/env"\necho "$@" > "{tmp_path}/args"\nexit 0\n'
    )
    fake.chmod(0o755)
    pem = "-----BEGIN PRIVATE KEY-----\nparent\n-----END PRIVATE KEY-----"
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(tmp_path / "out"),
        "GITHUB_REPOSITORY": "acme/api",
        "RUNNER_TEMP": str(tmp_path),
        "BINANCE_API_KEY": "",  # an unset repository secret arrives empty
        "BINANCE_PARENT_API_KEY": "parentKey0001",
        "BINANCE_PARENT_PRIVATE_KEY": pem,
    }
    r = subprocess.run(["bash", "-e", "-c", script], env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    seen = dict(line.split("=", 1) for line in (tmp_path / "env").read_text().splitlines() if "=" in line)
    path = Path(seen["BINANCE_PARENT_PRIVATE_KEY_PATH"])
    assert path.read_text().strip() == pem and oct(path.stat().st_mode & 0o777) == "0o600"
    assert "BINANCE_PARENT_PRIVATE_KEY" not in seen and "BEGIN" not in (tmp_path / "env").read_text().replace(
        str(path), ""
    )
    assert "--target live" in (tmp_path / "args").read_text()
