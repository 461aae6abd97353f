"""Weights that depend on a parameter stay tables (issue 10, item 2): prose in bullets or capped sentences."""

from __future__ import annotations

from doccontract.read.model import BulletList, Paragraph, Section
from doccontract.read.weight import parse_weight


def test_a_weight_per_bullet_is_a_table_with_its_maximum():
    section = Section(
        "Request Weight", 2, [BulletList(("**1** for a single symbol", "**10** when the symbol parameter is omitted"))]
    )
    got = parse_weight(section)
    assert got["max"] == 10 and [r["weight"] for r in got["table"]["rows"]] == [1, 10]
    assert "\n" not in got["text"] and "single symbol" in got["table"]["rows"][0]["when"]
    zh = parse_weight(
        Section("请求权重", 2, [BulletList(("带symbol _**1**_", "不带 _**40**_ 请小心使用不带symbol参数的调用"))])
    )
    assert zh["max"] == 40 and len(zh["table"]["rows"]) == 2


def test_a_sentence_that_caps_the_weight_is_a_row_of_its_cap():
    section = Section(
        "Weight",
        3,
        [
            Paragraph("4 for each requested `symbol`."),
            Paragraph(
                "The weight for this request will cap at 200 once the number of `symbols` "
                "in the request is more than 50."
            ),
        ],
    )
    got = parse_weight(section)
    assert got["max"] == 200 and [r["weight"] for r in got["table"]["rows"]] == [4, 200]


def test_one_plain_weight_is_no_table():
    assert parse_weight(Section("Weight", 3, [Paragraph("5")])) == {"value": 5, "unit": None}
    got = parse_weight(Section("Weight", 3, [Paragraph("The weight is 20 and 30 more on retries.")]))
    assert "table" not in got  # several numbers and no cap: no invented rows


def test_a_heading_with_one_slip_in_a_long_part_name_is_still_that_part():
    from doccontract.read.extract import extract
    from doccontract.read.markdown import read_markdown

    doc = read_markdown(
        "# T (USER_DATA)\n\n## HTTP Request\n\nPOST `/x`\n\n## Request Weigh\n\n**50**\n\n"
        "## Request Paramters\n\nName| Type| Mandatory| Description\n---|---|---|---\na| LONG| YES| x\n",
        "en",
    )
    ep = extract(doc)
    assert ep.weight == {"value": 50, "unit": None} and [p.name for p in ep.params] == ["a"]
    wrong = read_markdown("# T\n\n## HTTP Request\n\nGET /x\n\n## Request Limits\n\n5\n", "en")
    assert extract(wrong).weight is None  # two letters away from any part: not a weight


def test_cases_on_one_line_each_with_its_label_are_rows():
    got = parse_weight(Section("权重", 3, [Paragraph("带symbol: 6 不带: 80")]))
    assert [(r["when"], r["weight"]) for r in got["table"]["rows"]] == [("带symbol", 6), ("不带", 80)] and got[
        "max"
    ] == 80
    en = parse_weight(Section("Weight", 3, [Paragraph("With symbol: 6 Without symbol: 80")]))
    assert [r["weight"] for r in en["table"]["rows"]] == [6, 80]


def test_clauses_of_one_shape_without_a_separator_are_rows():
    got = parse_weight(
        Section("Request Weight", 2, [Paragraph("**2** for one asset **20** when the asset is omitted")])
    )
    assert got["max"] == 20 and [(r["weight"], r["when"]) for r in got["table"]["rows"]] == [
        (2, "for one asset"),
        (20, "when the asset is omitted"),
    ]
    got = parse_weight(Section("Request Weight", 2, [Paragraph("5 for lists of up to 20 when sent together")]))
    assert "table" not in got  # 'up to 20' is part of the condition, not a second clause
