"""`doccontract add`: local crawler-export pages become specs through a command, never by hand."""

from __future__ import annotations

from helpers import SEED, crawler_page, run_cli


def run(*args):
    return run_cli("add", *args)


def test_endpoint_pages_land_at_their_url_path_byte_for_byte_and_others_are_skipped(tmp_path):
    export = tmp_path / "export" / "institutional_loan"
    (export / "account").mkdir(parents=True)
    (export / "account" / "Close.md").write_bytes(SEED.read_bytes())
    intro = crawler_page(
        "# Introduction\n\nWelcome.",
        "# 简介\n\n欢迎。",
        url="https://developers.binance.com/docs/institutional_loan/Introduction",
    )
    (export / "Introduction.md").write_text(intro, encoding="utf-8")
    specs = tmp_path / "specs"
    r = run(str(tmp_path / "export"), "--out", str(specs))
    assert r.returncode == 0, r.stderr
    target = specs / "binance/institutional_loan/account/Institution-Loan-Group-Close.md"
    assert target.read_bytes() == SEED.read_bytes()
    assert "skipped: not an endpoint page (introduction)" in r.stdout
    assert [p.name for p in specs.rglob("*.md")] == [target.name]
    assert "1 page(s) added" in r.stdout


def test_an_unchanged_page_leaves_the_spec_byte_identical(tmp_path):
    specs = tmp_path / "specs"
    assert run(str(SEED), "--out", str(specs)).returncode == 0
    target = next(specs.rglob("*.md"))
    target.write_bytes(target.read_bytes().replace(b"[](", b"[\xe2\x80\x8b]("))  # cosmetic: zero-width spaces only
    before = target.read_bytes()
    r = run(str(SEED), "--out", str(specs))
    assert r.returncode == 0 and "unchanged" in r.stdout
    assert target.read_bytes() == before


def test_a_bad_page_stops_the_command_before_anything_is_written(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_bytes(SEED.read_bytes())
    (src / "b.md").write_text("---\nsource_url: https://developers.binance.com/docs/x/Y\n---\n", encoding="utf-8")
    no_url = tmp_path / "no_url.md"
    no_url.write_text(SEED.read_text(encoding="utf-8").replace("source_url:", "origin:"), encoding="utf-8")
    specs = tmp_path / "specs"
    for bad, named in ((src, "b.md"), (no_url, "no_url.md")):
        r = run(str(bad), "--out", str(specs))
        assert r.returncode == 2 and named in r.stderr and "nothing was written" in r.stderr
        assert not specs.exists()
    r = run(str(tmp_path / "missing"), "--out", str(specs))
    assert r.returncode == 2 and "missing: no such file or folder" in r.stderr
