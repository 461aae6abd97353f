"""The lenient reader of response examples (JSON with the docs' liberties), and which of
their fields the page says are only sometimes returned."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from .endpoint import Example, Param
from .model import BulletList, CodeBlock, Document, Finding, Paragraph, Table

_BRACKETS = re.compile(r"[\[\]{}]")


_KEYED_BRACKET = re.compile(r'"([^"\\]+)"\s*:\s*([\[{])')


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')


_OPTIONAL_HINT = re.compile(
    r"not return|not be returned|不会返回|only return|only (?:if|when)\b|optional|may not|if .{0,80} exists|"
    r"不返回|可选|才返回|才会返回|时返回|才有",
    re.I,
)


_RETURNS = re.compile(r"return|response|返回|响应", re.I)


_RETURNED_WHEN = re.compile(
    r"\breturns?\b[^.。]{0,40}\b(?:when|if)\b|available (?:for|after|since|only)|not (?:be )?returned|"
    r"不会返回|仅在|仅当",
    re.I,
)


def conditional_names(doc: Document, params: list[Param], keys: set[str]) -> set[str]:
    """Fields the page's prose says are only sometimes returned: '`quoteId` will be returned only if
    ...', '`network` may not be in the response for old withdraw', 'return `sourceAddress` field when
    set to true' (a parameter's description).  A sentence must speak of returning and of a condition,
    so 'only when `symbol` is sent' makes no response field optional."""
    texts = [p.description for p in params]
    for section in doc.sections:
        for b in section.blocks:
            if isinstance(b, Paragraph):
                texts.append(b.text)
            elif isinstance(b, BulletList):
                texts.extend(b.items)
    names: set[str] = set()
    for p in params:  # 'retrieveQuestionnaire: true: return questionnaire within response': the parameter decides
        for k in keys:
            if k in p.description and re.search(
                rf"\breturns?\s+(?:the\s+)?{re.escape(k)}\s*(?:field|within|in the response)|"
                rf"返回\s*{re.escape(k)}\s*字段",
                p.description,
            ):
                names.add(k)
    for text in texts:
        if not _RETURNS.search(text):
            continue
        for sentence in re.split(r"(?<=[.。;；!?])\s+|[。；]", text):
            found = [k for k in keys if _mentions(sentence, k)]
            if (
                found
                and len(found) <= 3
                and _RETURNS.search(sentence)
                and (_OPTIONAL_HINT.search(sentence) or _RETURNED_WHEN.search(sentence))
            ):
                names.update(found)
    return names


_VISIBILITY = re.compile(r"visibility|condition|显示的条件|条件", re.I)


_EXAMPLES = re.compile(r"example|示例", re.I)


def add_conditional_table(doc: Document, example: Example) -> None:
    """A 'Conditional fields' table (Field | Description | Visibility conditions | Examples): fields
    the example does not show, each with its sample value.  They join every answer of the example
    as optional keys, the condition as their comment, so the schema types them without requiring them."""
    for section in doc.sections:
        for table in (b for b in section.blocks if isinstance(b, Table)):
            vis = next((i for i, h in enumerate(table.header) if _VISIBILITY.search(h)), None)
            exa = next((i for i, h in enumerate(table.header) if _EXAMPLES.search(h)), None)
            if vis is None or exa is None or vis == 0:
                continue
            for row in table.rows:
                if len(row) <= max(vis, exa):
                    continue
                try:
                    sample = json.loads("{" + row[exa].strip().rstrip(",") + "}")
                except ValueError:
                    continue
                if len(sample) != 1:
                    continue
                [(key, value)] = sample.items()
                targets = [v for v in example.values if isinstance(v, dict) and key not in v]
                for target in targets:
                    target[key] = value
                if targets:
                    example.optional = example.optional | {key}
                    example.comments.setdefault(key, row[vis].strip())


def _mentions(sentence: str, key: str) -> bool:
    """The sentence names the field: 'quoteId', 'sourceAddressfield' (code run into 'field' by the
    export); a plain lower-case word must be the sentence's subject ('network may not be ...')."""
    if key not in sentence:
        return False
    tail = (
        r"(?:\s*(?:field|字段))?\s*(?:may|will|is|are|only|仅|可能|会|字段|field)"
        if key.islower()
        else r"(?=field|字段|[^A-Za-z0-9_]|$)"
    )
    return re.search(rf"(?<![A-Za-z0-9_@]){re.escape(key)}{tail}", sentence) is not None


def example_keys(values: list[Any]) -> set[str]:
    """Every key, at any depth, of an example's answers."""
    keys: set[str] = set()
    stack = list(values)
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            keys.update(v)
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return keys


def _outside_strings(text: str) -> Iterator[tuple[int, str]]:
    """(index, char) of every character of ``text`` outside JSON string literals."""
    in_str = escaped = False
    for i, ch in enumerate(text):
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        else:
            yield i, ch


def _strip_comment(line: str) -> tuple[str, str]:
    """Split a line into code and a ``//`` or ``#`` comment, ignoring those inside strings."""
    if "//" not in line and "#" not in line:
        return line, ""
    for i, ch in _outside_strings(line):
        if ch == "/" and line[i + 1 : i + 2] == "/":
            return line[:i], line[i + 2 :].strip()
        if ch == "#" and (i == 0 or line[i - 1] in " \t,"):
            return line[:i], line[i + 1 :].strip()
    return line, ""


#: Limits that keep a hostile example from costing a crash: deeper or longer is a finding.
MAX_DEPTH = 64


MAX_NUMBER_DIGITS = 400


_FULLWIDTH = str.maketrans(
    {"，": ",", "：": ":", "｛": "{", "｝": "}", "［": "[", "］": "]", "\u201c": '"', "\u201d": '"'}
)


_ALT_LINE = re.compile(r"^\s*(?:or|OR|或|或者|或是)\s*[:：]?\s*$|^\s*(?:or|OR)\b.{0,80}[:：]\s*$")


_VALUE_END = re.compile(r'(?:["\d}\]el])\s*$')  # a line ending in a value: true/false/null end in e or l


_VALUE_START = re.compile(r'^\s*["{\[\d-]')


def _check_bounds(text: str) -> None:
    depth = deepest = 0
    brackets = text.count("[") + text.count("{")
    for _, ch in _outside_strings(text) if brackets > MAX_DEPTH else ():  # fewer brackets cannot nest deeper
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise ValueError(f"nested {deepest} levels deep (at most {MAX_DEPTH} are read)")
    m = re.search(rf"\d{{{MAX_NUMBER_DIGITS + 1},}}", text)
    if m:
        raise ValueError(f"a number of {len(m.group())} digits (at most {MAX_NUMBER_DIGITS} are read)")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is too large for JSON (would be Infinity)")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(code: str) -> Any:
    return json.loads(code, parse_float=_finite, parse_constant=_no_constant)


def _repair(code: str, repaired: list[str]) -> str:
    """The usual slips of hand-written examples, each named in ``repaired`` when fixed."""
    fixed = code.translate(_FULLWIDTH)
    if fixed != code:
        repaired.append("full-width punctuation")
    code = fixed
    if "'" in code and '"' not in code:
        code = code.replace("'", '"')
        repaired.append("single quotes")
    lines = [ln for ln in code.split("\n") if ln.strip() not in ("...", "…", "......")]
    if len(lines) != len(code.split("\n")):
        repaired.append("'...' lines")
    out: list[str] = []
    for ln in lines:
        prev = next((i for i in range(len(out) - 1, -1, -1) if out[i].strip()), None)
        if (
            prev is not None
            and _VALUE_END.search(out[prev])
            and _VALUE_START.match(ln)
            and not out[prev].rstrip().endswith(("[", "{", ",", ":"))
        ):
            out[prev] = out[prev].rstrip() + ","
            if "missing commas" not in repaired:
                repaired.append("missing commas")
        out.append(ln)
    code = "\n".join(out)
    fixed = code.replace("\u00a0", " ").replace("\u3000", " ")
    if fixed != code:
        repaired.append("non-breaking spaces")
    code = fixed
    fixed = code.replace("\\'", "'")
    if fixed != code:
        repaired.append("invalid escapes")
    code = fixed
    fixed = re.sub(r"^(\s*)([A-Za-z_]\w*)(\s*:)", r'\1"\2"\3', code, flags=re.M)
    if fixed != code:
        repaired.append("unquoted keys")
    code = fixed
    fixed = re.sub(r"(:\s*)(?!true\b|false\b|null\b)([A-Za-z_][\w.-]*)(\s*(?:,|}|$))", r'\1"\2"\3', code, flags=re.M)
    if fixed != code:
        repaired.append("unquoted values")
    code = fixed
    trimmed = re.sub(r",(\s*[}\]])", r"\1", code)
    if trimmed != code:
        repaired.append("trailing commas")
    return trimmed


_URL_ONLY = re.compile(r"^\S+://\S+$")


_JOINED_MEMBER = re.compile(r'\t\s*(?="[^"\s]+"\s*:)')  # '// a comment<TAB>"canTrade": true, // ...'


def parse_example(text: str) -> Example:
    """A documented response example: JSON with the docs' usual liberties.

    ``//`` and ``/* */`` comments are removed (keys whose comment says they may
    be absent are remembered, so they are not required); trailing and missing
    commas, full-width punctuation and single quotes are repaired and named in
    ``repaired``; a line 'OR' between two answers gives alternatives.  Raises
    ValueError (with json's position) when it still is not JSON, and when it is
    deeper or its numbers longer than a page's example can sensibly be.
    """
    _check_bounds(text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    optional = set()
    comments: dict[str, str] = {}
    positional: list[str] = []
    chunks: list[list[str]] = [[]]
    lines = text.split("\n")[::-1]
    above: list[str] = []  # comment-only lines since the last line of code: they describe the next key
    holders: list[str | None] = []  # the key of each open array or object ('"ipList": [' -> "ipList")
    while lines:
        line = lines.pop()
        if _ALT_LINE.match(line):
            chunks.append([])
            holders = []
            continue
        code, comment = _strip_comment(line)
        joined = _JOINED_MEMBER.search(comment)
        if joined:  # the export joined two lines with a tab: the member after it is code, not comment
            lines.append(comment[joined.end() :])
            comment = comment[: joined.start()].strip()
        chunks[-1].append(code)
        m = re.search(r'"([^"]+)"\s*:', code)
        if not code.strip():
            if comment and not _URL_ONLY.match(comment):
                above.append(comment)
        else:
            if m and above:  # '// Optional field. Present only when SOR is available.' on the lines above "sors"
                comment = f"{' '.join(above)} {comment}".strip()
            above = []  # any other line of code ('}', '],') ends what the comment lines describe
        if comment:
            if m:
                comments.setdefault(m.group(1), comment)
                if _OPTIONAL_HINT.search(comment):
                    optional.add(m.group(1))
            elif code.strip():
                positional.append(comment)
                if holders and holders[-1] and _OPTIONAL_HINT.search(comment):
                    # '"8.34.21.10",  //only return if you open IP restriction': said of the list holding it
                    optional.add(holders[-1])
        bare = _STRINGS.sub(lambda s: "_" * len(s.group()), code)  # strings blanked, positions kept
        opened = {b.end() - 1: b.group(1) for b in _KEYED_BRACKET.finditer(code)}  # '"ipList": [' -> ipList
        for b in _BRACKETS.finditer(bare):
            if b.group() in "[{":
                holders.append(opened.get(b.start()))
            elif holders:
                holders.pop()
    repaired: list[str] = []
    values = []
    for chunk in chunks:
        code = "\n".join(chunk).strip()
        if not code:
            continue
        try:
            values.append(_loads(code))
        except json.JSONDecodeError:
            code = _repair(code, repaired)
            try:
                values.append(_loads(code))
            except json.JSONDecodeError as exc:
                if "control character" not in exc.msg:
                    raise
                values.append(json.loads(code, parse_float=_finite, parse_constant=_no_constant, strict=False))
                repaired.append("control characters in strings")
    if not values:
        raise ValueError("the code block holds no JSON")
    return Example(values[0], frozenset(optional), values[1:], sorted(set(repaired)), comments, positional)


def read_examples(codes: list[CodeBlock], where: str, findings: list[Finding]) -> Example | None:
    """Every code block of a response section that reads as JSON: the first is the example, the rest alternatives."""
    found: list[Example] = []
    errors = []
    for code in codes:
        try:
            found.append(parse_example(code.text))
        except ValueError as exc:
            errors.append(str(exc))
    if not found:
        what = f"not JSON ({errors[0]})" if errors else "no code block"
        findings.append(
            Finding("page.example-unreadable", "warning", f"the response example cannot be read: {what}", where)
        )
        return None
    first = found[0]
    for other in found[1:]:
        first.alternatives += [v for v in other.values if v not in first.values]
        first.optional |= other.optional
        first.repaired = sorted(set(first.repaired) | set(other.repaired))
        for k, v in other.comments.items():
            first.comments.setdefault(k, v)
    if first.repaired:
        findings.append(
            Finding(
                "page.example-repaired",
                "info",
                f"the response example is not strict JSON; read after repairing: {', '.join(first.repaired)}",
                where,
                {"repaired": first.repaired},
            )
        )
    return first
