"""The 89 real pages of ../shared/corpus: nothing crashes, every example validates or a finding says why."""

from __future__ import annotations

import json

import pytest
from helpers import CORPUS, needs_corpus
from jsonschema import Draft202012Validator

from doccontract.build import build

pytestmark = needs_corpus


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    return out, build([CORPUS], out, jobs=2, use_cache=False)


def test_every_page_is_read_or_classified(corpus_build):
    _, results = corpus_build
    assert len(results) == 89
    assert [r.detail for r in results if r.status == "failed"] == []
    skipped = {r.cid for r in results if r.status == "skipped"}
    assert "institutional_loan/error-code" in skipped and "margin_trading/change-log" in skipped
    assert "margin_trading/trade-data-stream/Event-Order-Update" in skipped
    assert sum(r.status == "built" for r in results) >= 65


def test_every_example_validates_or_a_finding_says_why(corpus_build):
    out, results = corpus_build
    for r in results:
        if r.status != "built":
            continue
        c = json.loads((out / f"{r.cid}.json").read_text(encoding="utf-8"))
        codes = {f["code"] for f in c["findings"]}
        if not c["examples"]["response"]:
            assert codes & {"page.example-unreadable", "page.no-response-example"}, r.cid
            continue
        valid = Draft202012Validator(c["response"]).is_valid(c["examples"]["response"][0])
        assert valid or "page.example-invalid" in codes, r.cid


def test_known_real_disagreements_are_found(corpus_build):
    out, _ = corpus_build
    closed = json.loads((out / "institutional_loan/account/Query-Closed-Group-Record.json").read_text())
    path = [f for f in closed["findings"] if f["code"] == "bilingual.path"]
    assert path and path[0]["values"]["en"] == "/sapi/v1/margin/loan-groups/closed"
    assert any(f["code"] == "page.example-invalid" and f["values"]["pointer"].endswith("/enabled") for f in closed["findings"])
    seed = json.loads((out / "institutional_loan/account/Institution-Loan-Group-Close.json").read_text())
    assert [f["code"] for f in seed["findings"]] == ["bilingual.security"]


def test_rendering_reads_back_exactly_for_every_page():
    """fetch stores HTML pages as markdown specs and docsite serves specs as HTML: both must be lossless."""
    from doccontract.build import find_specs
    from doccontract.pages import read_html, read_markdown, read_page, render_html, render_markdown

    for spec in find_specs([CORPUS]):
        page = read_page(spec.path)
        for lang, doc in page.docs.items():
            assert read_markdown(render_markdown(doc), lang).canonical() == doc.canonical(), (spec.cid, lang, "markdown")
            assert read_html(render_html(doc, "https://x"), lang)[0].canonical() == doc.canonical(), (spec.cid, lang, "html")
