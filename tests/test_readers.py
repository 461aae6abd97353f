"""Each quirk of the crawler export and of Binance's pages, on small pages written here."""

from __future__ import annotations

import pytest
from helpers import crawler_page

from doccontract.build import contract_for
from doccontract.extract import NotAnEndpoint, enum_values, extract, parse_example
from doccontract.pages import BulletList, CodeBlock, PageError, Table, parse_page, read_html, read_markdown

ZW = "\u200b"

EN = """# Sample Endpoint (USER_DATA)

## API Description[ZW](/docs/test/Page#api-description "Direct link to API Description")

Sample.

## HTTP Request[](/docs/test/Page#http-request "Direct link to HTTP Request")

GET /sapi/v1/sample

## Request Weight

**10(IP)**

## Request Parameters

Name| Type| Mandatory| Description  
---|---|---|---  
symbol| STRING| YES|   
side| ENUM| NO| BUY  
  
SELL  
limit| INT| NO| Default 10  

## Response Example
    
    
    [  
      {  
        "symbol": "BTCUSDT", // the pair  
        "price": "0.1",  
        "qty": 1.5,  
      },  
    ]  
    

## Response Parameters

Parameter| Type| Description  
---|---|---  
symbol| STRING| pair  
price| DECIMAL| price  
qty| DECIMAL| quantity
""".replace("ZW", ZW)

ZH = """# 示例接口 (USER_DATA)

## 接口描述

示例。

## HTTP请求

GET /sapi/v1/sample

## 请求权重(IP)

10

## 请求参数

参数| 类型| 是否必需| 描述  
---|---|---|---  
symbol| STRING| 是|   
side| ENUM| 否| BUY  
  
SELL  
limit| INT| 否| 默认 10  

## 响应示例
    
    
    [{"symbol": "BTCUSDT", "price": "0.1", "qty": 1.5}]

## 响应参数

字段| 类型| 描述  
---|---|---  
symbol| STRING| 交易对  
price| DECIMAL| 价格  
qty| DECIMAL| 数量
"""


def contract(en: str = EN, zh: str = ZH) -> dict:
    return contract_for(parse_page(crawler_page(en, zh).encode(), "t.md"), "t")


def test_sample_page_reads_in_both_languages_without_findings_of_disagreement():
    c = contract()
    assert (c["method"], c["path"], c["weight"]) == ("GET", "/sapi/v1/sample", {"value": 10, "unit": "IP", "limit": "IP", "header": "X-SAPI-USED-IP-WEIGHT-1M"})
    assert [f["code"] for f in c["findings"] if f["code"].startswith("bilingual")] == []
    assert c["request"]["required"] == ["symbol"]
    assert c["request"]["properties"]["side"]["enum"] == ["BUY", "SELL"]  # the cell continued after a blank line
    assert c["request"]["properties"]["limit"]["maximum"] == 2**31 - 1
    resp = c["response"]
    assert resp["type"] == "array"  # top-level array example
    item = resp["items"]
    assert item["properties"]["price"] == {"type": "string", "pattern": item["properties"]["price"]["pattern"], "description": "price", "x-doc-type": "DECIMAL"}
    assert item["properties"]["qty"]["type"] == "number"  # DECIMAL follows what the example shows
    assert item["required"] == ["price", "qty", "symbol"]


def test_heading_links_with_and_without_zero_width_space_are_dropped():
    doc = read_markdown(EN, "en")
    assert [s.heading for s in doc.sections][:2] == ["API Description", "HTTP Request"]


def test_indented_code_block_is_a_code_block():
    doc = read_markdown(EN, "en")
    example = next(s for s in doc.sections if s.heading == "Response Example")
    assert isinstance(example.blocks[0], CodeBlock)
    assert example.blocks[0].text.startswith("[")


def test_table_interrupted_by_whitespace_line_and_italic_note():
    text = """# T

## Response Parameters

Parameter| Type| Description  
---|---|---  
a| STRING| first  
  
*_A note between rows._*  
b| LONG| second  
c| STRING| continues  
on the next line
"""
    sec = read_markdown(text, "en").sections[0]
    table = sec.blocks[0]
    assert isinstance(table, Table)
    assert table.rows == (("a", "STRING", "first"), ("b", "LONG", "second"), ("c", "STRING", "continues on the next line"))
    assert "A note between rows." in sec.blocks[1].text


def test_bold_cells_hashes_headings_and_request_parameters_without_space():
    en = EN.replace("## Request Parameters", "#### RequestParameters").replace("symbol| STRING| YES|", "**symbol**| STRING| **YES**|")
    en = en.replace("## HTTP Request", "#### HTTP Request").replace("GET /sapi/v1/sample", "**GET** `/sapi/v1/sample`")
    c = contract(en)
    assert c["request"]["required"] == ["symbol"]
    assert (c["method"], c["path"]) == ("GET", "/sapi/v1/sample")


@pytest.mark.parametrize(
    "heading,body,expected",
    [
        ("Request Weight", "1000(UID)", {"value": 1000, "unit": "UID"}),
        ("Request Weight", "**200(IP)**", {"value": 200, "unit": "IP"}),
        ("Request Weight", "1500", {"value": 1500, "unit": None}),
        ("Request Weight(UID)", "3000", {"value": 3000, "unit": "UID"}),
        ("请求权重(IP)", "**50**", {"value": 50, "unit": "IP"}),
        (
            "Request Weight",
            "**1 when a single is specified;(IP)** **10 when the symbol parameter is omitted(IP)**",
            {"value": 10, "unit": "IP", "text": "1 when a single is specified;(IP) 10 when the symbol parameter is omitted(IP)"},
        ),
    ],
)
def test_weight_variants(heading, body, expected):
    en = EN.replace("## Request Weight\n\n**10(IP)**", f"## {heading}\n\n{body}")
    assert contract(en)["languages"]["en"]["weight"] == expected


def test_chinese_header_variants_and_yes_no_in_chinese():
    for col in ("是否必需", "是否必须", "是否必填"):
        zh = ZH.replace("是否必需", col)
        params = extract(parse_page(crawler_page(EN, zh).encode(), "t.md").docs["zh-CN"]).params
        assert [(p.name, p.mandatory) for p in params] == [("symbol", True), ("side", False), ("limit", False)]


def test_response_field_table_under_a_plain_line_in_the_example_section():
    zh = ZH.replace("## 响应参数\n\n", "响应信息详解：\n\n")
    fields = extract(parse_page(crawler_page(EN, zh).encode(), "t.md").docs["zh-CN"]).fields
    assert [f.name for f in fields] == ["symbol", "price", "qty"]


def test_nested_fields_with_arrows():
    en = EN.replace(
        '[  \n      {  \n        "symbol": "BTCUSDT", // the pair  \n        "price": "0.1",  \n        "qty": 1.5,  \n      },  \n    ]',
        '{"total": 1, "rows": [{"symbol": "BTCUSDT", "fills": [{"price": "0.1", "qty": 1.5}]}]}',
    ).replace(
        "symbol| STRING| pair  \nprice| DECIMAL| price  \nqty| DECIMAL| quantity",
        "total| LONG| count  \nrows| Object Array| rows  \n→ symbol| STRING| pair  \n→ fills| OBJECT ARRAY| fills  \n→ → price| DECIMAL| price  \n→ → qty| DECIMAL| quantity",
    )
    c = contract(en, ZH)
    fills = c["response"]["properties"]["rows"]["items"]["properties"]["fills"]
    assert fills["type"] == "array"
    assert fills["items"]["properties"]["qty"]["type"] == "number"
    assert not [f for f in c["findings"] if f["code"].startswith("page.example")]


def test_example_that_breaks_the_table_is_a_finding_with_its_pointer():
    en = EN.replace("symbol| STRING| pair", "symbol| LONG| pair")
    c = contract(en)
    bad = [f for f in c["findings"] if f["code"] == "page.example-invalid"]
    assert len(bad) == 1 and bad[0]["values"]["pointer"] == "/0/symbol"
    assert "§ Response Parameters" in bad[0]["where"]


def test_example_field_missing_from_table_and_the_reverse():
    en = EN.replace('"qty": 1.5,', '"qty": 1.5, "extra": true,').replace("qty| DECIMAL| quantity", "qty| DECIMAL| quantity  \nghost| STRING| never shown")
    codes = {(f["code"], f["values"].get("field")) for f in contract(en)["findings"]}
    assert ("page.example-field-undocumented", "/extra") in codes
    assert ("page.field-missing-from-example", "/ghost") in codes


def test_unreadable_example_is_a_finding_never_dropped_silently():
    en = EN.replace('"price": "0.1",', '"price": "0.1"')  # a missing comma
    c = contract(en)
    [f] = [f for f in c["findings"] if f["code"] == "page.example-unreadable"]
    assert "Response Example" in f["where"] and "not JSON" in f["message"]


def test_example_tolerates_comments_and_trailing_commas():
    ex = parse_example('{\n "a": 1, // one\n "b": "x//y", /* block */\n "c": [1,2,],\n "d": 5 // will not return if absent\n}')
    assert ex.value == {"a": 1, "b": "x//y", "c": [1, 2], "d": 5}
    assert ex.optional == {"d"}


def test_enum_values_from_descriptions():
    assert enum_values("CLOSED:This risk unit has been closed successfully", "STRING") == ["CLOSED"]
    assert enum_values("CLOSED: 此风险单位已成功关闭", "STRING") == ["CLOSED"]
    assert enum_values("ACTIVE: active; CLOSED: closed", "STRING") == ["ACTIVE", "CLOSED"]
    assert enum_values("GTC,IOC,FOK", "ENUM") == ["GTC", "IOC", "FOK"]
    assert enum_values("Risk unit unique identifier", "STRING") == []
    assert enum_values("BORROW or REPAY", "STRING") == []  # not an ENUM type: no guessing


def test_bilingual_disagreements_are_each_reported():
    zh = ZH.replace("GET /sapi/v1/sample", "POST /sapi/v1/sample2").replace("symbol| STRING| 是|", "symbol| LONG| 否|").replace("qty| DECIMAL|", "qty| LONG|")
    zh = zh.replace("(USER_DATA)", "(TRADE)").replace("请求权重(IP)\n\n10", "请求权重(IP)\n\n20")
    codes = {f["code"]: f["values"] for f in contract(EN, zh)["findings"]}
    assert codes["bilingual.method"] == {"en": "GET", "zh-CN": "POST"}
    assert codes["bilingual.path"] == {"en": "/sapi/v1/sample", "zh-CN": "/sapi/v1/sample2"}
    assert codes["bilingual.security"] == {"en": "USER_DATA", "zh-CN": "TRADE"}
    assert codes["bilingual.weight"] == {"en": {"value": 10, "unit": "IP"}, "zh-CN": {"value": 20, "unit": "IP"}}
    assert codes["bilingual.param-type"] == {"en": "STRING", "zh-CN": "LONG"}
    assert codes["bilingual.param-mandatory"] == {"en": True, "zh-CN": False}
    assert codes["bilingual.field-type"] == {"en": "DECIMAL", "zh-CN": "LONG"}


def test_security_type_may_be_absent():
    c = contract(EN.replace(" (USER_DATA)", ""), ZH.replace(" (USER_DATA)", ""))
    assert c["security"] == {"en": None, "zh-CN": None} and c["auth"] == {"kind": "none"}


@pytest.mark.parametrize(
    "title,kind",
    [("Change Log", "change log"), ("Error Codes", "error-code list"), ("Introduction", "introduction")],
)
def test_non_endpoint_pages_are_classified(title, kind):
    with pytest.raises(NotAnEndpoint) as exc:
        extract(read_markdown(f"# {title}\n\n## 2026-01-16\n\nSomething changed.\n", "en"))
    assert exc.value.kind == kind
    with pytest.raises(NotAnEndpoint) as exc:
        extract(read_markdown("# Payload: Order Update\n\n## Event Name\n\n`executionReport`\n", "en"))
    assert exc.value.kind == "WebSocket event page"


def test_single_language_markdown_page():
    page = parse_page(EN.encode(), "en-only.md")
    c = contract_for(page, "x")
    assert list(c["title"]) == ["en"] and c["path"] == "/sapi/v1/sample"


def test_html_reader_structure():
    html = """<html lang="en"><body><article><div class="theme-doc-markdown">
    <h1>Sample (TRADE)</h1>
    <h2>HTTP Request<a class="hash-link" href="#x">\u200b</a></h2><p><strong>POST</strong> <code>/sapi/v1/x</code></p>
    <h2>Notes</h2><ul><li>one<ul><li>nested</li></ul></li><li>two</li></ul>
    <pre><code>{<br>"a": 1<br>}</code></pre>
    </div></article></body></html>"""
    doc, meta = read_html(html)
    assert doc.title == "Sample (TRADE)" and meta["lang"] == "en"
    assert [s.heading for s in doc.sections] == ["HTTP Request", "Notes"]
    assert doc.sections[0].blocks[0].text == "POST /sapi/v1/x"
    assert doc.sections[1].blocks[0] == BulletList(("one", "nested", "two"))
    assert doc.sections[1].blocks[1] == CodeBlock('{\n"a": 1\n}')


def test_html_code_lines_without_br_keep_their_line_breaks():
    """Prism lines separated only by CSS: a // comment must not swallow the lines after it."""
    html = """<html lang="en"><body><article><h1>T</h1><h2>Response Example</h2>
    <pre><code><span class="token-line">{</span><span class="token-line">  "a": 1, // one</span><span class="token-line">  "b": 2</span><span class="token-line">}</span></code></pre>
    </article></body></html>"""
    doc, _ = read_html(html)
    code = doc.sections[0].blocks[0]
    assert code == CodeBlock('{\n  "a": 1, // one\n  "b": 2\n}')
    assert parse_example(code.text).value == {"a": 1, "b": 2}


def test_markdown_nested_lists_flatten_like_html():
    doc = read_markdown("# T\n\n## Notes\n\n* one\n  * nested\n* two\n", "en")
    assert doc.sections[0].blocks[0] == BulletList(("one", "nested", "two"))


@pytest.mark.parametrize(
    "data,expected",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"---\nsource_url: x\n---\n", "front matter only"),
        (b"---\nsource_url: x\n---\n# A\n\ntext\n", "no '---' line"),
        (b"\x00\x01\x02binary", "binary"),
        (b"\xff\xfe\x00garbage", "binary"),
        (b"\xc3\x28 not utf8", "not UTF-8"),
        (b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "no <article>"),
        (b"x" * (10 * 1024 * 1024), "larger than"),  # a 10 MB page
    ],
)
def test_bad_input_names_file_and_expectation(data, expected):
    with pytest.raises(PageError) as exc:
        parse_page(data, "specs/bad.md")
    assert str(exc.value).startswith("specs/bad.md")
    assert expected in str(exc.value)


def test_endpoint_page_without_http_section_is_an_error():
    en = EN.replace("## HTTP Request", "## Something Else")
    with pytest.raises(PageError, match="no 'HTTP Request' section"):
        contract(en)


def test_table_with_no_rows_is_an_error():
    en = EN.replace("symbol| STRING| YES|   \nside| ENUM| NO| BUY  \n  \nSELL  \nlimit| INT| NO| Default 10  \n", "")
    with pytest.raises(PageError, match="header but no rows") as exc:
        contract(en)
    assert "Request Parameters" in str(exc.value)


def test_seed_renders_to_markdown_and_html_and_reads_back():
    from helpers import SEED

    from doccontract.pages import render_html, render_markdown

    for lang, doc in parse_page(SEED.read_bytes(), "seed.md").docs.items():
        assert read_markdown(render_markdown(doc), lang).canonical() == doc.canonical()
        assert read_html(render_html(doc), lang)[0].canonical() == doc.canonical()
    tricky = read_markdown("# T\n\n## S\n\n1. not a list\n\n- neither\n\n* a\n\n<!-- -->\n\n    code after a list\n\nA | pipe and `code` and *stars*\n", "en")
    assert read_markdown(render_markdown(tricky), "en").canonical() == tricky.canonical()
