"""drift watches the rule pages and change logs a spec folder keeps, over real HTTP on loopback."""

from __future__ import annotations

import subprocess
import sys

from crawl_pages import CHANGES, RULES, changelog_page, rules_page, write
from helpers import ROOT

from doccontract.read.load import parse_page
from doccontract.watch.docsite import DocSite
from doccontract.watch.drift import run_drift
from doccontract.watch.fetch import Fetcher


def repo_with(tmp_path, pages: dict[str, str]):
    crawl = tmp_path / "crawl"
    for path, text in pages.items():
        write(crawl, path, text)
    r = subprocess.run(
        [sys.executable, "-m", "doccontract", "add", str(crawl), "--out", str(tmp_path / "specs")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    (tmp_path / "contracts").mkdir()
    return tmp_path


def run(repo, site):
    return run_drift(
        repo / "specs", repo / "contracts", None, Fetcher(site.url, timeout=2, backoff=0.01, cache_dir=repo / ".cache")
    )


def test_add_keeps_rule_pages_and_change_logs_and_drift_reports_what_changed(tmp_path):
    entries = [("2026-01-10", "Widgets can be closed.", "小部件可以关闭。")]
    repo = repo_with(tmp_path, {RULES: rules_page(), CHANGES: changelog_page(entries)})
    with DocSite() as site:
        site.put_specs(sorted((repo / "specs").rglob("*.md")))
        same = run(repo, site)
        assert same.exit_code == 0 and same.errors == [] and len(same.drifts) == 2
        stricter = rules_page(
            "recvWindow defaults to 5000 ms. It may not exceed 10000 ms.",
            "recvWindow 默认为 5000 毫秒。不能超过 10000 毫秒。",
        )
        site.put(RULES, parse_page(stricter.encode(), "r.md"))
        site.put(
            CHANGES,
            parse_page(
                changelog_page([("2026-03-02", "Widgets can be reopened.", "小部件可以重新打开。"), *entries]).encode(),
                "c.md",
            ),
        )
        changed = run(repo, site)
    found = {(c.cls, c.code, tuple(c.languages)) for d in changed.drifts for c in d.changes}
    assert ("documentation", "rules.changed", ("en",)) in found and (
        "documentation",
        "rules.changed",
        ("zh-CN",),
    ) in found
    assert any(cls == "news" and code == "changelog.entry" for cls, code, _ in found)
    assert changed.exit_code == 1
