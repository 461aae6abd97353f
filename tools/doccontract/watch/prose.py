"""The prose beside the contract: sections paired across versions and compared as a reader reads
them (layout aside), for endpoint pages and for pages kept for what they list."""

from __future__ import annotations

import json
import re
from typing import Any

from ..contract.error_pages import codes_from_error_page
from ..read.classify import classify
from ..read.model import LANGS, BulletList, CodeBlock, Document, Page, PageError, Paragraph, Section, Table, zh_url
from ..read.sections import heading_key, part_of
from .changes import CLASSES, Change, ContractDrift, wording

# --------------------------------------------------------------------------- pages without an endpoint


_CODE = re.compile(r"(?<![\w.])-\d{4,6}\b")
_CODE_HEADING = re.compile(r"^-\d{3,6}\b")
#: page kinds whose prose is Binance's general rules (recvWindow, limits, signing): their changes are
#: reported sentence by sentence, as rules a client follows
RULE_KINDS = ("general-info", "common-definitions")


def page_kind(page: Page) -> str | None:
    """What a page without an endpoint is (a key of ``extract.CATEGORIES``), from its first readable language."""
    for doc in page.docs.values():
        try:
            return classify(doc)
        except PageError:
            continue
    return None


def diff_other_page(cid: str, old: Page, new: Page) -> ContractDrift:
    """A page without an endpoint, compared by what it is for: an error-code list code by code
    (:func:`error_code_changes`), a rule page sentence by sentence (``rules.changed``), a change
    log by its new entries (``changelog.entry``, news), any other by its sections' text."""
    kind = page_kind(new) or page_kind(old)
    codes = error_code_changes(old, new) if kind == "error-codes" else []
    changes: list[Change] = list(codes)
    for lang in LANGS:
        o, n = old.docs.get(lang), new.docs.get(lang)
        if o is None or n is None or o.canonical() == n.canonical():
            continue
        if kind == "error-codes" and not codes:  # codes not under '-1000 NAME' headings: by the codes the text names
            oc, nc = (
                set(_CODE.findall(json.dumps(o.canonical(), ensure_ascii=False))),
                set(_CODE.findall(json.dumps(n.canonical(), ensure_ascii=False))),
            )
            if oc - nc:
                gone = sorted(oc - nc, key=int)
                changes.append(
                    Change(
                        "breaking",
                        "error-code.removed",
                        ",".join(gone),
                        f"error code(s) {', '.join(gone)} no longer listed",
                        [lang],
                    )
                )
            if nc - oc:
                added = sorted(nc - oc, key=int)
                changes.append(
                    Change(
                        "non-breaking",
                        "error-code.added",
                        ",".join(added),
                        f"error code(s) {', '.join(added)} now listed",
                        [lang],
                    )
                )
        text = _text_changes(o, n, lang, every_section=True)
        if kind == "error-codes":  # a code's own section is said code by code above
            text = [c for c in text if not _CODE_HEADING.match(c.subject)] if codes else text
        changes += [_as_sentences(c, lang, kind) for c in text]
    url = old.url or new.url or ""
    urls = {"en": url.replace("/docs/zh-CN/", "/docs/"), "zh-CN": zh_url(url)} if url else {}
    order = {c: i for i, c in enumerate(CLASSES)}
    changes.sort(key=lambda c: (order[c.cls], c.code, c.subject))
    return ContractDrift(cid, "", "", changes, urls)


_SENTENCE_END = re.compile(r"(?<=[.!?;。！？；])\s+|(?<=[。！？；])|\n+")


def sentences(text: str) -> list[str]:
    """A section's text as sentences (and lines: list items, table rows), in order."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def _as_sentences(ch: Change, lang: str, kind: str | None) -> Change:
    """A section's change said by the sentences that went and came (not the whole section); a change
    log's new entries are news."""
    before, after = sentences(ch.before.get(lang, "")), sentences(ch.after.get(lang, ""))
    gone = [s for s in before if s not in set(after)]
    came = [s for s in after if s not in set(before)]
    if kind == "changelog" and (ch.code == "section.added" or (came and not gone)):
        return Change(
            "news",
            "changelog.entry",
            ch.subject,
            f"a new change-log entry under '{ch.subject}'",
            [lang],
            {},
            {lang: "\n".join(came)},
        )
    if kind in RULE_KINDS and ch.code in ("description.changed", "section.added", "section.removed"):
        say = f"the rules under '{ch.subject}' changed: {len(gone)} sentence(s) out, {len(came)} in"
        return Change(
            "documentation", "rules.changed", ch.subject, say, [lang], {lang: "\n".join(gone)}, {lang: "\n".join(came)}
        )
    return ch


def error_code_changes(old: Page, new: Page) -> list[Change]:
    """Error codes listed under '-1102 NAME' headings, compared code by code and language by language.

    A code gone from every language is breaking (clients that handle it never see it again; the
    server may answer with another); gone from one language only, documentation.  A code whose name
    changed, or whose messages were replaced by unrelated ones, means something else now: breaking
    (``error-code.re-meant``); messages reworded, documentation.  A new code: non-breaking."""
    o, n = codes_from_error_page(old.docs), codes_from_error_page(new.docs)
    langs = [lang for lang in LANGS if lang in old.docs and lang in new.docs]
    out: list[Change] = []

    def listed(codes: dict[int, dict[str, Any]], lang: str) -> set[int]:
        return {c for c, e in codes.items() if lang in e["messages"]}

    for code in sorted(set(o) | set(n), key=abs):
        before_in = [lang for lang in langs if code in listed(o, lang)]
        after_in = [lang for lang in langs if code in listed(n, lang)]
        name = (n.get(code) or o.get(code) or {}).get("name") or ""
        label = f"{code} {name}".strip()
        gone = [lang for lang in before_in if lang not in after_in]
        came = [lang for lang in after_in if lang not in before_in]
        if gone:
            everywhere = not after_in
            out.append(
                Change(
                    "breaking" if everywhere else "documentation",
                    "error-code.removed",
                    str(code),
                    f"error code {label} is no longer listed" + ("" if everywhere else f" ({', '.join(gone)} only)"),
                    gone,
                    {lang: o[code]["messages"][lang] for lang in gone},
                    {},
                )
            )
        if came:
            out.append(
                Change(
                    "non-breaking",
                    "error-code.added",
                    str(code),
                    f"error code {label} is now listed",
                    came,
                    {},
                    {lang: n[code]["messages"][lang] for lang in came},
                )
            )
        both = [lang for lang in before_in if lang in after_in]
        if not both:
            continue
        if (o[code].get("name") or "") != (n[code].get("name") or "") and o[code].get("name") and n[code].get("name"):
            out.append(
                Change(
                    "breaking",
                    "error-code.re-meant",
                    str(code),
                    f"error code {code} is now named {n[code]['name']}, was {o[code]['name']}",
                    both,
                    {"en": o[code]["name"]},
                    {"en": n[code]["name"]},
                )
            )
            continue
        moved = [lang for lang in both if o[code]["messages"][lang] != n[code]["messages"][lang]]
        if not moved:
            continue
        unrelated = all(_unrelated(o[code]["messages"][lang], n[code]["messages"][lang]) for lang in moved)
        cls, what = (
            ("breaking", "error-code.re-meant") if unrelated else ("documentation", "error-code.message-changed")
        )
        said = "now means something else" if unrelated else "has reworded messages"
        out.append(
            Change(
                cls,
                what,
                str(code),
                f"error code {label} {said}",
                moved,
                {lang: o[code]["messages"][lang] for lang in moved},
                {lang: n[code]["messages"][lang] for lang in moved},
            )
        )
    return out


def _unrelated(before: list[str], after: list[str]) -> bool:
    """No new message is a rewording of an old one (most of its words kept)."""
    if not before or not after:
        return False

    def words(text: str) -> set[str]:
        return set(re.findall(r"\w+", text.lower())) or set(text)

    return all(len(words(a) & words(b)) / max(1, len(words(a) | words(b))) < 0.5 for a in after for b in before)


#: parts read into the contract whole (the request line, the weight): compared field by field only
_READ_WHOLE = {"http", "weight"}
#: parts whose tables and examples are read into the contract, but not the notes beside them
_READ_TABLES = {"params", "fields", "example"}


def _section_text(section: Section, part: str | None, every_section: bool, lists_read: bool = False) -> str:
    """What a reader compares in one section: the prose the contract does not hold.

    The API description and other sections whole (paragraphs, lists, tables, code); under the
    parameter and response headings only the notes (paragraphs, lists: permissions, time-range
    limits, 'either orderId or origClientOrderId'), since their tables and examples are compared
    field by field.  ``lists_read``: the description's lists are already reported as the
    contract's preconditions."""
    if not every_section and part in _READ_WHOLE:
        return "\n".join(_beside_read(section, part))
    notes_only = not every_section and part in _READ_TABLES
    parts = []
    for b in section.blocks:
        if isinstance(b, Paragraph) or (isinstance(b, CodeBlock) and not notes_only):
            parts.append(b.text)
        elif isinstance(b, CodeBlock):  # an example's comments describe its fields: prose, not values
            parts.extend(code_comments(b.text))
        elif isinstance(b, BulletList) and not (lists_read and part == "description"):
            parts.extend(b.items)
        elif isinstance(b, Table) and not notes_only:
            parts.extend(" | ".join(r) for r in [b.header, *b.rows])
    return "\n".join(parts)


#: what the contract reads from the request line and weight sections: the line 'GET /path' (however
#: marked up), and every statement with a number in it (the weight, its unit, a weight per limit)
_READ_LINE = {"http": re.compile(r"^[\W_]*(?:GET|POST|PUT|DELETE|PATCH)\b"), "weight": re.compile(r"\d")}


def _beside_read(section: Section, part: str) -> list[str]:
    """The sentences beside the request line or the weight ('This endpoint is deprecated ...',
    'each call also counts against ...'): prose, compared as a section's text.  What the contract
    reads there (and code blocks and tables, the request line or a weight table) is compared field by
    field; a change in it that no field shows is left to the page's fallback."""
    out = []
    for b in section.blocks:
        texts = [b.text] if isinstance(b, Paragraph) else list(b.items) if isinstance(b, BulletList) else []
        out += [t for t in texts if not _READ_LINE[part].search(t)]
    return out


def _text_key(section: Section, part: str | None, every_section: bool, lists_read: bool = False) -> str:
    """The same text with code blocks by :func:`code_shape`: equal keys are no change."""
    shaped = Section(
        section.heading,
        section.level,
        [CodeBlock(code_shape(b.text)) if isinstance(b, CodeBlock) else b for b in section.blocks],
    )
    return _section_text(shaped, part, every_section, lists_read)


def match_sections(old_doc: Document, new_doc: Document) -> list[tuple[Section | None, Section | None, str | None]]:
    """Sections of two versions paired by the part they are (``extract.part_of``: description,
    params, ...), by heading within a part, then by position among the sections of that part: a
    heading translated or renamed ("API Description" -> "接口描述") still pairs.  A section on one
    side only comes with None on the other."""

    def groups(doc: Document) -> dict[str | None, list[Section]]:
        out: dict[str | None, list[Section]] = {}
        for s in doc.sections:
            out.setdefault(part_of(s.heading) if s.heading else "(top)", []).append(s)
        return out

    o, n = groups(old_doc), groups(new_doc)
    pairs: list[tuple[Section | None, Section | None, str | None]] = []
    for part in list(dict.fromkeys([*n, *o])):
        olds, news = list(o.get(part, [])), list(n.get(part, []))
        for ns in list(news):  # the same heading first: a section inserted before another does not shift it
            same = next((os_ for os_ in olds if heading_key(os_.heading) == heading_key(ns.heading)), None)
            if same is not None:
                olds.remove(same)
                news.remove(ns)
                pairs.append((same, ns, part))
        pairs += [(os_, ns, part) for os_, ns in zip(olds, news, strict=False)]
        pairs += [(os_, None, part) for os_ in olds[len(news) :]]
        pairs += [(None, ns, part) for ns in news[len(olds) :]]
    return pairs


def _text_changes(
    old_doc: Document, new_doc: Document, lang: str, every_section: bool = False, lists_read: bool = False
) -> list[Change]:
    """Sections whose prose changed (the API description, notes), with before and after; a section
    with prose on one side only is ``section.added`` / ``section.removed`` (unless the same prose is
    on the other side under a heading of another part: a renamed heading, '接口描述' -> '描述')."""
    out = []
    one_sided: dict[str, list[tuple[str, Change]]] = {"section.added": [], "section.removed": []}
    for os_, ns, part in match_sections(old_doc, new_doc):
        part = None if part == "(top)" else part
        if os_ is None or ns is None:
            only = os_ or ns
            assert only is not None  # match_sections pairs a section with None, never None with None
            text = _section_text(only, part, every_section, lists_read)
            if text:
                heading = only.heading or "(top)"
                code, verb, before, after = (
                    ("section.added", "added", {}, {lang: text})
                    if os_ is None
                    else ("section.removed", "removed", {lang: text}, {})
                )
                out.append(
                    Change("documentation", code, heading, f"the section '{heading}' was {verb}", [lang], before, after)
                )
                one_sided[code].append((_text_key(only, part, every_section, lists_read), out[-1]))
            continue
        if _text_key(os_, part, every_section, lists_read) == _text_key(ns, part, every_section, lists_read):
            continue
        heading = ns.heading or "(top)"
        renamed = f" (its heading was '{os_.heading}')" if heading_key(os_.heading) != heading_key(ns.heading) else ""
        notes = not every_section and (part in _READ_TABLES or part == "weight")
        out.append(
            Change(
                "documentation",
                "notes.changed" if notes else "description.changed",
                heading,
                f"the {'notes' if notes else 'text'} under '{heading}' changed{renamed}",
                [lang],
                {lang: _section_text(os_, part, every_section, lists_read)},
                {lang: _section_text(ns, part, every_section, lists_read)},
            )
        )
    added = one_sided["section.added"]
    for key, gone in one_sided["section.removed"]:
        moved = next((pair for pair in added if pair[0] == key), None)
        if moved is not None:
            added.remove(moved)
            out = [c for c in out if c is not gone and c is not moved[1]]
    return out


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def code_shape(text: str) -> str:
    """A code block as its reader sees it: whitespace outside string literals does not count.

    Re-indenting an example, tabs for spaces, ``"a":1`` for ``"a": 1`` or a list folded onto one
    line are layout, not content; the contract's hash (``Document.sha256``) sees them byte by byte.
    Comments and values still count: their words stay, only the blanks between tokens go.
    """
    out, at = [], 0
    for m in _JSON_STRING.finditer(text):
        out += ["".join(text[at : m.start()].split()), m.group()]
        at = m.end()
    out.append("".join(text[at:].split()))
    return "".join(out)


def code_comments(text: str) -> list[str]:
    """The ``// ...`` comments of a code block, outside string literals (URLs in strings are not comments)."""
    out = []
    for line in text.splitlines():
        bare = _JSON_STRING.sub('""', line)
        if "//" in bare:
            out.append(" ".join(bare.split("//", 1)[1].split()))
    return [c for c in out if c]


def _holds_examples(section: Section) -> bool:
    """A parameter or response section: its code blocks are examples read into the contract, not prose."""
    return bool(section.heading) and part_of(section.heading) in _READ_TABLES


def _uncommented(text: str) -> str:
    """A code block without its ``//`` comments (outside string literals): the comments are notes,
    compared as such."""
    out = []
    for line in text.splitlines():
        bare = _JSON_STRING.sub(lambda m: "_" * len(m.group()), line)
        out.append(line[: bare.index("//")] if "//" in bare else line)
    return "\n".join(out)


def _example_values(doc: Document) -> list[str]:
    """The examples under the parameter and response headings, by shape and without comments: what an
    example states that no prose and no field table does (its other sections' code is their text)."""
    return [
        code_shape(_uncommented(b.text))
        for s in doc.sections
        if _holds_examples(s)
        for b in s.blocks
        if isinstance(b, CodeBlock)
    ]


#: changes that say what changed in the answer's fields: an example change beside them is theirs
_FIELD_CHANGES = {
    "field.added",
    "field.removed",
    "field.renamed",
    "field.retyped",
    "field.enum-added",
    "field.enum-removed",
}


def describe_text_changes(drift: ContractDrift, old: Page, new: Page) -> None:
    """Replace the opaque 'page.text-changed' (a hash that sees layout) with what changed in the
    pages' prose, section by section, before and after.  Headings (level, wording) and the parts
    read into the contract are not prose; an example whose tokens changed while nothing else in
    that language did is ``example.changed``; a re-indented one is nothing."""
    for lang in LANGS:
        if lang not in old.docs or lang not in new.docs:
            continue
        lists_read = any(c.code == "preconditions.changed" and lang in c.languages for c in drift.changes)
        found = _text_changes(old.docs[lang], new.docs[lang], lang, lists_read=lists_read)
        drift.changes = [c for c in drift.changes if not (c.code == "page.text-changed" and c.languages == [lang])]
        # a field table's change in this language says what its example changed; the schema's own
        # field changes are the contract's (no language), so the example still says which page moved
        explained = any(c.code in _FIELD_CHANGES and lang in c.languages for c in [*drift.changes, *found])
        if not explained and _example_values(old.docs[lang]) != _example_values(new.docs[lang]):
            found += [
                Change(
                    "documentation",
                    "example.changed",
                    "examples",
                    f"an example on the {lang} page changed (its content, not its layout)",
                    [lang],
                )
            ]
        drift.changes += found
        if not any(lang in c.languages for c in drift.changes):
            drift.changes += _content_changed(old.docs[lang], new.docs[lang], lang, examples=not explained)
    order = {c: i for i, c in enumerate(CLASSES)}
    drift.changes.sort(key=lambda c: (order[c.cls], c.code, c.subject))


def _content(doc: Document, examples: bool = True) -> list[str]:
    """A document as a reader reads it, layout aside: every block's text in order, code blocks by
    :func:`code_shape`, tables cell by cell, wording as :func:`wording` sees it; headings (their
    wording, their level) left out, since a renamed heading over the same text changes nothing.
    ``examples=False``: without the examples' values (a field change already says what they changed)."""
    out = []
    for s in doc.sections:
        example = _holds_examples(s)
        for b in s.blocks:
            if isinstance(b, CodeBlock):
                out.append(code_shape(b.text if examples or not example else "\n".join(code_comments(b.text))))
            elif isinstance(b, Paragraph):
                out.append(wording(b.text))
            elif isinstance(b, BulletList):
                out += [wording(i) for i in b.items]
            elif isinstance(b, Table):
                out += [" | ".join(wording(c) for c in row) for row in (b.header, *b.rows)]
    return out


def _content_changed(old_doc: Document, new_doc: Document, lang: str, examples: bool = True) -> list[Change]:
    """The fallback when nothing finer was found in a language: its content still differs (a new
    column in a parameter table, a weight statement that moved no field), so say so, with the first
    line that differs before and after, rather than report no drift."""
    o, n = _content(old_doc, examples), _content(new_doc, examples)
    if o == n:
        return []
    at = next((i for i, (a, b) in enumerate(zip(o, n, strict=False)) if a != b), min(len(o), len(n)))
    before, after = (o[at] if at < len(o) else ""), (n[at] if at < len(n) else "")
    message = f"the {lang} page's text changed outside the parts compared one by one"
    return [Change("documentation", "page.text-changed", "text", message, [lang], {lang: before}, {lang: after})]
