"""The reader's parser-free reading of common inline markup is markdown-it's own reading.

Most table cells and lines hold only code spans, words_with_underscores or **bold**; reading
those without the inline parser is what keeps the build near markdown-it's tokenize time. These
tests hold the shortcut to the parser: any disagreement is a wrong contract, not a slow one.
"""

from __future__ import annotations

import re

import pytest
from helpers import CORPUS, needs_corpus
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from doccontract.read import markdown as md
from doccontract.read.model import clean


def parsed(src: str) -> str:
    tokens = md._MD.parseInline(src)
    return md._inline_text(tokens[0]) if tokens else ""


@pytest.mark.parametrize(
    "src,text",
    [
        ("**200(IP)**", "200(IP)"),
        ("**1** for a single symbol; **40** when omitted", "1 for a single symbol; 40 when omitted"),
        ("a`b`c`d", "abc`d"),  # the last backtick has no closer
        ("`LIMIT`, `MARKET`", "LIMIT, MARKET"),
        ("中` b( `x", "中b(x"),  # a code span loses one space each side
        ("NEW_ORDER_RESP_TYPE", "NEW_ORDER_RESP_TYPE"),  # underscores inside words are no emphasis
        ("**注意：** 响应", "注意： 响应"),
    ],
)
def test_common_markup_reads_like_the_parser(src, text):
    assert md._plain_markup(src) is not None and clean(md._plain_markup(src)) == text == parsed(src)


@pytest.mark.parametrize("src", ["**a****b**", "_italic_", "*one*", "``a``", "a\\`b", "[x](y)", "`a` **b**"])
def test_anything_else_goes_to_the_parser(src):
    assert md._plain_markup(src) is None and md._inline_source(src) == clean(parsed(src))


# 1,000 strings the shortcut reads (about what 3,000 unfiltered strings gave before the filter)
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    st.lists(
        st.sampled_from(["*", "**", "`", "_", "a", "b", "1", " ", ":", "(", ")", "\n", "\t", "中", "，", "-", "'"]),
        max_size=14,
    )
)
def test_the_shortcut_never_disagrees_with_the_parser(pieces):
    src = "".join(pieces)
    plain = md._plain_markup(src)
    assume(plain is not None)  # only strings the shortcut reads; hypothesis fails if it finds none
    assert clean(plain) == parsed(src)


@needs_corpus
def test_every_corpus_line_the_shortcut_reads_reads_like_the_parser():
    checked = 0
    for f in sorted(CORPUS.rglob("*.md")):
        for line in f.read_text(encoding="utf-8").splitlines():
            for src in [line, *line.split("|")]:  # whole lines and table cells
                if re.search(r"[*_`]", src) and md._plain_markup(src) is not None:
                    assert clean(md._plain_markup(src)) == parsed(src), (f, src)
                    checked += 1
    assert checked > 1000
