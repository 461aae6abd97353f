"""The real pages of ../shared/corpus: properties that hold however large the corpus grows."""

from __future__ import annotations

import json

import pytest
from helpers import CORPUS, CORPUS_MARKS
from jsonschema import Draft202012Validator

from doccontract.contract.build import find_specs
from doccontract.read.classify import CATEGORIES

pytestmark = CORPUS_MARKS


def test_every_page_is_built_or_classified_and_none_fails(corpus_build):
    _, results = corpus_build
    assert [r.detail for r in results if r.status == "failed"] == []
    pages = {s.display for s in find_specs([CORPUS])}
    assert {r.page for r in results} == pages  # every spec file is accounted for, by name
    for r in results:
        assert r.status in ("built", "skipped"), r
        if r.status == "skipped":
            assert r.category in CATEGORIES and r.detail, r
    skipped = {r.cid: r.category for r in results if r.status == "skipped"}
    assert (
        skipped["institutional_loan/error-code"] == "error-codes"
        and skipped["margin_trading/change-log"] == "changelog"
    )
    assert skipped["margin_trading/trade-data-stream/Event-Order-Update"] == "user-data-event"
    assert skipped["derivatives/usds-margined-futures/trade/websocket-api/Cancel-Order"] == "websocket-api"
    assert skipped["derivatives/usds-margined-futures/websocket-market-streams/Aggregate-Trade-Streams"] == "stream"


def test_pages_holding_many_endpoints_are_split_at_their_headings(corpus_build):
    out, results = corpus_build
    page = "binance-spot-api-docs/rest-api/market-data-endpoints"
    parts = {r.cid: r for r in results if r.cid.startswith(page + "/")}
    assert len(parts) >= 10 and all(r.status == "built" for r in parts.values())
    assert {r.page for r in parts.values()} == {f"binance/{page}.md"}
    depth = json.loads((out / f"{page}/order-book.json").read_text())
    assert (depth["method"], depth["path"]) == ("GET", "/api/v3/depth")
    assert depth["page"]["anchor"] == "order-book" and depth["sources"]["en"]["url"].endswith("#order-book")
    assert depth["weight"]["value"] == 250 and depth["weight"]["table"]["rows"][0] == {"when": "1-100", "weight": 5}
    assert (
        "If limit > 5000" in depth["request"]["properties"]["limit"]["description"]
    )  # a continuation line, not a parameter
    assert set(depth["request"]["properties"]) == {"symbol", "limit", "symbolStatus"}
    kline = json.loads((out / f"{page}/klinecandlestick-data.json").read_text())
    row = kline["response"]["items"]
    assert row["prefixItems"][0]["type"] == "integer" and row["prefixItems"][1]["type"] == "string"
    assert row["prefixItems"][1]["description"] == "Open price"


def test_every_example_validates_or_a_finding_says_why(corpus_build):
    out, results = corpus_build
    for r in results:
        if r.status != "built":
            continue
        c = json.loads((out / f"{r.cid}.json").read_text(encoding="utf-8"))
        codes = {f["code"] for f in c["findings"]}
        if not c["examples"]["response"]:
            assert codes & {"page.example-unreadable", "page.no-response-example", "page.no-response-body"}, r.cid
            continue
        valid = all(Draft202012Validator(c["response"]).is_valid(e) for e in c["examples"]["response"])
        assert valid or codes & {"page.example-invalid", "bilingual.example-field-omitted", "bilingual.example-type"}, (
            r.cid
        )


def test_weights_never_come_from_header_names_or_rate_limit_sentences(corpus_build):
    out, _ = corpus_build
    info = json.loads(
        (out / "derivatives/usds-margined-futures/market-data/rest-api/Get-Funding-Rate-Info.json").read_text()
    )
    assert info["weight"]["value"] == 0  # '**0** share 500/5min/IP rate limit with ...'
    order = json.loads((out / "derivatives/usds-margined-futures/trade/rest-api.json").read_text())
    assert order["weight"]["value"] == 0 and order["weight"]["unit"] == "IP" and len(order["weight"]["limits"]) == 3


def test_bilingual_findings_name_both_pages_and_skip_what_means_the_same(corpus_build):
    out, results = corpus_build
    for r in results:
        if r.status != "built":
            continue
        c = json.loads((out / f"{r.cid}.json").read_text(encoding="utf-8"))
        for f in c["findings"]:
            if f["code"].startswith("bilingual."):
                assert "(en)" in f["where"] and "(zh-CN)" in f["where"], f
                if f["code"] == "bilingual.param-type":
                    assert {f["values"]["en"], f["values"]["zh-CN"]} not in ({"INT", "INTEGER"}, {"STRING", "ENUM"}), f


def test_known_real_disagreements_are_found(corpus_build):
    out, _ = corpus_build
    closed = json.loads((out / "institutional_loan/account/Query-Closed-Group-Record.json").read_text())
    path = [f for f in closed["findings"] if f["code"] == "bilingual.path"]
    assert path and path[0]["values"]["en"] == "/sapi/v1/margin/loan-groups/closed"
    assert any(f["code"] == "page.example-type" and f["values"]["field"] == "/rows/enabled" for f in closed["findings"])
    seed = json.loads((out / "institutional_loan/account/Institution-Loan-Group-Close.json").read_text())
    assert [f["code"] for f in seed["findings"]] == ["bilingual.security"]
    otoco = json.loads((out / "margin_trading/trade/Margin-Account-New-OTOCO.json").read_text())
    assert any(f["code"] == "bilingual.path" for f in otoco["findings"])


#: Every corpus page, one test each, so the workers share the rendering round trips.
PAGES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.md")) if CORPUS.is_dir() else ["(no corpus)"]


@pytest.mark.parametrize("page_path", PAGES)
def test_rendering_reads_back_exactly_for_every_page(page_path):
    """fetch stores HTML pages as markdown specs and docsite serves specs as HTML: both must be lossless."""
    from doccontract.read.html import read_html
    from doccontract.read.load import read_page
    from doccontract.read.markdown import read_markdown
    from doccontract.read.render import render_html, render_markdown

    page = read_page(CORPUS / page_path)
    assert page.docs
    for lang, doc in page.docs.items():
        assert read_markdown(render_markdown(doc), lang).canonical() == doc.canonical(), (lang, "markdown")
        assert read_html(render_html(doc, "https://x"), lang)[0].canonical() == doc.canonical(), (lang, "html")
