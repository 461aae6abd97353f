"""From one language's document model to an endpoint model: the assembly of the parts.

Headings and table columns are matched in English and Chinese alike; what
cannot be read becomes a :class:`Finding`, never a silent gap.
"""

from __future__ import annotations

from .classify import NotAnEndpoint, classify
from .endpoint import Endpoint, locate
from .example import add_conditional_table, conditional_names, example_keys, read_examples
from .model import BulletList, CodeBlock, Document, Finding, PageError, Paragraph, Section, Table, TemplateError
from .prose import caller_role
from .request_line import REQUEST_ONLY, method_from_url, parse_request_line, parse_title, path_only
from .sections import endpoint_starts, heading_anchor, relabel, sections_by_part
from .tables import column_map, list_fields, nest_like_example, parse_fields, parse_params
from .weight import parse_weight


def endpoint_docs(doc: Document) -> list[tuple[str, Document]]:
    """The endpoints a page documents: [('', doc)] for a page of one endpoint,
    [(anchor, document of that part), ...] for a page holding many (split at
    the headings whose first block is a request line, e.g. 'GET /api/v3/depth').

    Raises NotAnEndpoint with the page's category when it documents none.
    """
    original = doc
    by_heading = sections_by_part(doc)
    doc = relabel(doc)
    parts = sections_by_part(doc)
    if "http" in parts:
        return [("", doc)]
    # a page whose own headings name request or response parts documents one endpoint
    starts = [] if {"params", "example"} & set(by_heading) else endpoint_starts(doc)
    if not starts:
        kind = classify(original)
        raise NotAnEndpoint(kind or "guide")
    out: list[tuple[str, Document]] = []
    seen: dict[str, int] = {}
    for i in starts:
        head = doc.sections[i]
        j = i + 1
        while j < len(doc.sections) and doc.sections[j].level > head.level and j not in starts:
            j += 1
        first = Section("HTTP Request", head.level + 1, [])
        rest = list(head.blocks)
        while rest and not (isinstance(rest[0], (Paragraph, CodeBlock)) and REQUEST_ONLY.match(rest[0].text.strip())):
            first.blocks.append(rest.pop(0))
        description = Section("API Description", head.level + 1, first.blocks)
        request = Section("HTTP Request", head.level + 1, [rest.pop(0)] if rest else [])
        body = Section("Notes", head.level + 1, rest)
        sub = Document(
            doc.lang,
            head.heading,
            [description, request, body, *doc.sections[i + 1 : j]],
            f"{doc.source} § {head.heading}",
        )
        slug = heading_anchor(head.heading)
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.append((slug if n == 0 else f"{slug}-{n}", relabel(sub)))
    return out


_NO_BODY = {"none", "null", "n/a", "无", "空", "-", "{}"}


def extract(doc: Document) -> Endpoint:
    """Endpoint model of one language; raises NotAnEndpoint or PageError."""
    kind = classify(doc)
    doc = relabel(doc)
    parts = sections_by_part(doc)
    if kind:
        raise NotAnEndpoint(kind)
    if "http" not in parts:
        raise PageError(doc.source, "holds several endpoints; read each part (endpoint_docs) on its own")
    headings = {p: s.heading for p, s in parts.items()} | {"title": doc.title}
    findings: list[Finding] = []
    title, security = parse_title(doc.title)
    if security is None:  # a page of sections ('## Create listenToken (USER_STREAM)' above '### HTTP Request')
        http_at = next(i for i, s in enumerate(doc.sections) if s is parts["http"])
        for s in reversed(doc.sections[:http_at]):
            if s.level <= parts["http"].level and parse_title(s.heading)[1]:  # a sibling too: '## 查询… (USER_DATA)'
                title, security = parse_title(s.heading)
                break
    repaired: list[str] = []
    inferred = None
    try:
        method, path = parse_request_line(parts["http"], doc.source, repaired)
    except TemplateError:
        bare = path_only(parts["http"])
        if bare is None:
            raise
        path = bare
        inferred = method_from_url(parts["url"], path) if "url" in parts else None
        if inferred is None:
            raise TemplateError(
                f"{doc.source} § {parts['http'].heading}",
                f"the endpoint {path} names no method, and no full URL example shows one; expected e.g. 'GET {path}'",
            ) from None
        method = inferred

    def where(part: str) -> str:
        return locate(doc.source, headings, part)

    findings += [Finding("page.path-repaired", "warning", r, where("http")) for r in repaired]
    if inferred is not None:
        findings.append(
            Finding(
                "page.method-inferred",
                "warning",
                f"the page names the path {path} but no method; {method} is read from its full URL example",
                where("url"),
                {"method": method, "path": path},
            )
        )

    weight = parse_weight(parts["weight"], findings, where("weight")) if "weight" in parts else None

    params = parse_params(parts.get("params"), where("params"), findings)

    example = None
    ex_section = parts.get("example")
    field_table: Table | None = None
    if ex_section is not None:
        codes = [b for b in ex_section.blocks if isinstance(b, CodeBlock)]
        said = " ".join(b.text for b in ex_section.blocks if isinstance(b, Paragraph)).strip()
        if not codes and said.lower() in _NO_BODY:
            findings.append(
                Finding(
                    "page.no-response-body",
                    "info",
                    f"the page gives no response example; it says {said!r}",
                    where("example"),
                    {"text": said},
                )
            )
        elif not ex_section.blocks:
            findings.append(
                Finding("page.no-response-example", "info", "the response example section is empty", where("example"))
            )
        else:
            example = read_examples(codes, where("example"), findings)
        # some pages put the field table under the example, after a line '响应信息详解：'
        field_table = next(
            (b for b in ex_section.blocks if isinstance(b, Table) and "type" in column_map(b.header)), None
        )
        if field_table is not None:
            headings.setdefault("fields", headings["example"])
    else:
        findings.append(Finding("page.no-response-example", "info", "the page has no response example", doc.source))
    if "fields" in parts:
        field_table = next(
            (b for b in parts["fields"].blocks if isinstance(b, Table) and "name" in column_map(b.header)), field_table
        )
    fields = parse_fields(field_table, where("fields")) if field_table is not None else []
    if not fields and "fields" in parts:
        fields = list_fields(parts["fields"])  # 'Response Structure' as '- name (type): description' bullets
    if fields and example is not None:
        fields = nest_like_example(fields, example.value)

    if example is not None:
        add_conditional_table(doc, example)
        named = conditional_names(doc, params, example_keys(example.values))
        if named - example.optional:
            example.optional = example.optional | frozenset(named)
    preconditions: list[str] = []
    caller = None
    if "description" in parts:
        for b in parts["description"].blocks:
            if isinstance(b, BulletList):
                preconditions.extend(b.items)
            elif isinstance(b, Paragraph) and caller is None:
                caller = caller_role(b.text)
    return Endpoint(
        doc.lang,
        doc.source,
        title,
        security,
        method,
        path,
        weight,
        params,
        example,
        fields,
        preconditions,
        headings,
        findings,
        caller,
    )
