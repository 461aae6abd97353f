"""Doc drift: what changed between two versions of a contract, and whether it breaks clients.

Changes are found language by language (each contract keeps what each
language states under ``languages``), so a change in one language only is
reported as such (translation lag) with both languages' before and after.
Cosmetic noise (anchors, whitespace, U+200B, crawler timestamps) never
reaches here: the readers drop it before anything is compared.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .. import neutral
from .._files import FileProblem, check_inside, dumps, read_json, read_regular, write_atomic
from ..contract import error_pages
from ..contract.build import build_one, contract_for, find_specs
from ..contract.openapi import openapi_document
from ..contract.store import OPENAPI_NAME, contract_files, load_contracts
from ..read.extract import NotAnEndpoint, _part_of, heading_key
from ..read.pages import LANGS, BulletList, CodeBlock, Page, PageError, Paragraph, Section, Table, parse_page, read_meta, read_page, render_crawler, zh_url
from ..rules import KINDS, auth_kind
from ..usage import UsageError

CLASSES = ("breaking", "non-breaking", "documentation", "bilingual")
EXIT = {"none": 0, "drift": 1, "breaking": 2, "error": 3}
REPORT_SCHEMA = "doccontract-drift/1"
#: drift.md must fit a GitHub issue body (65,536 characters) with room to spare.
MARKDOWN_BUDGET = 60_000

#: Why each breaking change breaks a client, in one line (shown beside the change).
WHY_BREAKING = {
    "method.changed": "calls with the old HTTP method are answered 404/405",
    "path.changed": "calls to the old path are answered 404",
    "weight.unit-changed": "the calls now count against another rate limit, so limits budgeted for the old one are wrong",
    "weight.raised": "each call costs more of the rate limit: clients that budget weight hit 429/418 sooner",
    "security.changed": "requests signed (or not) the old way are refused",
    "caller.narrowed": "calls with the API key of an account role the page no longer names are refused (-2015)",
    "caller.changed": "calls with the API key of the role the page used to name are refused (-2015)",
    "param.renamed": "requests sending the old name are refused or the value ignored",
    "param.removed": "requests still sending it may be refused as carrying an undocumented parameter",
    "param.added-mandatory": "requests without the new parameter are refused (-1102)",
    "param.retyped": "values of the old type may be refused (-1100)",
    "param.now-mandatory": "requests that leave it out are now refused (-1102)",
    "param.enum-removed": "requests sending the removed value are refused",
    "field.renamed": "code reading the old field name finds nothing",
    "field.removed": "code reading that field finds nothing",
    "field.retyped": "code parsing the old type fails or misreads the value",
    "field.enum-removed": "code matching on the removed value never sees it again",
    "contract.removed": "the endpoint's page is gone: calls may be answered 404",
    "page.gone": "the endpoint's page is gone (the endpoint may have been removed): calls may be answered 404",
}


@dataclass
class Change:
    cls: str  # one of CLASSES
    code: str  # stable: "param.added-mandatory", "field.removed", "weight.raised", ...
    subject: str  # what changed: a parameter name, a field path, "weight", ...
    message: str
    languages: list[str]  # where it changed: ["en"], ["zh-CN"] (translation lag) or both
    before: dict[str, Any] = field(default_factory=dict)  # per language
    after: dict[str, Any] = field(default_factory=dict)
    waived: str = ""  # why this change is accepted and until when (from the waivers file); waived changes do not alert

    @property
    def why(self) -> str:
        """For a breaking change, one line on why it breaks a client."""
        return WHY_BREAKING.get(self.code, "a client written for the old page may fail") if self.cls == "breaking" else ""


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
    ow, nw = o.get("weight") or {}, n.get("weight") or {}
    if ow.get("unit") != nw.get("unit") and ow and nw:
        add("breaking", "weight.unit-changed", "weight", "the weight is counted against another limit", ow, nw)
    elif (ow.get("value") or 0) < (nw.get("value") or 0):
        add("breaking", "weight.raised", "weight", f"the weight rose from {ow.get('value')} to {nw.get('value')}", ow, nw)
    elif (ow.get("value") or 0) > (nw.get("value") or 0):
        add("non-breaking", "weight.lowered", "weight", f"the weight fell from {ow.get('value')} to {nw.get('value')}", ow, nw)
    if o.get("security") != n.get("security"):
        cls = _auth_class(auth_kind({"": o.get("security")}), auth_kind({"": n.get("security")}))
        add(cls, "security.changed", "security", "the security type changed", o.get("security"), n.get("security"))
    if o.get("title") != n.get("title"):
        add("documentation", "title.changed", "title", "the title changed", o.get("title"), n.get("title"))
    if o.get("preconditions") != n.get("preconditions"):
        add("documentation", "preconditions.changed", "preconditions", "the listed conditions changed", o.get("preconditions"), n.get("preconditions"))
    _diff_members(o["params"], n["params"], "param", "parameter", add, request=True)
    _diff_members(o["fields"], n["fields"], "field", "response field", add, request=False)
    return out


def _diff_members(old: dict, new: dict, area: str, noun: str, add, request: bool) -> None:
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
            add("non-breaking", f"{area}.added" if not request else f"{area}.added-optional", name, f"{noun} {name} was added", None, new[name])
    for name in sorted(set(old) & set(new)):
        a, b = old[name], new[name]
        if a["type"].replace(" ", "").upper() != b["type"].replace(" ", "").upper():
            add("breaking", f"{area}.retyped", name, f"{noun} {name} changed type from {a['type']} to {b['type']}", a["type"], b["type"])
        if request and a.get("mandatory") is not True and b.get("mandatory") is True:
            add("breaking", f"{area}.now-mandatory", name, f"{noun} {name} became mandatory", a.get("mandatory"), b.get("mandatory"))
        elif request and a.get("mandatory") is True and b.get("mandatory") is False:
            add("non-breaking", f"{area}.now-optional", name, f"{noun} {name} became optional", a.get("mandatory"), b.get("mandatory"))
        gone = [v for v in a.get("enum", []) if v not in b.get("enum", [])]
        new_values = [v for v in b.get("enum", []) if v not in a.get("enum", [])]
        if gone:
            add("breaking", f"{area}.enum-removed", name, f"{noun} {name} lost value(s) {', '.join(gone)}", a.get("enum"), b.get("enum"))
        if new_values:
            add("non-breaking", f"{area}.enum-added", name, f"{noun} {name} gained value(s) {', '.join(new_values)}", a.get("enum"), b.get("enum"))
        if _wording(a.get("description")) != _wording(b.get("description")) and not gone and not new_values:
            add("documentation", f"{area}.description", name, f"the description of {noun} {name} changed", a.get("description"), b.get("description"))


_SPACE_BEFORE_MARK = re.compile(r"\s+(?=[,.;:!?，。；：！？、)）])|(?<=[(（])\s+")


def _auth_class(before: str, after: str) -> str:
    """none < api-key < signed: a stricter kind refuses the requests that used to do (breaking), a
    looser one still takes them (non-breaking); the same kind under another name is documentation."""
    b, a = KINDS.index(before), KINDS.index(after)
    return "breaking" if a > b else "non-breaking" if a < b else "documentation"


def _wording(text: str | None) -> str:
    """A description as a reader reads it: 'Asset Name , USDT' and 'Asset Name, USDT' are one wording."""
    return _SPACE_BEFORE_MARK.sub("", " ".join((text or "").split()))


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


def diff_contract(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``, merged across languages."""
    merged: dict[tuple[str, str], Change] = {}
    langs = [lang for lang in LANGS if lang in old.get("languages", {}) or lang in new.get("languages", {})]
    for lang in langs:
        o, n = old.get("languages", {}).get(lang), new.get("languages", {}).get(lang)
        if o is None or n is None:
            cls = "documentation"
            merged[("language", lang)] = Change(
                cls, "language.added" if o is None else "language.removed", lang, f"the {lang} page was {'added' if o is None else 'removed'}", [lang]
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
                    "breaking", "field.retyped", path, f"response field {path} is now {nt[path]}, was {ot[path]}", ["en"], {"en": ot[path]}, {"en": nt[path]}
                )
            )
    changes += _schema_members(_flat_types(old.get("response", {}), alternatives=True), _flat_types(new.get("response", {}), alternatives=True), changes)
    changes += _caller_changes(old, new, langs)
    # anything else on the page (a paragraph, a note) that changed: documentation
    for lang in langs:
        os_, ns_ = old.get("sources", {}).get(lang, {}), new.get("sources", {}).get(lang, {})
        if os_.get("sha256") and ns_.get("sha256") and os_["sha256"] != ns_["sha256"] and not any(lang in c.languages for c in changes):
            changes.append(
                Change("documentation", "page.text-changed", "text", f"the {lang} page's text changed outside the parts contracts are built from", [lang])
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
    if len(gone) == 1 and len(new) == 1:  # one field out, one of its type in beside it: a rename, as the tables read one
        (g,), (a,) = gone, new
        if g.rsplit("/", 1)[0] == a.rsplit("/", 1)[0] and ot[g] == nt[a]:
            return [Change("breaking", "field.renamed", g, f"response field {g} was renamed to {a.rsplit('/', 1)[1]} in the response schema", [])]
    for code, cls, paths, verb, have in (("field.removed", "breaking", gone, "is gone from", ot), ("field.added", "non-breaking", new, "is new in", nt)):
        for path in sorted(paths):
            out.append(Change(cls, code, path, f"response field {path} ({have[path]}) {verb} the response schema", []))
    return out


#: per-language codes whose breaking-ness is decided by the value the contract resolves and enforces
_ENFORCED = {
    "method.changed": ("method", lambda c: c.get("method")),
    "path.changed": ("path", lambda c: c.get("path")),
    "weight.unit-changed": ("weight", lambda c: {k: (c.get("weight") or {}).get(k) for k in ("value", "unit")}),
    "weight.raised": ("weight", lambda c: {k: (c.get("weight") or {}).get(k) for k in ("value", "unit")}),
    "security.changed": ("security", lambda c: (c.get("auth") or {}).get("kind")),
}


def _judge_by_contract(ch: Change, old: dict[str, Any], new: dict[str, Any], langs: list[str]) -> None:
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
            ch.message += f"; the contract's auth is now {after} (was {before}): {'stricter' if ch.cls == 'breaking' else 'looser'}"
            return
    elif ch.cls != "breaking" or ch.code not in _ENFORCED:
        return
    key, resolved = _ENFORCED[ch.code]
    if resolved(old) != resolved(new):
        return
    ch.cls = "documentation"
    others = [lang for lang in langs if lang not in ch.languages]
    agrees = [o for o in others if ch.before.get(o) == ch.after.get(o) and all(ch.after.get(lang) == ch.after.get(o) for lang in ch.languages)]
    if agrees:
        ch.message = f"{ch.message.split(' (')[0]}: {', '.join(ch.languages)} now agrees with {agrees[0]} (a bilingual disagreement resolved); the contract's {key} did not change"
    else:
        ch.message += f"; the contract's {key} (what it enforces) did not change"


def _caller_changes(old: dict[str, Any], new: dict[str, Any], langs: list[str]) -> list[Change]:
    """Who may call (the contract's ``caller``: one account role, None for any account).

    Narrowing it (any account -> one role, or one role -> another) is breaking: code calling with an
    account the page no longer names is refused.  Widening it (one role -> any) breaks nobody.  A
    contract built before ``caller`` existed lacks the key: that is no statement, so no change.
    """
    if "caller" not in old or "caller" not in new or old["caller"] == new["caller"]:
        return []
    before, after = old["caller"], new["caller"]
    if after is None:
        cls, code, message = "non-breaking", "caller.widened", f"any account may now call it, not only the {before} account"
    elif before is None:
        cls, code, message = "breaking", "caller.narrowed", f"only the {after} account may now call it (any account could)"
    else:
        cls, code, message = "breaking", "caller.changed", f"only the {after} account may now call it, no longer the {before} account"
    both = [lang for lang in langs if lang in old.get("languages", {}) and lang in new.get("languages", {})]
    return [Change(cls, code, "caller", message, both, dict.fromkeys(both, before), dict.fromkeys(both, after))]


def _value(summary: dict[str, Any], ch: Change) -> Any:
    area = ch.code.split(".", 1)[0]
    if area == "param":
        return summary["params"].get(ch.subject)
    if area == "field":
        return summary["fields"].get(ch.subject)
    return summary.get(ch.subject)


def _bilingual_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    def keyed(c: dict[str, Any]) -> dict[tuple[str, str], dict]:
        return {(f["code"], f["message"]): f for f in c.get("findings", []) if f["code"].startswith("bilingual.")}

    o, n = keyed(old), keyed(new)
    out = []
    for key in sorted(set(n) - set(o)):
        f = n[key]
        out.append(Change("bilingual", "bilingual.appeared", f["code"], f"the languages now disagree: {f['message']}", sorted(f["values"]), {}, f["values"]))
    for key in sorted(set(o) - set(n)):
        f = o[key]
        out.append(Change("bilingual", "bilingual.resolved", f["code"], f"the languages agree again: {f['message']}", sorted(f["values"]), f["values"], {}))
    return out


def fingerprint(changes: list[Change]) -> str:
    """Same changes, same fingerprint: how alerts find last night's issue instead of opening another."""
    data = json.dumps([[c.code, c.subject, c.after] for c in changes], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:12]


# --------------------------------------------------------------------------- trees and reports


@dataclass
class ContractDrift:
    id: str
    method: str
    path: str
    changes: list[Change]
    urls: dict[str, str] = field(default_factory=dict)  # language -> the page's URL

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.changes)

    def live(self) -> list[Change]:
        """The changes that alert: every change not waived."""
        return [c for c in self.changes if not c.waived]

    def worst(self) -> str:
        live = self.live()
        return live[0].cls if live else ("waived" if self.changes else "none")

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}" if self.method else self.id


def _contract_files(root: Path) -> dict[str, Path]:
    return {f.relative_to(root).with_suffix("").as_posix(): f for f in contract_files(root)}


def _urls(contract: dict[str, Any]) -> dict[str, str]:
    return {lang: src.get("url", "") for lang, src in (contract.get("sources") or {}).items() if src.get("url")}


PageReader = Callable[[str], tuple[Page | None, Page | None]]


def page_reader(old_specs: Path | None, new_specs: Path | None) -> PageReader:
    """Contract id -> (old page, new page) read from two spec folders, for the text comparison.

    A page documenting several endpoints makes ``<page id>/<anchor>`` contracts: they read their
    page's spec.  A page that cannot be read is None (its contracts are still compared)."""
    specs = [{s.cid: s for s in find_specs([root])} if root is not None and root.is_dir() else {} for root in (old_specs, new_specs)]

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


def diff_trees(old_dir: Path, new_dir: Path, only: set[str] | None = None, pages: PageReader | None = None) -> list[ContractDrift]:
    """Contracts are compared by their path under each tree; byte-identical files are not diffed.
    ``only``: compare just these contract ids (the pages a drift run could fetch).  ``pages``: where
    each contract's two pages are, so that the prose beside the contract (descriptions, notes) is
    compared too: ``diff`` and ``drift`` both come through here, so they report the same things."""
    old, new = _contract_files(old_dir), _contract_files(new_dir)
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
        drift = ContractDrift(c.get("id", cid), c["method"], c["path"], changes, _urls(c))
        if changes and pages is not None and o is not None and n is not None:
            op, np_ = pages(cid)
            if op is not None and np_ is not None:
                describe_text_changes(drift, op, np_)
        out.append(drift)
    return out


def exit_code(drifts: list[ContractDrift], errors: list[str] | None = None) -> int:
    """The worst of all: 3 when any page could not be compared, else 2 for breaking drift, 1 for other drift."""
    if errors:
        return EXIT["error"]
    classes = {ch.cls for d in drifts for ch in d.live()}
    if "breaking" in classes:
        return EXIT["breaking"]
    return EXIT["drift"] if classes else EXIT["none"]


def _change_json(ch: Change) -> dict[str, Any]:
    data = asdict(ch)
    data["class"] = data.pop("cls")
    if ch.why:
        data["why"] = ch.why
    return data


def report_json(drifts: list[ContractDrift], errors: list[str], base_url: str = "", run_url: str = "") -> dict[str, Any]:
    """The stable report: ``schema`` names its version; fields are only ever added."""
    code = exit_code(drifts, errors)
    status = {0: "no-drift", 1: "drift", 2: "breaking", 3: "error"}[code]
    summary = {cls: sum(ch.cls == cls for d in drifts for ch in d.live()) for cls in CLASSES}
    summary["waived"] = sum(bool(ch.waived) for d in drifts for ch in d.changes)
    return {
        "schema": REPORT_SCHEMA,
        "status": status,
        "exit_code": code,
        "base_url": base_url,
        "run_url": run_url,
        "summary": summary,
        "errors": errors,
        "contracts": [
            {
                "id": d.id,
                "method": d.method,
                "path": d.path,
                "urls": d.urls,
                "fingerprint": d.fingerprint,
                "worst": d.worst(),
                "changes": [_change_json(ch) for ch in d.changes],
            }
            for d in drifts
        ],
    }


def _fmt(value: Any, limit: int = 300) -> str:
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _change_lines(ch: Change) -> list[str]:
    where = ", ".join(ch.languages) or "contract"
    mark = f"**waived** ({ch.waived}) · " if ch.waived else ""
    lines = [f"- {mark}**{ch.cls}** `{ch.code}` ({where}): {ch.message}"]
    if ch.why:
        lines.append(f"  - why it breaks clients: {ch.why}")
    for lang in sorted(set(ch.before) | set(ch.after)):
        b, a = ch.before.get(lang), ch.after.get(lang)
        if b is None and a is None:
            continue
        if b == a:
            lines.append(f"  - {lang}: unchanged {_fmt(b)}")
        elif isinstance(b, str) and isinstance(a, str):
            fb, fa = focus(b, a)
            lines.append(f"  - {lang}: {_fmt(fb)} → {_fmt(fa)}")
        else:
            lines.append(f"  - {lang}: {_fmt(b)} → {_fmt(a)}")
    return lines


def focus(before: str, after: str, context: int = 80) -> tuple[str, str]:
    """Two long texts cut to where they differ, with some context: the change, not the whole page."""
    before, after = " ".join(before.split()), " ".join(after.split())
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1
    lo = max(0, start - context)

    def cut(text: str) -> str:
        hi = min(len(text), len(text) - end + context)
        return ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")

    return cut(before), cut(after)


def _links(d: ContractDrift) -> str:
    return " · ".join(f"[{lang} page]({url})" for lang, url in sorted(d.urls.items()))


def report_markdown(drifts: list[ContractDrift], errors: list[str], base_url: str = "", run_url: str = "", budget: int = MARKDOWN_BUDGET) -> str:
    """Ready to be a GitHub issue body: what changed in full (with before and after), what is
    unchanged in one line, and never more than ``budget`` characters: what does not fit is named
    and left to drift.json."""
    code = exit_code(drifts, errors)
    head = {0: "No doc drift", 1: "Doc drift (non-breaking)", 2: "Doc drift: BREAKING", 3: "Doc drift: some pages could not be compared"}[code]
    lines = [f"## {head}", ""]
    about = []
    if base_url:
        about.append(f"Pages fetched from {base_url}.")
    if run_url:
        about.append(f"CI run: {run_url}")
    if about:
        lines += [" ".join(about), ""]
    changed = [d for d in drifts if d.changes]
    same = [d for d in drifts if not d.changes]
    counts = {cls: sum(ch.cls == cls for d in drifts for ch in d.live()) for cls in CLASSES}
    waived = sum(bool(ch.waived) for d in drifts for ch in d.changes)
    lines.append(
        f"{len(drifts)} page(s) compared: {len(changed)} changed, {len(same)} unchanged; "
        + ", ".join(f"{n} {cls}" for cls, n in counts.items())
        + (f", {waived} waived" if waived else "")
        + (f"; {len(errors)} could not be compared" if errors else "")
        + "."
    )
    lines.append("")
    if errors:
        lines += ["### Not compared (fetch or read failed; this is not drift)", ""]
        room = budget // 3  # the changes must still fit beside a long list of failures
        for i, e in enumerate(errors):
            line = f"- {e if len(e) <= 500 else e[:499] + '…'}"
            room -= len(line) + 1
            if room < 0:
                lines.append(f"- … and {len(errors) - i} more, listed in drift.json")
                break
            lines.append(line)
        lines.append("")
    used = sum(len(x) + 1 for x in lines)
    tail_note = "\n_More in drift.json: this report stops here to stay within GitHub's issue size._\n"
    budget -= len(tail_note) + 200
    body: list[str] = []
    left_out: list[ContractDrift] = []
    for d in changed:
        block = ["", f"### {d.label}", "", f"`{d.id}` · fingerprint `{d.fingerprint}`" + (f" · {_links(d)}" if d.urls else ""), ""]
        for ch in d.changes:
            block += _change_lines(ch)
        size = sum(len(x) + 1 for x in block)
        if used + size > budget:
            left_out.append(d)
            continue
        body += block
        used += size
    lines += body
    if same:
        one = "", f"### Unchanged ({len(same)})", ""
        lines += list(one)
        used += 40
        for i, d in enumerate(same):
            line = f"- `{d.label}` ({d.id})"
            if used + len(line) + 1 > budget:
                lines.append(f"- … and {len(same) - i} more unchanged page(s), listed in drift.json")
                break
            lines.append(line)
            used += len(line) + 1
    text = "\n".join(lines) + "\n"
    if left_out:
        text += "\n### Changed but not shown here\n\n" + ", ".join(f"`{d.id}`" for d in left_out)[: max(0, budget - used - 100)] + "\n" + tail_note
    return text


def report_junit(drifts: list[ContractDrift], errors: list[str]) -> str:
    cases = []
    for d in drifts:
        name = quoteattr(d.id)
        body = "\n".join(f"{ch.cls} {ch.code} {ch.subject}: {ch.message}" + (f" (waived: {ch.waived})" if ch.waived else "") for ch in d.changes)
        breaking = [ch for ch in d.live() if ch.cls == "breaking"]
        inner = ""
        if breaking:
            inner += f'<failure message={quoteattr(f"{len(breaking)} breaking change(s)")} type="breaking">{escape(body)}</failure>'
        elif body:
            inner += f"<system-out>{escape(body)}</system-out>"
        cases.append(f'  <testcase classname="doc-drift" name={name}>{inner}</testcase>')
    for e in errors:
        cases.append(f'  <testcase classname="doc-drift" name="fetch"><error message={quoteattr(e)} type="fetch"/></testcase>')
    failures = sum(1 for d in drifts if any(ch.cls == "breaking" for ch in d.live()))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<testsuite name="doc-drift" tests="{len(cases)}" failures="{failures}" errors="{len(errors)}">\n' + "\n".join(cases) + "\n</testsuite>\n"
    )


def write_reports(report_dir: Path, drifts: list[ContractDrift], errors: list[str], base_url: str = "", run_url: str = "") -> dict[str, Any]:
    report = report_json(drifts, errors, base_url, run_url)
    if report_dir.exists() and not report_dir.is_dir():
        raise FileProblem(report_dir, "not a folder; give --report-dir a folder (it is made when missing)")
    write_atomic(report_dir / "drift.json", dumps(report), report_dir)
    # drift.md is GitHub markdown: the nightly workflow appends it to the job summary
    write_atomic(report_dir / "drift.md", neutral.github(report_markdown(drifts, errors, base_url, run_url)).encode(), report_dir)
    write_atomic(report_dir / "drift-junit.xml", report_junit(drifts, errors).encode(), report_dir)
    return report


# --------------------------------------------------------------------------- waivers


@dataclass
class Waiver:
    contract: str
    code: str
    reason: str
    expires: str  # YYYY-MM-DD, the last day it holds
    subject: str = ""  # optional: only the change to this parameter / field / subject


def load_waivers(path: Path | None) -> list[Waiver]:
    """The committed file of accepted drift; a missing file is no waivers, a bad one a UsageError naming the entry."""
    import datetime

    if path is None or not path.exists():
        return []
    try:
        data = read_json(path)
    except FileProblem as exc:
        raise UsageError(f"{path}: not readable JSON ({exc.problem})") from None
    items = data.get("waivers") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise UsageError(f'{path}: expected {{"waivers": [{{"contract", "code", "reason", "expires"}}, ...]}}')
    out = []
    for i, item in enumerate(items):
        where = f"{path}: waivers[{i}]"
        if not isinstance(item, dict):
            raise UsageError(f"{where}: expected an object")
        missing = [k for k in ("contract", "code", "reason", "expires") if not isinstance(item.get(k), str) or not item.get(k).strip()]
        if missing:
            raise UsageError(f"{where}: missing or empty {', '.join(missing)}")
        try:
            datetime.date.fromisoformat(item["expires"])
        except ValueError:
            raise UsageError(f"{where}: expires {item['expires']!r} is not a date like 2026-12-31") from None
        unknown = set(item) - {"contract", "code", "reason", "expires", "subject"}
        if unknown:
            raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        out.append(Waiver(item["contract"], item["code"], item["reason"], item["expires"], item.get("subject", "")))
    return out


def apply_waivers(drifts: list[ContractDrift], waivers: list[Waiver], today: str) -> list[str]:
    """Mark waived changes (until their expiry date, inclusive); returns notes on expired waivers that matched."""
    notes = []
    for d in drifts:
        for ch in d.changes:
            for w in waivers:
                if w.contract == d.id and w.code == ch.code and (not w.subject or w.subject == ch.subject):
                    if today <= w.expires:
                        ch.waived = f"{w.reason}; until {w.expires}"
                    else:
                        notes.append(f"{d.id}: the waiver of {ch.code} expired on {w.expires}; it alerts again")
                    break
    return notes


# --------------------------------------------------------------------------- pages without an endpoint


_CODE = re.compile(r"(?<![\w.])-\d{4,6}\b")


def diff_other_page(cid: str, old: Page, new: Page) -> ContractDrift:
    """A page kept for what it lists (the error codes), compared by its codes and its text."""
    changes: list[Change] = []
    for lang in LANGS:
        o, n = old.docs.get(lang), new.docs.get(lang)
        if o is None or n is None or o.canonical() == n.canonical():
            continue
        oc, nc = set(_CODE.findall(json.dumps(o.canonical(), ensure_ascii=False))), set(_CODE.findall(json.dumps(n.canonical(), ensure_ascii=False)))
        if oc - nc:
            gone = sorted(oc - nc, key=int)
            changes.append(Change("documentation", "error-code.removed", ",".join(gone), f"error code(s) {', '.join(gone)} no longer listed", [lang]))
        if nc - oc:
            added = sorted(nc - oc, key=int)
            changes.append(Change("documentation", "error-code.added", ",".join(added), f"error code(s) {', '.join(added)} now listed", [lang]))
        changes += _text_changes(o, n, lang, every_section=True)
    url = old.url or new.url or ""
    urls = {"en": url.replace("/docs/zh-CN/", "/docs/"), "zh-CN": zh_url(url)} if url else {}
    return ContractDrift(cid, "", "", changes, urls)


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
    shaped = Section(section.heading, section.level, [CodeBlock(code_shape(b.text)) if isinstance(b, CodeBlock) else b for b in section.blocks])
    return _section_text(shaped, part, every_section, lists_read)


def match_sections(old_doc, new_doc) -> list[tuple[Section | None, Section | None, str | None]]:
    """Sections of two versions paired by the part they are (``extract._part_of``: description,
    params, ...), by heading within a part, then by position among the sections of that part: a
    heading translated or renamed ("API Description" -> "接口描述") still pairs.  A section on one
    side only comes with None on the other."""
    def groups(doc) -> dict[str | None, list[Section]]:
        out: dict[str | None, list[Section]] = {}
        for s in doc.sections:
            out.setdefault(_part_of(s.heading) if s.heading else "(top)", []).append(s)
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


def _text_changes(old_doc, new_doc, lang: str, every_section: bool = False, lists_read: bool = False) -> list[Change]:
    """Sections whose prose changed (the API description, notes), with before and after; a section
    with prose on one side only is ``section.added`` / ``section.removed`` (unless the same prose is
    on the other side under a heading of another part: a renamed heading, '接口描述' -> '描述')."""
    out = []
    one_sided: dict[str, list[tuple[str, Change]]] = {"section.added": [], "section.removed": []}
    for os_, ns, part in match_sections(old_doc, new_doc):
        part = None if part == "(top)" else part
        if os_ is None or ns is None:
            only = os_ or ns
            text = _section_text(only, part, every_section, lists_read)
            if text:
                heading = only.heading or "(top)"
                code, verb, before, after = ("section.added", "added", {}, {lang: text}) if os_ is None else ("section.removed", "removed", {lang: text}, {})
                out.append(Change("documentation", code, heading, f"the section '{heading}' was {verb}", [lang], before, after))
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
    return bool(section.heading) and _part_of(section.heading) in _READ_TABLES


def _uncommented(text: str) -> str:
    """A code block without its ``//`` comments (outside string literals): the comments are notes,
    compared as such."""
    out = []
    for line in text.splitlines():
        bare = _JSON_STRING.sub(lambda m: "_" * len(m.group()), line)
        out.append(line[: bare.index("//")] if "//" in bare else line)
    return "\n".join(out)


def _example_values(doc) -> list[str]:
    """The examples under the parameter and response headings, by shape and without comments: what an
    example states that no prose and no field table does (its other sections' code is their text)."""
    return [code_shape(_uncommented(b.text)) for s in doc.sections if _holds_examples(s) for b in s.blocks if isinstance(b, CodeBlock)]


#: changes that say what changed in the answer's fields: an example change beside them is theirs
_FIELD_CHANGES = {"field.added", "field.removed", "field.renamed", "field.retyped", "field.enum-added", "field.enum-removed"}


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
            found += [Change("documentation", "example.changed", "examples", f"an example on the {lang} page changed (its content, not its layout)", [lang])]
        drift.changes += found
        if not any(lang in c.languages for c in drift.changes):
            drift.changes += _content_changed(old.docs[lang], new.docs[lang], lang, examples=not explained)
    order = {c: i for i, c in enumerate(CLASSES)}
    drift.changes.sort(key=lambda c: (order[c.cls], c.code, c.subject))


def _content(doc, examples: bool = True) -> list[str]:
    """A document as a reader reads it, layout aside: every block's text in order, code blocks by
    :func:`code_shape`, tables cell by cell, wording as :func:`_wording` sees it; headings (their
    wording, their level) left out, since a renamed heading over the same text changes nothing.
    ``examples=False``: without the examples' values (a field change already says what they changed)."""
    out = []
    for s in doc.sections:
        example = _holds_examples(s)
        for b in s.blocks:
            if isinstance(b, CodeBlock):
                out.append(code_shape(b.text if examples or not example else "\n".join(code_comments(b.text))))
            elif isinstance(b, Paragraph):
                out.append(_wording(b.text))
            elif isinstance(b, BulletList):
                out += [_wording(i) for i in b.items]
            elif isinstance(b, Table):
                out += [" | ".join(_wording(c) for c in row) for row in (b.header, *b.rows)]
    return out


def _content_changed(old_doc, new_doc, lang: str, examples: bool = True) -> list[Change]:
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


# --------------------------------------------------------------------------- the live run


@dataclass
class DriftRun:
    drifts: list[ContractDrift]
    errors: list[str]
    exit_code: int
    report: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def spec_and_contract(names: dict[str, tuple[str, str]], page) -> tuple[bytes, dict[str, bytes], str]:
    """A fetched page as its spec file and its contracts by id, made exactly as ``doccontract build``
    makes them from that file (so a stored spec always rebuilds to the same contracts).  Runs in a
    worker process.  A page without an endpoint (an error-code list) has no contract."""
    from ..contract import build as builder
    from .fetch import docs_path

    display, cid = names[docs_path(page.url)]
    spec = render_crawler(page)
    every = getattr(builder, "contracts_for", None)  # a page documenting several endpoints: one contract each
    try:
        parsed = parse_page(spec, display)
        contracts = every(parsed, cid) if every else [contract_for(parsed, cid)]
    except NotAnEndpoint:
        return spec, {}, ""
    except (PageError, RecursionError, ValueError) as exc:
        return spec, {}, f"{display}: {str(exc)[:300] or type(exc).__name__}"
    return spec, {c["id"]: dumps(c) for c in contracts}, ""


def owned(ids, spec_cid: str, spec_ids: set[str]) -> set[str]:
    """The contract ids that belong to one spec: its own id, or ``<its id>/<anchor>`` for a page
    documenting several endpoints (unless that id is another spec's)."""
    return {c for c in ids if c == spec_cid or (c.rsplit("/", 1)[0] == spec_cid and c not in spec_ids)}


def _load_index(path: Path) -> dict[str, list]:
    try:
        data = read_json(path)
    except OSError:
        return {}
    return data if isinstance(data, dict) else {}


def _prune(folder: Path, keep: set[Path]) -> None:
    """A kept work folder holds only this run's files: a page dropped from specs/ must not look added."""
    for f in folder.rglob("*"):
        if f.is_file() and f not in keep:
            f.unlink()


def _expected(spec, contracts_dir: Path):
    """What a spec documents, per language (from its committed contract when there is one: cheap)."""
    from .fetch import identities

    try:
        contract = read_json(contracts_dir / f"{spec.cid}.json")
        return {lang: ("endpoint", s["method"], s["path"]) for lang, s in contract["languages"].items()}
    except (OSError, KeyError, TypeError, AttributeError):
        pass
    try:
        return identities(read_page(spec.path, spec.display))
    except PageError:
        return {}


def run_drift(
    specs_dir: Path,
    contracts_dir: Path,
    report_dir: Path | None,
    fetcher,
    update: bool = False,
    work_dir: Path | None = None,
    waivers: list[Waiver] | None = None,
    today: str | None = None,
    run_url: str = "",
    progress=None,
) -> DriftRun:
    """Fetch every committed spec's pages, make their contracts aside, diff against the committed ones.

    Every page that could be fetched is compared; a page that is gone (404, a
    'Page Not Found' page) is breaking drift for its contract; a page that could
    not be fetched or now documents another endpoint is an error listed beside
    the others (exit 3: worst of all).  Nothing in ``specs_dir`` or
    ``contracts_dir`` changes unless ``update`` and the whole run succeeded; then
    only the pages that changed are rewritten.  ``work_dir`` (kept between runs)
    holds the fetched specs and contracts with the validators they were made
    from, so pages that answer 304 are not read again.
    """
    import datetime

    from .fetch import docs_path

    for folder, what in ((specs_dir, "--specs"), (contracts_dir, "--contracts")):
        if not folder.is_dir():
            raise UsageError(f"{what} {folder}: no such folder")
    today = today or datetime.date.today().isoformat()
    errors: list[str] = []
    specs = find_specs([specs_dir])
    if not specs:
        raise UsageError(f"--specs {specs_dir}: no spec pages in it (expected specs/binance/.../*.md)")
    refs: dict[str, Any] = {}
    for spec in specs:
        try:
            url = read_meta(spec.path, spec.display).get("source_url", "")
            path = docs_path(url) if url else ""
        except (PageError, ValueError) as exc:
            errors.append(f"{spec.cid}: {exc}")
            continue
        if not url:
            errors.append(f"{spec.cid}: {spec.display} has no source_url in its front matter; cannot fetch it")
            continue
        refs[path] = spec
    spec_ids = {s.cid for s in specs}
    committed = _contract_files(contracts_dir)
    for cid in sorted(committed):
        if not any(owned([cid], s, spec_ids) for s in spec_ids):
            errors.append(f"{cid}: a committed contract without a spec under {specs_dir} (removed or renamed spec?); run doccontract build")
    drifts: list[ContractDrift] = []
    compared: set[str] = set()
    others: list[tuple[Any, bytes]] = []  # pages without an endpoint: (spec, fetched spec bytes)
    with contextlib.ExitStack() as stack:
        work = work_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="doccontract-drift-")))
        tmp_specs, tmp_contracts = work / "specs", work / "contracts"
        index_file = work / "index.json"
        targets = {p: tmp_specs / spec.path.relative_to(specs_dir) for p, spec in refs.items()}
        made = _contract_files(tmp_contracts) if tmp_contracts.is_dir() else {}
        known = _load_index(index_file) if work_dir else {}
        known = {p: v for p, v in known.items() if p in targets and targets[p].exists() and owned(made, refs[p].cid, spec_ids)}
        names = {p: (f"specs/{spec.path.relative_to(specs_dir).as_posix()}", spec.cid) for p, spec in refs.items()}
        expect = {p: _expected(spec, contracts_dir) for p, spec in refs.items()}
        fetched = fetcher.fetch_pages(list(refs), known=known, then=partial(spec_and_contract, names), expect=expect, progress=progress) if refs else {}
        fine: dict[str, Any] = {}
        keep: set[Path] = set()
        for path, result in fetched.items():
            spec = refs[path]
            if result.error:
                if result.kind == "gone":
                    drifts.append(_gone(spec.cid, path, result.error, _committed(contracts_dir, spec.cid)))
                else:
                    errors.append(f"{spec.cid}: {result.error}")
                continue
            if result.page is None:  # unchanged since this work folder's spec and contracts were made
                ids = owned(made, spec.cid, spec_ids)
            else:
                spec_bytes, contracts, problem = result.extra
                if problem:
                    errors.append(f"{spec.cid}: {problem} (fetched page)")
                    continue
                write_atomic(targets[path], spec_bytes, tmp_specs, durable=False)  # scratch: the work folder
                for cid, data in contracts.items():
                    write_atomic(tmp_contracts / f"{cid}.json", data, tmp_contracts, durable=False)
                if not contracts:
                    others.append((spec, spec_bytes))
                ids = set(contracts)
            fine[path] = result
            keep |= {tmp_contracts / f"{cid}.json" for cid in ids}
            compared |= ids | owned(committed, spec.cid, spec_ids)  # a contract the page no longer makes: removed
        _prune(tmp_specs, {targets[p] for p in fine})
        _prune(tmp_contracts, keep)
        if work_dir:
            write_atomic(index_file, json.dumps({p: list(r.validators) for p, r in fine.items() if r.validators}, sort_keys=True).encode(), work, durable=False)
        drifts += diff_trees(contracts_dir, tmp_contracts, only=compared, pages=page_reader(specs_dir, tmp_specs))
        for spec, spec_bytes in others:
            try:
                drifts.append(diff_other_page(spec.cid, read_page(spec.path, spec.display), parse_page(spec_bytes, spec.display)))
            except PageError as exc:
                errors.append(f"{spec.cid}: {exc}")
        drifts.sort(key=lambda d: d.id)
        notes = apply_waivers(drifts, waivers or [], today)
        changed = {d.id for d in drifts if d.changes and not any(c.code == "page.gone" for c in d.changes)}
        if update and changed and not errors:
            _update(specs, specs_dir, contracts_dir, tmp_specs, tmp_contracts, changed, spec_ids)
    code = exit_code(drifts, errors)
    base_url = getattr(fetcher, "base_url", "")
    report = write_reports(report_dir, drifts, errors, base_url, run_url) if report_dir else report_json(drifts, errors, base_url, run_url)
    return DriftRun(drifts, errors, code, report, notes)


def _gone(cid: str, path: str, why: str, old: dict[str, Any]) -> ContractDrift:
    urls = {"en": f"https://developers.binance.com/docs/{path}", "zh-CN": f"https://developers.binance.com/docs/zh-CN/{path}"}
    change = Change("breaking", "page.gone", cid, f"the doc page is gone ({why})", list(LANGS))
    return ContractDrift(cid, old.get("method", ""), old.get("path", ""), [change], urls)


def _update(specs, specs_dir: Path, contracts_dir: Path, tmp_specs: Path, tmp_contracts: Path, changed: set[str], spec_ids: set[str]) -> None:
    """Write the fetched spec and contracts of every page with a change; a contract the page no longer
    makes is removed; then openapi.json and errors.json again (a page may name a new code; the error-code
    list itself may have changed)."""
    new = _contract_files(tmp_contracts)
    old = _contract_files(contracts_dir)
    plan: list[tuple[Path, bytes, Path]] = []  # (target, bytes, the folder it must stay in)
    gone: list[Path] = []
    for spec in specs:
        mine_new, mine_old = owned(new, spec.cid, spec_ids), owned(old, spec.cid, spec_ids)
        if not (mine_new | mine_old | {spec.cid}) & changed:
            continue
        rel = spec.path.relative_to(specs_dir)
        plan.append((spec.path, read_regular(tmp_specs / rel), specs_dir))
        plan += [(contracts_dir / f"{cid}.json", read_regular(new[cid]), contracts_dir) for cid in mine_new]
        gone += [old[cid] for cid in mine_old - mine_new]
    for target, _, root in plan:  # every place checked before the first write: all or nothing
        check_inside(target, root)
    for target, data, root in plan:
        write_atomic(target, data, root)
    for f in gone:
        f.unlink()
    write_atomic(contracts_dir / OPENAPI_NAME, dumps(openapi_document(load_contracts(contracts_dir))), contracts_dir)
    error_pages.write_catalogue(contracts_dir, _error_code_pages(specs, contracts_dir, spec_ids))


def _error_code_pages(specs, contracts_dir: Path, spec_ids: set[str]) -> list[tuple[str, bytes, Any]]:
    """The error-code lists among the specs, told apart as ``doccontract build`` tells them (build_one's
    category, with the page it read), for the build's own catalogue writer.  A spec with a contract is
    an endpoint: not read."""
    have = _contract_files(contracts_dir)
    pages = []
    for spec in specs:
        if owned(have, spec.cid, spec_ids):
            continue
        try:
            data = read_regular(spec.path)
        except FileProblem:
            continue  # an unreadable spec lists no error codes; the build names it
        results = build_one(spec, data)
        if results and results[0].category == "error-codes":
            pages.append((spec.display, data, results[0].read))
    return pages


def _committed(contracts_dir: Path, cid: str) -> dict[str, Any]:
    try:
        data = read_json(contracts_dir / f"{cid}.json")
    except OSError:
        return {}
    return data if isinstance(data, dict) else {}
