"""`doccontract add` never replaces a spec with a page of another endpoint (a crawler's slip)."""

from __future__ import annotations

import subprocess
import sys

from crawl_pages import CLOSE, closed_record_page, endpoint_page, write
from helpers import ROOT


def add(*args):
    return subprocess.run(
        [sys.executable, "-m", "doccontract", "add", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def snapshot(root):
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_crawled_page_holding_another_endpoint_is_refused_and_nothing_is_written(tmp_path):
    specs = tmp_path / "specs"
    assert add(str(write(tmp_path / "jan", CLOSE, endpoint_page())), "--out", str(specs)).returncode == 0
    before = snapshot(specs)
    crawl = tmp_path / "crawl"
    write(
        crawl,
        "widgets/account/Widget-Other",
        endpoint_page("widgets/account/Widget-Other", title=("Other", "其他"), request="GET /sapi/v1/other"),
    )
    wrong = write(crawl, CLOSE, closed_record_page(url_path=CLOSE))
    r = add(str(crawl), "--out", str(specs))
    assert r.returncode == 2, r.stdout
    err = " ".join(r.stderr.split())
    assert (
        str(wrong) in err
        and "Widget-Close" in err
        and "Query-Closed-Widget-Record" in err
        and "nothing was written" in err
    )
    assert len(r.stderr.strip().splitlines()) == 1
    assert snapshot(specs) == before  # neither the wrong page nor its neighbour


def test_a_wrong_page_without_anchors_is_refused_by_its_title_and_request_line(tmp_path):
    specs = tmp_path / "specs"
    assert add(str(write(tmp_path / "jan", CLOSE, endpoint_page())), "--out", str(specs)).returncode == 0
    before = snapshot(specs)
    r = add(str(write(tmp_path / "crawl", CLOSE, closed_record_page(url_path=CLOSE, anchors=""))), "--out", str(specs))
    assert r.returncode == 2 and "as the spec does" in r.stderr and snapshot(specs) == before


def test_the_same_endpoints_newer_page_replaces_its_spec(tmp_path):
    specs = tmp_path / "specs"
    assert add(str(write(tmp_path / "jan", CLOSE, endpoint_page())), "--out", str(specs)).returncode == 0
    newer = endpoint_page(weight="3000(UID)", request="DELETE /sapi/v2/widget")  # same page, its own anchors
    r = add(str(write(tmp_path / "crawl", CLOSE, newer)), "--out", str(specs))
    assert r.returncode == 0, r.stderr
    assert (specs / "binance" / f"{CLOSE}.md").read_text(encoding="utf-8") == newer


def test_the_real_crawl_slip_close_url_holding_the_closed_record_page_is_refused(tmp_path):
    import re
    import shutil

    import pytest
    from helpers import CORPUS, SEED

    closed = CORPUS / "institutional_loan/account/Query-Closed-Group-Record.md"
    if not closed.is_file():
        pytest.skip("the shared corpus is not here")
    specs = tmp_path / "specs"
    target = specs / "binance/institutional_loan/account/Institution-Loan-Group-Close.md"
    target.parent.mkdir(parents=True)
    shutil.copyfile(SEED, target)
    text = closed.read_text(encoding="utf-8")  # the body and anchors of Query Closed Risk Unit Record ...
    url = "https://developers.binance.com/docs/institutional_loan/account/Institution-Loan-Group-Close"
    crawled = tmp_path / "crawl/Institution-Loan-Group-Close.md"  # ... saved under the Close URL
    crawled.parent.mkdir()
    crawled.write_text(re.sub(r"source_url: .*", f"source_url: {url}", text, count=1), encoding="utf-8")
    r = add(str(crawled), "--out", str(specs))
    assert (
        r.returncode == 2
        and "Query-Closed-Group-Record" in r.stderr
        and "GET /sapi/v1/margin/loan-groups/closed" in " ".join(r.stderr.split())
    )
    assert target.read_bytes() == SEED.read_bytes()
