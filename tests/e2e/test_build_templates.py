"""A folder with a page in a template no reader knows still builds (issue 19, item 6): the page is
skipped as unknown-template with its reason and counted; only bytes that are no page fail it."""

from __future__ import annotations

import re

from helpers import SEED, run_cli


def test_a_page_in_an_unknown_template_is_skipped_and_counted_not_failed(tmp_path):
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "good.md").write_bytes(SEED.read_bytes())
    (specs / "odd.md").write_text(
        "---\nsource_url: x\n---\n\n# Odd\n\n## Request Parameters\n\nName| Type\n---|---\na| STRING\n"
    )
    (specs / "notitle.md").write_text("---\nsource_url: x\n---\n\nno title heading\n")
    (specs / "slate.html").write_text(
        "<!DOCTYPE html><html><body><div class='content'><h1>Old docs</h1></div></body></html>"
    )
    r = run_cli("build", str(specs), "--out", str(tmp_path / "c"), "--no-cache")
    assert r.returncode == 0, r.stderr
    said = " ".join(r.stdout.split())  # long lines are wrapped
    assert (
        "skip odd: [unknown-template] specs/odd.md (en): has request or response sections but no 'HTTP Request' section"
        in said
    )
    assert "skip notitle: [unknown-template] specs/notitle.md (en): no '# ' title heading" in said
    assert "skip slate: [unknown-template] specs/slate.html: no <article>" in said
    assert re.search(r"^  unknown-template +3 ", r.stdout, re.M) and "1 built, 0 unchanged, 3 skipped, 0 failed" in said
    (specs / "bad.md").write_bytes(b"\xc3\x28 not utf8")
    r = run_cli("build", str(specs), "--out", str(tmp_path / "c"), "--no-cache")
    assert r.returncode == 2 and "bad.md: not UTF-8" in r.stderr
