"""Small crawler-export pages of our own, in the corpus' format (front matter, English with Docusaurus
heading anchors, ---, Chinese), for identity and crawl-diff tests.  Not Binance's text."""

from __future__ import annotations

from pathlib import Path

SITE = "https://developers.binance.com/docs"
CLOSE = "widgets/account/Widget-Close"
CLOSED = "widgets/account/Query-Closed-Widget-Record"


def endpoint_page(
    url_path: str = CLOSE,
    title: tuple[str, str] = ("Close Widget (TRADE)", "关闭小部件 (TRADE)"),
    request: str = "DELETE /sapi/v1/widget",
    weight: str = "1000(UID)",
    params: tuple[tuple[str, str, str], ...] = (("widgetId", "LONG", "YES"),),
    fields: tuple[tuple[str, str], ...] = (("widgetId", "LONG"), ("status", "STRING")),
    anchors: str | None = None,
    description: tuple[str, str] = ("Close a widget owned by the account.", "关闭账户拥有的小部件。"),
) -> str:
    """One endpoint page; ``anchors``: the docs path its heading anchors name (default: ``url_path``;
    '' for none, as other crawlers and the HTML site give)."""
    named = url_path if anchors is None else anchors
    halves = []
    for lang, (t, d) in (("en", (title[0], description[0])), ("zh-CN", (title[1], description[1]))):
        heads = (
            "API Description",
            "HTTP Request",
            "Request Weight",
            "Request Parameters",
            "Response Example",
            "Response",
        )
        if lang == "zh-CN":
            heads = ("接口描述", "HTTP 请求", "请求权重", "请求参数", "响应示例", "响应")
        prefix = "/docs/zh-CN/" if lang == "zh-CN" else "/docs/"

        def h(text: str, prefix: str = prefix) -> str:
            if not named:
                return f"## {text}"
            slug = text.lower().replace(" ", "-")
            return f'## {text}[\u200b]({prefix}{named}#{slug} "Direct link to {text}")'

        rows = "\n".join(f"{n}| {ty}| {m}| the {n}  " for n, ty, m in params)
        out_rows = "\n".join(f"{n}| {ty}| the {n}  " for n, ty in fields)
        example = ",\n".join(f'      "{n}": {1 if ty == "LONG" else chr(34) + "X" + chr(34)}' for n, ty in fields)
        halves.append(
            f"# {t}\n\n{h(heads[0])}\n\n{d}\n\n{h(heads[1])}\n\n{request}\n\n{h(heads[2])}\n\n{weight}\n\n"
            f"{h(heads[3])}\n\nName| Type| Mandatory| Description  \n---|---|---|---  \n{rows}\n\n"
            f"{h(heads[4])}\n\n    \n    \n    {{\n{example}\n    }}\n    \n\n"
            f"{h(heads[5])}\n\nName| Type| Description  \n---|---|---  \n{out_rows}\n"
        )
    return (
        f"---\nexchange: binance\nsource_url: {SITE}/{url_path}\napi_type: Account\nupdated_at: 2026-01-15T23:50:26\n"
        f"---\n\n{halves[0]}\n---\n\n{halves[1]}"
    )


def closed_record_page(url_path: str = CLOSED, anchors: str | None = None) -> str:
    """Another endpoint of the same family: what a crawler wrongly saved under the Close URL."""
    return endpoint_page(
        url_path,
        ("Query Closed Widget Record (USER_DATA)", "查询已关闭小部件记录 (USER_DATA)"),
        "GET /sapi/v1/widgets/closed",
        "1(IP)",
        (("current", "LONG", "NO"), ("size", "LONG", "NO")),
        (("total", "INT"), ("rows", "ARRAY")),
        anchors=CLOSED if anchors is None else anchors,
        description=("Query closed widgets.", "查询已关闭的小部件。"),
    )


def write(root: Path, url_path: str, text: str) -> Path:
    """A page where a crawl keeps it: <root>/<docs path>.md."""
    target = root / f"{url_path}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


ERRORS = "widgets/error-code"
RULES = "widgets/general-info"
CHANGES = "widgets/change-log"


def _anchored(url_path: str, lang: str, level: str, text: str) -> str:
    prefix = "/docs/zh-CN/" if lang == "zh-CN" else "/docs/"
    return f'{level} {text}[\u200b]({prefix}{url_path}#{text.lower().replace(" ", "-")} "Direct link to {text}")'


def prose_page(
    url_path: str, title: tuple[str, str], sections: dict[str, list[tuple[str, str]]], level: str = "##"
) -> str:
    """A page without an endpoint: ``sections`` maps language -> [(heading, body)], headings anchored."""
    halves = []
    for lang, t in (("en", title[0]), ("zh-CN", title[1])):
        body = "\n\n".join(f"{_anchored(url_path, lang, level, h)}\n\n{text}" for h, text in sections[lang])
        halves.append(f"# {t}\n\n{body}\n")
    return (
        f"---\nexchange: binance\nsource_url: {SITE}/{url_path}\napi_type: REST\nupdated_at: 2026-01-15T23:50:26\n"
        f"---\n\n{halves[0]}\n---\n\n{halves[1]}"
    )


def error_page(codes: dict[int, tuple[str, list[str], list[str]]]) -> str:
    """An error-code list: code -> (NAME, English messages, Chinese messages)."""

    def sections(lang: int) -> list[tuple[str, str]]:
        return [(f"{c} {name}", "\n".join(f"  * {m}" for m in msgs[lang])) for c, (name, *msgs) in codes.items()]

    return prose_page(ERRORS, ("Error Codes", "错误代码"), {"en": sections(0), "zh-CN": sections(1)}, level="###")


def rules_page(
    recv_en: str = "recvWindow defaults to 5000 ms. It may not exceed 60000 ms.",
    recv_zh: str = "recvWindow 默认为 5000 毫秒。不能超过 60000 毫秒。",
) -> str:
    return prose_page(
        RULES,
        ("General Info", "基本信息"),
        {
            "en": [("Timing security", recv_en), ("Limits", "Each IP may send 6000 weight per minute.")],
            "zh-CN": [("时间同步安全", recv_zh), ("访问限制", "每个 IP 每分钟最多 6000 权重。")],
        },
    )


def changelog_page(entries: list[tuple[str, str, str]]) -> str:
    """A change log: [(date, English entry, Chinese entry)], newest first."""
    return prose_page(
        CHANGES,
        ("Change Log", "更新日志"),
        {"en": [(d, e) for d, e, _ in entries], "zh-CN": [(d, z) for d, _, z in entries]},
    )
