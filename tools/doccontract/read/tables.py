"""Parameter and response-field tables: columns found by name in either language."""

from __future__ import annotations

import copy
import re
from typing import Any

from .endpoint import Field, Param
from .model import BulletList, Finding, Paragraph, Section, Table, TemplateError
from .prose import enum_values, omitted_default
from .sections import heading_key

_COLUMNS = {
    "name": ("name", "名称", "参数", "参数名", "parameter", "field", "字段", "名字"),
    "type": ("type", "类型", "参数类型"),
    "mandatory": (
        "mandatory",
        "是否必需",
        "是否必须",
        "是否必填",
        "required",
        "必填",
        "必须",
        "是否强制要求",
        "强制要求",
        "是否必要",
    ),
    "description": ("description", "描述", "说明", "备注", "详情"),
}


def column_map(header: tuple[str, ...]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        key = heading_key(h)
        for col, names in _COLUMNS.items():
            if key in names and col not in cols:
                cols[col] = i
    return cols


def _cell(row: tuple[str, ...], cols: dict[str, int], col: str) -> str:
    i = cols.get(col)
    return row[i].strip() if i is not None and i < len(row) else ""


_YES = {"YES", "Y", "TRUE", "是", "必填", "必须"}


_NO = {"NO", "N", "FALSE", "否", "非必填", "选填"}


_FLAT_ROW = re.compile(r"[｜]")


def flattened_table(text: str) -> Table | None:
    """A table the export flattened into one paragraph, rows split by full-width '｜'.

    '｜名称 | 类型 | 是否必需 | 描述 ｜---- | ---- ｜pair | STRING | YES | BTCUSDT ｜...'
    """
    if "｜" not in text or "|" not in text:
        return None
    rows = [r.strip() for r in _FLAT_ROW.split(text) if r.strip()]
    cells = [[c.strip() for c in r.strip("|").split("|")] for r in rows]
    cells = [r for r in cells if not all(re.fullmatch(r":?-{2,}:?", c) for c in r if c)]
    if len(cells) < 2 or len(cells[0]) < 2:
        return None
    width = len(cells[0])
    return Table(tuple(cells[0]), tuple(tuple((r + [""] * width)[:width]) for r in cells[1:]))


def _tables(section: Section) -> list[Table]:
    out = []
    for b in section.blocks:
        if isinstance(b, Table):
            out.append(b)
        elif isinstance(b, Paragraph):
            t = flattened_table(b.text)
            if t is not None:
                out.append(t)
    return out


def _flag(text: str) -> str:
    return text.upper().replace("*", "").strip()


def _mandatory_column(table: Table, cols: dict[str, int]) -> dict[str, int]:
    """A table without a mandatory column may have it under another name (a second '类型'):
    the column whose cells are all YES/NO is it."""
    if "mandatory" in cols or not table.rows:
        return cols
    for i in range(len(table.header)):
        if i in cols.values() and i != cols.get("type"):
            continue
        flags = [_flag(r[i]) for r in table.rows if i < len(r) and r[i].strip()]
        if flags and all(f in _YES or f in _NO for f in flags):
            cols = dict(cols)
            if cols.get("type") == i:  # the mislabelled column was taken for the type
                del cols["type"]
                other = next(
                    (j for j, h in enumerate(table.header) if j != i and heading_key(h) in _COLUMNS["type"]), None
                )
                if other is not None:
                    cols["type"] = other
            cols["mandatory"] = i
            return cols
    return cols


def _table_params(table: Table, where: str, findings: list[Finding]) -> list[Param]:
    cols = _mandatory_column(table, column_map(table.header))
    params: list[Param] = []
    for row in table.rows:
        name = _cell(row, cols, "name").strip("`")
        if not name:
            continue
        others = [c for i, c in enumerate(row) if i != cols.get("name") and c.strip()]
        if params and not others and not _PARAM_NAME.match(name):
            params[-1].description = f"{params[-1].description} {name}".strip()  # a cell's continuation line
            continue
        raw = _cell(row, cols, "mandatory")
        flag = _flag(raw)
        mandatory = True if flag in _YES else False if flag in _NO else None
        if mandatory is None and re.match(r"EITHER|CONDITIONAL|条件|二选一|其一", flag):
            mandatory = False  # the page says when: the description carries it
            raw = f"{raw} *"
        if mandatory is None:
            findings.append(
                Finding(
                    "page.mandatory-unreadable",
                    "warning",
                    f"parameter {name!r}: mandatory flag {raw!r} is neither YES nor NO",
                    where,
                    {"value": raw},
                )
            )
        description = _cell(row, cols, "description")
        if "*" in raw and mandatory is False:
            description = f"{description} (mandatory under conditions the page states: {raw})".strip()
        params.append(Param(name, _cell(row, cols, "type"), mandatory, description))
    return params


_PARAM_NAME = re.compile(r"^[A-Za-z_][\w.\[\]-]*$")


_LIST_TYPE = re.compile(r"LIST|ARRAY|JSON|\[\]", re.I)


def parse_params(section: Section | None, where: str, findings: list[Finding]) -> list[Param]:
    """The parameter table; a later table under it is the element table of a list parameter (batchOrders)."""
    if section is None:
        return []
    tables = _tables(section)
    named = [t for t in tables if "name" in column_map(t.header)]
    if not named:
        if tables:
            raise TemplateError(where, "the parameter table has no name column (expected 'Name' / '名称')")
        return []
    table = named[0]
    if not table.rows:
        raise TemplateError(where, "the parameter table has a header but no rows")
    params = _table_params(table, where, findings)
    lists = [p for p in params if _LIST_TYPE.search(p.type)]
    for extra in named[1:]:
        if lists and extra.rows:
            lists.pop(0).items = _table_params(extra, where, findings)
    _enum_list_below(section, params)
    for p in params:
        partial = omitted_default(p.description, p.type)
        if partial:
            listed, missing = partial
            findings.append(
                Finding(
                    "page.enum-omits-default",
                    "warning",
                    f"parameter {p.name}: the values listed ({', '.join(listed)}) leave out its own default {missing}; "
                    "no value list is enforced",
                    f"{where} | {p.name}",
                    {"listed": listed, "default": missing},
                )
            )
    return params


_ENUM_INTRO = re.compile(r"\benum\b|枚举", re.I)


_ENUM_ITEM = re.compile(r"^([A-Z][A-Z0-9_]{2,})(?=\s|$|[:：(（])")


def _enum_list_below(section: Section, params: list[Param]) -> None:
    """'ENUM of transfer types:' and a list of 'MAIN_UMFUTURE Spot account transfer to ...' under
    the table: the values of the one ENUM parameter the table leaves without values."""
    bare = [p for p in params if p.type.upper() == "ENUM" and not enum_values(p.description, p.type)]
    if len(bare) != 1:
        return
    for b in section.blocks:
        if not isinstance(b, BulletList):
            continue
        for i, item in enumerate(b.items):
            if not _ENUM_INTRO.search(item) or not item.rstrip().endswith((":", "：")):
                continue
            values = []
            for nxt in b.items[i + 1 :]:
                m = _ENUM_ITEM.match(nxt.strip())
                if not m:
                    break
                values.append(m.group(1))
            if len(values) >= 2:
                bare[0].description = f"{bare[0].description} {item} {', '.join(values)}".strip()
                return


def parse_fields(table: Table, where: str) -> list[Field]:
    """The response field table as a tree: '→' marks a field of the row above."""
    cols = column_map(table.header)
    if not table.rows:
        raise TemplateError(where, "the response field table has a header but no rows")
    roots: list[Field] = []
    stack: list[Field] = []
    for row in table.rows:
        raw = _cell(row, cols, "name")
        depth = raw.count("→") + raw.count("->")
        name = raw.replace("→", "").replace("->", "").strip()
        if not name:
            continue
        f = Field(name, _cell(row, cols, "type"), _cell(row, cols, "description"))
        del stack[depth:]
        (stack[-1].children if stack else roots).append(f)
        stack.append(f)
    return roots


#: '- price (number): Last price', '`data` (array) - the tokens', '**code** （string）：状态码':
#: a field of a bulleted response
_FIELD_ITEM = re.compile(
    r"^[`*]*(?P<name>[A-Za-z_][\w.\[\]-]*)[`*]*\s*[(（]\s*(?P<type>[^)）,，]{1,40}?)\s*(?:[,，][^)）]{0,40})?[)）]\s*(?:[:：\-–—]\s*)?(?P<desc>.*)$"
)


def list_fields(section: Section) -> list[Field]:
    """A response described as a bulleted list, one field an item, '- name (type): description',
    nested items the fields of the object or array above.  [] when no list of the section reads so
    (most items must: a list of notes is not a structure)."""
    for b in section.blocks:
        if not isinstance(b, BulletList):
            continue
        matches = [_FIELD_ITEM.match(item) for item in b.items]
        if sum(m is not None for m in matches) * 2 <= len(matches):
            continue
        roots: list[Field] = []
        stack: list[tuple[int, Field]] = []  # (depth, field) of the open parents
        for i, m in enumerate(matches):
            depth = b.depth(i)
            while stack and stack[-1][0] >= depth:
                stack.pop()
            if m is None:
                if stack:  # an item that is no field: more words about the field above
                    parent = stack[-1][1]
                    parent.description = f"{parent.description} {b.items[i]}".strip()
                continue
            f = Field(m.group("name"), m.group("type").strip(), m.group("desc").strip())
            (stack[-1][1].children if stack else roots).append(f)
            stack.append((depth, f))
        return roots
    return []


def _key_path(value: Any, key: str) -> list[str] | None:
    """Keys leading to the first object that holds ``key`` (arrays passed through), breadth first."""
    queue: list[tuple[Any, list[str]]] = [(value, [])]
    while queue:
        v, path = queue.pop(0)
        if isinstance(v, list):
            queue.extend((x, path) for x in v[:1])
        elif isinstance(v, dict):
            if key in v:
                return path
            queue.extend((x, [*path, k]) for k, x in v.items())
    return None


def nest_like_example(roots: list[Field], example: Any) -> list[Field]:
    """A field table that lost its arrows ('liquidationSnapshot' listed as top-level while the example
    has it in rows[0]): each top-level field the example holds only deeper moves under the field at
    that place, when the table has that field.  The example decides nesting; the table, the types."""
    top = example[0] if isinstance(example, list) and example else example
    if not isinstance(top, dict) or all(f.name in top for f in roots):
        return roots
    kept: list[Field] = []
    for f in copy.deepcopy(roots):  # the caller's fields stay as the table has them
        path = None if f.name in top else _key_path(top, f.name)
        parent = None
        if path:
            level = kept
            for name in path:
                parent = next((g for g in level if g.name == name), None)
                if parent is None:
                    break
                level = parent.children
        if parent is not None:
            parent.children.append(f)
        else:
            kept.append(f)
    return kept
