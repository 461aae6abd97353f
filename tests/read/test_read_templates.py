"""Pages in templates other than the crawler export's usual one (issue 19, item 6), on pages written here.

Each template is read into the same document and endpoint model, or skipped with the category
``unknown-template`` and a reason; none of them fails a folder's build.
"""

from __future__ import annotations

import pytest
from helpers import crawler_page

from doccontract.contract.build import contract_for
from doccontract.read.load import parse_page
from doccontract.read.markdown import read_markdown
from doccontract.read.model import TemplateError

URL = "https://www.binance.com/bapi/defi/v1/public/alpha-trade/token/list"

ENDPOINT_LINE = f"""# Token List

Lists the tokens that can be traded.

## Endpoint: /bapi/defi/v1/public/alpha-trade/token/list

## Full URL Example

[{URL}?chainId=56]({URL}?chainId=56)

## Request Parameters

| Parameter | Type | Required | Description |
|---|---|---|---|
| chainId | STRING | NO | The chain to list tokens of |
| limit | INT | YES | Max 100 |

## Response Example

```json
{{"code": "000000", "data": [{{"tokenId": "1", "symbol": "ALPHA"}}], "success": true}}
```
"""


def one_language(body: str, name: str = "t.md") -> dict:
    page = f"---\nsource_url: https://developers.binance.com/docs/alpha/Token-List\n---\n\n{body}"
    return contract_for(parse_page(page.encode(), name), "t")


def codes(contract: dict) -> list[str]:
    return [f["code"] for f in contract["findings"]]


# --------------------------------------------------------------------------- '## Endpoint: /path'


def test_an_endpoint_heading_gives_the_path_and_a_link_example_gives_get():
    c = one_language(ENDPOINT_LINE)
    assert (c["method"], c["path"]) == ("GET", "/bapi/defi/v1/public/alpha-trade/token/list")
    assert c["request"]["required"] == ["limit"] and set(c["request"]["properties"]) == {"chainId", "limit"}
    inferred = [f for f in c["findings"] if f["code"] == "page.method-inferred"]
    assert (
        len(inferred) == 1 and "Full URL Example" in inferred[0]["where"] and inferred[0]["values"]["method"] == "GET"
    )


@pytest.mark.parametrize(
    "line",
    [
        "Endpoint: POST /bapi/defi/v1/private/order",
        "**Endpoint:** POST `/bapi/defi/v1/private/order`",
        "## Endpoint: POST /bapi/defi/v1/private/order",
    ],
)
def test_an_endpoint_line_that_names_its_method_needs_no_inference(line):
    page = ENDPOINT_LINE.replace("## Endpoint: /bapi/defi/v1/public/alpha-trade/token/list", line)
    c = one_language(page)
    assert (c["method"], c["path"]) == ("POST", "/bapi/defi/v1/private/order")
    assert "page.method-inferred" not in codes(c)


@pytest.mark.parametrize("example", [f"```\nPOST {URL}\n```", f"```\ncurl -X POST '{URL}' -d 'chainId=56'\n```"])
def test_a_full_url_example_that_names_a_method_gives_it(example):
    page = ENDPOINT_LINE.replace(f"[{URL}?chainId=56]({URL}?chainId=56)", example)
    c = one_language(page)
    assert c["method"] == "POST"
    assert [f["values"]["method"] for f in c["findings"] if f["code"] == "page.method-inferred"] == ["POST"]


def test_a_full_url_example_of_another_path_says_nothing_of_this_one():
    page = ENDPOINT_LINE.replace(
        f"[{URL}?chainId=56]({URL}?chainId=56)",
        "[https://www.binance.com/other/path](https://www.binance.com/other/path)",
    )
    with pytest.raises(TemplateError, match="no method"):
        one_language(page)


def test_endpoint_prose_without_a_path_is_no_request():
    from doccontract.read.sections import part_of

    assert part_of("Endpoint: /api/v3/x") == "http" and part_of("Endpoint: Security Type") is None
    c = one_language(
        ENDPOINT_LINE.replace("Lists the tokens that can be traded.", "Endpoint: see the list of hosts below.")
    )
    assert c["path"] == "/bapi/defi/v1/public/alpha-trade/token/list"


def test_an_endpoint_line_with_no_method_anywhere_is_an_unknown_template():
    page = ENDPOINT_LINE.replace(f"## Full URL Example\n\n[{URL}?chainId=56]({URL}?chainId=56)\n", "")
    with pytest.raises(TemplateError, match=r"§ Endpoint.*no method"):
        one_language(page)


def test_a_chinese_endpoint_heading_reads_the_same():
    zh = (
        ENDPOINT_LINE.replace("# Token List", "# 代币列表")
        .replace("## Endpoint:", "## 接口地址：")
        .replace("## Full URL Example", "## 完整URL示例")
    )
    zh = zh.replace("## Request Parameters", "## 请求参数").replace("## Response Example", "## 响应示例")
    c = contract_for(parse_page(crawler_page(ENDPOINT_LINE, zh).encode(), "t.md"), "t")
    assert (c["method"], c["path"]) == ("GET", "/bapi/defi/v1/public/alpha-trade/token/list")
    assert not [f for f in c["findings"] if f["code"].startswith("bilingual.")]


# --------------------------------------------------------------------------- a bulleted response structure

STRUCTURE = """# Token List

## Endpoint: GET /bapi/defi/v1/public/alpha-trade/token/list

## Response Structure

- code (string): Status code, "000000" on success
- data (array): The tokens
  - tokenId (string): Token id
  - price (number): Last price
  - chain (object): Where it trades
    - chainId (string): Chain id
- `success` (boolean) - Whether the call worked
- **message** (string, optional)：Why it failed
  Only on failure
"""


def test_a_response_structure_list_becomes_the_response_schema():
    c = one_language(STRUCTURE)
    body = c["response"]
    assert set(body["properties"]) == {"code", "data", "success", "message"}
    assert body["properties"]["message"]["description"] == "Why it failed Only on failure"
    assert body["properties"]["code"]["type"] == "string" and body["properties"]["code"]["description"].startswith(
        "Status code"
    )
    assert body["properties"]["success"] == {
        "type": "boolean",
        "description": "Whether the call worked",
        "x-doc-type": "boolean",
    }
    items = body["properties"]["data"]["items"]
    assert body["properties"]["data"]["type"] == "array" and set(items["properties"]) == {"tokenId", "price", "chain"}
    assert items["properties"]["chain"]["type"] == "object" and set(items["properties"]["chain"]["properties"]) == {
        "chainId"
    }


def test_a_response_structure_list_beside_an_example_types_its_fields():
    page = STRUCTURE + '\n## Response Example\n\n```json\n{"code": "000000", "data": [], "success": true}\n```\n'
    body = one_language(page)["response"]
    assert body["required"] == ["code", "data", "success"]  # the example decides; 'message' is not in it
    assert body["properties"]["data"]["items"]["properties"]["price"]["description"] == "Last price"


def test_nested_bullets_keep_their_depth_in_markdown_and_html():
    from doccontract.read.html import read_html
    from doccontract.read.render import render_html, render_markdown

    doc = read_markdown("# T\n\n## Notes\n\n* one\n  * nested\n    * deeper\n* two\n", "en")
    block = doc.sections[0].blocks[0]
    assert block.items == ("one", "nested", "deeper", "two") and block.levels == (0, 1, 2, 0)
    again = read_markdown(render_markdown(doc), "en").sections[0].blocks[0]
    assert again.levels == (0, 1, 2, 0)
    html, _ = read_html(render_html(doc), "en", "t.html")
    assert html.sections[0].blocks[0].levels == (0, 1, 2, 0)
    assert (
        doc.canonical() == read_markdown("# T\n\n## Notes\n\n* one\n* nested\n* deeper\n* two\n", "en").canonical()
    )  # drift's hash ignores depth


# --------------------------------------------------------------------------- a Chinese half that is not one

ONE = '# Query (USER_DATA)\n\n## HTTP Request\n\nGET /sapi/v1/q\n\n## Response Example\n\n```\n{"a": 1}\n```\n'


@pytest.mark.parametrize(
    "tail,what",
    [
        ("\n---\n\n", "nothing"),
        ("\n---\n", "nothing"),
        ("\n---\n\n---\nsource_url: https://developers.binance.com/docs/zh-CN/x\n---\n", "only front matter"),
        ("\n---\n\n" + ONE, "no Chinese"),
    ],
)
def test_a_missing_chinese_half_is_read_as_one_language_with_a_finding(tail, what):
    page = parse_page(f"---\nsource_url: https://developers.binance.com/docs/x\n---\n\n{ONE}{tail}".encode(), "t.md")
    assert list(page.docs) == ["en"]
    assert [s.heading for s in page.docs["en"].sections] == ["HTTP Request", "Response Example"]
    c = contract_for(page, "t")
    found = [f for f in c["findings"] if f["code"] == "page.language-missing"]
    assert len(found) == 1 and what in found[0]["message"] and found[0]["where"] == "t.md"
    assert (c["method"], c["path"]) == ("GET", "/sapi/v1/q")


def test_a_real_chinese_half_with_english_names_stays_chinese():
    zh = ONE.replace("# Query", "# 查询").replace("## HTTP Request", "## HTTP请求")
    page = parse_page(crawler_page(ONE, zh).encode(), "t.md")
    assert list(page.docs) == ["en", "zh-CN"] and not page.findings


def test_the_html_reader_reads_the_same_templates():
    """developers.binance.com HTML of the same page: the endpoint line, the inferred method and the nested list."""
    from doccontract.read.render import render_html

    for body in (ENDPOINT_LINE, STRUCTURE):
        md = one_language(body)
        doc = parse_page(f"---\nsource_url: x\n---\n\n{body}".encode(), "t.md").docs["en"]
        html = contract_for(
            parse_page(render_html(doc, "https://developers.binance.com/docs/alpha/x").encode(), "t.html"), "t"
        )
        assert (html["method"], html["path"], html["request"], html["response"]) == (
            md["method"],
            md["path"],
            md["request"],
            md["response"],
        )
        assert ("page.method-inferred" in codes(html)) == ("page.method-inferred" in codes(md))
