"""Contract against contract, and tree against tree: the endpoint changes, language by language,
judged by what the contract enforces.

Changes are found language by language (each contract keeps what each
language states under ``languages``), so a change in one language only is
reported as such (translation lag) with both languages' before and after.
Cosmetic noise (anchors, whitespace, U+200B, crawler timestamps) never
reaches here: the readers drop it before anything is compared.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._files import FileProblem, read_regular
from ..contract.build import find_specs
from ..contract.document import Contract, FindingEntry
from ..contract.store import contract_files
from ..read.load import read_page
from ..read.model import LANGS, Page, PageError
from ..rules import KINDS, auth_kind
from .changes import CLASSES, Change, ContractDrift, wording
from .prose import describe_text_changes

# --------------------------------------------------------------------------- one language


def _raw_changes(o: dict[str, Any], n: dict[str, Any]) -> list[tuple[str, str, str, str, Any, Any]]:
    """(class, code, subject, message, before, after) for one language's summary."""
    out: list[tuple[str, str, str, str, Any, Any]] = []

    def add(cls: str, code: str, subject: str, message: str, before: Any, after: Any) -> None:
        out.append((cls, code, subject, message, before, after))

    if o["method"] != n["method"]:
        add("breaking", "method.changed", "method", "the HTTP method changed", o["method"], n["method"])
    if o["path"] != n["path"]:
        add("breaking", "path.changed", "path", "the path changed", o["path"], n["path"])
    _weight_changes(o.get("weight") or {}, n.get("weight") or {}, add)
    if o.get("security") != n.get("security"):
        cls = _auth_class(auth_kind({"": o.get("security")}), auth_kind({"": n.get("security")}))
        add(cls, "security.changed", "security", "the security type changed", o.get("security"), n.get("security"))
    if o.get("title") != n.get("title"):
        add("documentation", "title.changed", "title", "the title changed", o.get("title"), n.get("title"))
    if o.get("preconditions") != n.get("preconditions"):
        add(
            "documentation",
            "preconditions.changed",
            "preconditions",
            "the listed conditions changed",
            o.get("preconditions"),
            n.get("preconditions"),
        )
    _diff_members(o["params"], n["params"], "param", "parameter", add, request=True)
    _diff_members(o["fields"], n["fields"], "field", "response field", add, request=False)
    return out


#: diff_contract's ``add``: (class, code, subject, message, before, after)
_Add = Callable[[str, str, str, str, Any, Any], None]


def _weight_changes(ow: dict[str, Any], nw: dict[str, Any], add: _Add) -> None:
    """The weight: its unit (only when both sides name one: a unit a conditional table leaves unnamed
    is not another limit), its value (a conditional weight's value is the largest it names), and the
    conditions it newly depends on."""
    ou, nu = ow.get("unit"), nw.get("unit")
    if ou and nu and ou.upper() != nu.upper():
        add(
            "breaking",
            "weight.unit-changed",
            "weight",
            f"the weight is counted against another limit ({ou} -> {nu})",
            ow,
            nw,
        )
    ov, nv = ow.get("value"), nw.get("value")
    most = " (the largest its conditions name)" if _conditions(nw) else ""
    if ov is None or nv is None:
        if ov != nv:  # stated on one side only: nothing to compare a number with
            said = (
                f"the weight is no longer stated (was {ov})" if nv is None else f"the weight is now stated: {nv}{most}"
            )
            add(
                "documentation",
                "weight.stated" if ov is None else "weight.unstated",
                "weight",
                said,
                ow or None,
                nw or None,
            )
    elif nv > ov:
        add("breaking", "weight.increased", "weight", f"the weight rose from {ov} to {nv}{most}", ow, nw)
    elif nv < ov:
        add("non-breaking", "weight.decreased", "weight", f"the weight fell from {ov} to {nv}{most}", ow, nw)
    new_conditions = [c for c in _conditions(nw) if c not in _conditions(ow)]
    if new_conditions:
        add(
            "non-breaking",
            "weight.conditional",
            "weight",
            f"the weight now depends on: {'; '.join(new_conditions)[:300]}",
            ow,
            nw,
        )


def _conditions(weight: dict[str, Any]) -> list[str]:
    """The conditions a weight depends on: its table's rows ('LIMIT 1-100', 'isIsolated=TRUE')."""
    rows = (weight.get("table") or {}).get("rows") or []
    return [wording(str(r.get("when", ""))) for r in rows if r.get("when")]


def _diff_members(old: dict[str, Any], new: dict[str, Any], area: str, noun: str, add: _Add, request: bool) -> None:
    removed = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    if len(removed) == 1 and len(added) == 1 and old[removed[0]]["type"].upper() == new[added[0]]["type"].upper():
        r, a = removed[0], added[0]
        add("breaking", f"{area}.renamed", r, f"{noun} {r} was renamed to {a}", {r: old[r]}, {a: new[a]})
        removed, added = [], []
    for name in removed:
        add("breaking", f"{area}.removed", name, f"{noun} {name} was removed", old[name], None)
    for name in added:
        if request and new[name].get("mandatory"):
            add("breaking", f"{area}.added-mandatory", name, f"mandatory {noun} {name} was added", None, new[name])
        else:
            add(
                "non-breaking",
                f"{area}.added" if not request else f"{area}.added-optional",
                name,
                f"{noun} {name} was added",
                None,
                new[name],
            )
    for name in sorted(set(old) & set(new)):
        a, b = old[name], new[name]
        if a["type"].replace(" ", "").upper() != b["type"].replace(" ", "").upper():
            add(
                "breaking",
                f"{area}.retyped",
                name,
                f"{noun} {name} changed type from {a['type']} to {b['type']}",
                a["type"],
                b["type"],
            )
        if request and a.get("mandatory") is not True and b.get("mandatory") is True:
            add(
                "breaking",
                f"{area}.now-mandatory",
                name,
                f"{noun} {name} became mandatory",
                a.get("mandatory"),
                b.get("mandatory"),
            )
        elif request and a.get("mandatory") is True and b.get("mandatory") is False:
            add(
                "non-breaking",
                f"{area}.now-optional",
                name,
                f"{noun} {name} became optional",
                a.get("mandatory"),
                b.get("mandatory"),
            )
        gone = [v for v in a.get("enum", []) if v not in b.get("enum", [])]
        new_values = [v for v in b.get("enum", []) if v not in a.get("enum", [])]
        if gone:
            add(
                "breaking",
                f"{area}.enum-removed",
                name,
                f"{noun} {name} lost value(s) {', '.join(gone)}",
                a.get("enum"),
                b.get("enum"),
            )
        if new_values:
            add(
                "non-breaking",
                f"{area}.enum-added",
                name,
                f"{noun} {name} gained value(s) {', '.join(new_values)}",
                a.get("enum"),
                b.get("enum"),
            )
        if wording(a.get("description")) != wording(b.get("description")) and not gone and not new_values:
            add(
                "documentation",
                f"{area}.description",
                name,
                f"the description of {noun} {name} changed",
                a.get("description"),
                b.get("description"),
            )


def _auth_class(before: str, after: str) -> str:
    """none < api-key < signed: a stricter kind refuses the requests that used to do (breaking), a
    looser one still takes them (non-breaking); the same kind under another name is documentation."""
    b, a = KINDS.index(before), KINDS.index(after)
    return "breaking" if a > b else "non-breaking" if a < b else "documentation"


def _flat_types(schema: dict[str, Any], prefix: str = "", alternatives: bool = False) -> dict[str, Any]:
    """Response field path -> type.  ``alternatives``: also the fields of each answer a ``oneOf`` /
    ``anyOf`` offers, so a page that adds an alternative answer does not look like it lost its fields."""
    out: dict[str, Any] = {}
    for alt in [*schema.get("oneOf", []), *schema.get("anyOf", [])] if alternatives else []:
        if isinstance(alt, dict):
            out.update(_flat_types(alt, prefix, alternatives))
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return {**out, **_flat_types(schema["items"], prefix, alternatives)}
    for name, sub in (schema.get("properties") or {}).items():
        out[f"{prefix}/{name}"] = sub.get("type") or sub.get("anyOf") and "string|number"
        out.update(_flat_types(sub, f"{prefix}/{name}", alternatives))
    return out


# --------------------------------------------------------------------------- one contract


def diff_contract(old: Contract, new: Contract) -> list[Change]:
    """Every change from ``old`` to ``new``, merged across languages."""
    merged: dict[tuple[str, str], Change] = {}
    langs = [lang for lang in LANGS if lang in old.get("languages", {}) or lang in new.get("languages", {})]
    for lang in langs:
        o, n = old.get("languages", {}).get(lang), new.get("languages", {}).get(lang)
        if o is None or n is None:
            cls = "documentation"
            merged[("language", lang)] = Change(
                cls,
                "language.added" if o is None else "language.removed",
                lang,
                f"the {lang} page was {'added' if o is None else 'removed'}",
                [lang],
            )
            continue
        for cls, code, subject, message, before, after in _raw_changes(o, n):
            ch = merged.setdefault((code, subject), Change(cls, code, subject, message, []))
            ch.languages.append(lang)
            ch.before[lang], ch.after[lang] = before, after
    for ch in merged.values():  # one language only: show the other's (unchanged) value beside it
        for lang in langs:
            if lang not in ch.languages and lang in old.get("languages", {}) and lang in new.get("languages", {}):
                ch.before[lang] = _value(old["languages"][lang], ch)
                ch.after[lang] = _value(new["languages"][lang], ch)
        if len(ch.languages) < len(langs) and len(langs) == 2:
            ch.message += f" ({ch.languages[0]} only: translation lag?)"
    changes = list(merged.values())
    for ch in changes:
        _judge_by_contract(ch, old, new, langs)
    # the example can retype a field without the tables changing (DECIMAL as "1.5" vs 1.5)
    reported = {c.subject for c in changes if c.code in ("field.retyped", "field.removed", "field.renamed")}
    ot, nt = _flat_types(old.get("response", {})), _flat_types(new.get("response", {}))
    for path in sorted(set(ot) & set(nt)):
        if ot[path] != nt[path] and path not in reported:
            changes.append(
                Change(
                    "breaking",
                    "field.retyped",
                    path,
                    f"response field {path} is now {nt[path]}, was {ot[path]}",
                    ["en"],
                    {"en": ot[path]},
                    {"en": nt[path]},
                )
            )
    changes += _schema_members(
        _flat_types(old.get("response", {}), alternatives=True),
        _flat_types(new.get("response", {}), alternatives=True),
        changes,
    )
    changes += _caller_changes(old, new, langs)
    # anything else on the page (a paragraph, a note) that changed: documentation
    for lang in langs:
        os_, ns_ = old.get("sources", {}).get(lang), new.get("sources", {}).get(lang)
        if (
            os_
            and ns_
            and os_.get("sha256")
            and ns_.get("sha256")
            and os_["sha256"] != ns_["sha256"]
            and not any(lang in c.languages for c in changes)
        ):
            changes.append(
                Change(
                    "documentation",
                    "page.text-changed",
                    "text",
                    f"the {lang} page's text changed outside the parts contracts are built from",
                    [lang],
                )
            )
    changes += _bilingual_changes(old, new)
    order = {c: i for i, c in enumerate(CLASSES)}
    return sorted(changes, key=lambda c: (order[c.cls], c.code, c.subject))


def _schema_members(ot: dict[str, Any], nt: dict[str, Any], changes: list[Change]) -> list[Change]:
    """Response fields the contract's schema gained or lost (from the example, when the page has no
    field table or its table does not name them): code reading a field that is gone finds nothing.
    What a language's field table already reported is not said again; a field inside one that came
    or went comes and goes with it.  The schema is both languages' answer: said of the contract."""
    named = set()
    for c in changes:
        if c.code.startswith("field."):
            named.add(c.subject)
            named |= {k for v in c.after.values() if isinstance(v, dict) for k in v}
    out = []
    gone = {p for p in set(ot) - set(nt) if p not in named and p.rsplit("/", 1)[0] not in set(ot) - set(nt)}
    new = {p for p in set(nt) - set(ot) if p not in named and p.rsplit("/", 1)[0] not in set(nt) - set(ot)}
    if (
        len(gone) == 1 and len(new) == 1
    ):  # one field out, one of its type in beside it: a rename, as the tables read one
        (g,), (a,) = gone, new
        if g.rsplit("/", 1)[0] == a.rsplit("/", 1)[0] and ot[g] == nt[a]:
            return [
                Change(
                    "breaking",
                    "field.renamed",
                    g,
                    f"response field {g} was renamed to {a.rsplit('/', 1)[1]} in the response schema",
                    [],
                )
            ]
    for code, cls, paths, verb, have in (
        ("field.removed", "breaking", gone, "is gone from", ot),
        ("field.added", "non-breaking", new, "is new in", nt),
    ):
        for path in sorted(paths):
            out.append(Change(cls, code, path, f"response field {path} ({have[path]}) {verb} the response schema", []))
    return out


#: per-language codes whose breaking-ness is decided by the value the contract resolves and enforces
_ENFORCED: dict[str, tuple[str, Callable[[Contract], Any]]] = {
    "method.changed": ("method", lambda c: c.get("method")),
    "path.changed": ("path", lambda c: c.get("path")),
    "weight.unit-changed": ("weight", lambda c: {k: (c.get("weight") or {}).get(k) for k in ("value", "unit")}),
    "weight.increased": ("weight", lambda c: {k: (c.get("weight") or {}).get(k) for k in ("value", "unit")}),
    "security.changed": ("security", lambda c: (c.get("auth") or {}).get("kind")),
}


def _judge_by_contract(ch: Change, old: Contract, new: Contract, langs: list[str]) -> None:
    """A breaking per-language change breaks clients only if what the contract enforces moved.

    The contract resolves one method, path, weight and auth kind from both languages; a
    one-language edit that leaves those alone (typically zh-CN corrected to agree with en) cannot
    break a client built on the contract: it is documentation, and said to be.  A security type is
    judged by the auth kind the contract resolves, whatever each language's class was: NONE ->
    MARKET_DATA needs an API key that clients without one do not send.
    """
    if ch.code == "security.changed":
        if "auth" not in old or "auth" not in new:
            return  # a contract from before auth existed: the per-language judgement stands
        before, after = _ENFORCED[ch.code][1](old), _ENFORCED[ch.code][1](new)
        if before not in KINDS or after not in KINDS:
            return
        judged, ch.cls = ch.cls, _auth_class(before, after)
        if judged == ch.cls == "documentation":
            return  # as the languages said: nothing to add
        if ch.cls != "documentation":
            direction = "stricter" if ch.cls == "breaking" else "looser"
            ch.message += f"; the contract's auth is now {after} (was {before}): {direction}"
            return
    elif ch.cls != "breaking" or ch.code not in _ENFORCED:
        return
    key, resolved = _ENFORCED[ch.code]
    if resolved(old) != resolved(new):
        return
    ch.cls = "documentation"
    others = [lang for lang in langs if lang not in ch.languages]
    agrees = [
        o
        for o in others
        if ch.before.get(o) == ch.after.get(o) and all(ch.after.get(lang) == ch.after.get(o) for lang in ch.languages)
    ]
    if agrees:
        ch.message = (
            f"{ch.message.split(' (')[0]}: {', '.join(ch.languages)} now agrees with {agrees[0]} "
            f"(a bilingual disagreement resolved); the contract's {key} did not change"
        )
    else:
        ch.message += f"; the contract's {key} (what it enforces) did not change"


def _caller_changes(old: Contract, new: Contract, langs: list[str]) -> list[Change]:
    """Who may call (the contract's ``caller``: one account role, None for any account).

    Narrowing it (any account -> one role, or one role -> another) is breaking: code calling with an
    account the page no longer names is refused.  Widening it (one role -> any) breaks nobody.  A
    contract built before ``caller`` existed lacks the key: that is no statement, so no change.
    """
    if "caller" not in old or "caller" not in new or old["caller"] == new["caller"]:
        return []
    before, after = old["caller"], new["caller"]
    if after is None:
        cls, code, message = (
            "non-breaking",
            "caller.widened",
            f"any account may now call it, not only the {before} account",
        )
    elif before is None:
        cls, code, message = (
            "breaking",
            "caller.narrowed",
            f"only the {after} account may now call it (any account could)",
        )
    else:
        cls, code, message = (
            "breaking",
            "caller.changed",
            f"only the {after} account may now call it, no longer the {before} account",
        )
    both = [lang for lang in langs if lang in old.get("languages", {}) and lang in new.get("languages", {})]
    return [Change(cls, code, "caller", message, both, dict.fromkeys(both, before), dict.fromkeys(both, after))]


def _value(summary: dict[str, Any], ch: Change) -> Any:
    area = ch.code.split(".", 1)[0]
    if area == "param":
        return summary["params"].get(ch.subject)
    if area == "field":
        return summary["fields"].get(ch.subject)
    return summary.get(ch.subject)


def _bilingual_changes(old: Contract, new: Contract) -> list[Change]:
    def keyed(c: Contract) -> dict[tuple[str, str], FindingEntry]:
        return {(f["code"], f["message"]): f for f in c.get("findings", []) if f["code"].startswith("bilingual.")}

    o, n = keyed(old), keyed(new)
    out = []
    for key in sorted(set(n) - set(o)):
        f = n[key]
        out.append(
            Change(
                "bilingual",
                "bilingual.appeared",
                f["code"],
                f"the languages now disagree: {f['message']}",
                sorted(f["values"]),
                {},
                f["values"],
            )
        )
    for key in sorted(set(o) - set(n)):
        f = o[key]
        out.append(
            Change(
                "bilingual",
                "bilingual.resolved",
                f["code"],
                f"the languages agree again: {f['message']}",
                sorted(f["values"]),
                f["values"],
                {},
            )
        )
    return out


def contract_ids(root: Path) -> dict[str, Path]:
    return {f.relative_to(root).with_suffix("").as_posix(): f for f in contract_files(root)}


def _urls(contract: Contract) -> dict[str, str]:
    return {lang: src.get("url", "") for lang, src in (contract.get("sources") or {}).items() if src.get("url")}


PageReader = Callable[[str], tuple[Page | None, Page | None]]


def page_reader(old_specs: Path | None, new_specs: Path | None) -> PageReader:
    """Contract id -> (old page, new page) read from two spec folders, for the text comparison.

    A page documenting several endpoints makes ``<page id>/<anchor>`` contracts: they read their
    page's spec.  A page that cannot be read is None (its contracts are still compared)."""
    specs = [
        {s.cid: s for s in find_specs([root])} if root is not None and root.is_dir() else {}
        for root in (old_specs, new_specs)
    ]

    def read(cid: str) -> tuple[Page | None, Page | None]:
        found: list[Page | None] = []
        for by_id in specs:
            spec = by_id.get(cid) or by_id.get(cid.rsplit("/", 1)[0])
            try:
                found.append(read_page(spec.path, spec.display) if spec else None)
            except PageError:
                found.append(None)
        return found[0], found[1]

    return read


def _json(path: Path, data: bytes) -> Any:
    """A contract file's JSON; one that is not JSON is a FileProblem naming it."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise FileProblem(path, f"not JSON ({type(exc).__name__}); not a contract doccontract wrote") from None


def diff_trees(
    old_dir: Path, new_dir: Path, only: set[str] | None = None, pages: PageReader | None = None
) -> list[ContractDrift]:
    """Contracts are compared by their path under each tree; byte-identical files are not diffed.
    ``only``: compare just these contract ids (the pages a drift run could fetch).  ``pages``: where
    each contract's two pages are, so that the prose beside the contract (descriptions, notes) is
    compared too: ``diff`` and ``drift`` both come through here, so they report the same things."""
    old, new = contract_ids(old_dir), contract_ids(new_dir)
    out = []
    for cid in sorted(set(old) | set(new)):
        if only is not None and cid not in only:
            continue
        o_bytes = read_regular(old[cid]) if cid in old else None
        n_bytes = read_regular(new[cid]) if cid in new else None
        o = _json(old[cid], o_bytes) if o_bytes is not None else None
        n = o if n_bytes == o_bytes else _json(new[cid], n_bytes) if n_bytes is not None else None
        if o is None:
            changes = [Change("non-breaking", "contract.added", cid, "a new endpoint page", [], {}, {})]
        elif n is None:
            changes = [Change("breaking", "contract.removed", cid, "the endpoint page is gone", [], {}, {})]
        else:
            changes = [] if n is o else diff_contract(o, n)
        c = n or o
        assert c is not None  # cid is in old or new, so one side was read
        drift = ContractDrift(c.get("id", cid), c["method"], c["path"], changes, _urls(c))
        if changes and pages is not None and o is not None and n is not None:
            op, np_ = pages(cid)
            if op is not None and np_ is not None:
                describe_text_changes(drift, op, np_)
        out.append(drift)
    return out
