"""The drift reports: drift.json (stable schema), drift.md (a GitHub issue body within its size) and JUnit."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .. import neutral
from .._files import FileProblem, dumps, write_atomic
from .changes import CLASSES, Change, ContractDrift, exit_code

REPORT_SCHEMA = "doccontract-drift/1"
#: drift.md must fit a GitHub issue body (65,536 characters) with room to spare.
MARKDOWN_BUDGET = 60_000


def _change_json(ch: Change) -> dict[str, Any]:
    data = asdict(ch)
    data["class"] = data.pop("cls")
    if ch.why:
        data["why"] = ch.why
    return data


def report_json(
    drifts: list[ContractDrift],
    errors: list[str],
    base_url: str = "",
    run_url: str = "",
    refused: list[str] | None = None,
) -> dict[str, Any]:
    """The stable report: ``schema`` names its version; fields are only ever added."""
    refused = refused or []
    code = exit_code(drifts, [*errors, *refused])
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
        "refused": refused,  # pages holding another page than their URL names: not compared, not drift
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


def report_markdown(
    drifts: list[ContractDrift],
    errors: list[str],
    base_url: str = "",
    run_url: str = "",
    budget: int = MARKDOWN_BUDGET,
    refused: list[str] | None = None,
) -> str:
    """Ready to be a GitHub issue body: what changed in full (with before and after), what is
    unchanged in one line, and never more than ``budget`` characters: what does not fit is named
    and left to drift.json."""
    refused = refused or []
    code = exit_code(drifts, [*errors, *refused])
    head = {
        0: "No doc drift",
        1: "Doc drift (non-breaking)",
        2: "Doc drift: BREAKING",
        3: "Doc drift: some pages could not be compared",
    }[code]
    if refused and not errors:
        head = "Doc drift: pages refused as another page (not compared)"
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
        + (f"; {len(refused)} refused as another page" if refused else "")
        + "."
    )
    lines.append("")
    for title, items in (
        ("### Not compared (fetch or read failed; this is not drift)", errors),
        (
            "### Refused: the page at this URL is another page "
            "(a crawler's or the site's slip; not compared, not drift)",
            refused,
        ),
    ):
        if not items:
            continue
        lines += [title, ""]
        room = budget // 6  # the changes must still fit beside a long list of failures
        for i, e in enumerate(items):
            line = f"- {e if len(e) <= 500 else e[:499] + '…'}"
            room -= len(line) + 1
            if room < 0:
                lines.append(f"- … and {len(items) - i} more, listed in drift.json")
                break
            lines.append(line)
        lines.append("")
    used = sum(len(x) + 1 for x in lines)
    tail_note = "\n_More in drift.json: this report stops here to stay within GitHub's issue size._\n"
    budget -= len(tail_note) + 200
    body: list[str] = []
    left_out: list[ContractDrift] = []
    for d in changed:
        block = [
            "",
            f"### {d.label}",
            "",
            f"`{d.id}` · fingerprint `{d.fingerprint}`" + (f" · {_links(d)}" if d.urls else ""),
            "",
        ]
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
        text += (
            "\n### Changed but not shown here\n\n"
            + ", ".join(f"`{d.id}`" for d in left_out)[: max(0, budget - used - 100)]
            + "\n"
            + tail_note
        )
    return text


def report_junit(drifts: list[ContractDrift], errors: list[str], refused: list[str] | None = None) -> str:
    cases = []
    for d in drifts:
        name = quoteattr(d.id)
        body = "\n".join(
            f"{ch.cls} {ch.code} {ch.subject}: {ch.message}" + (f" (waived: {ch.waived})" if ch.waived else "")
            for ch in d.changes
        )
        breaking = [ch for ch in d.live() if ch.cls == "breaking"]
        inner = ""
        if breaking:
            inner += (
                f'<failure message={quoteattr(f"{len(breaking)} breaking change(s)")} type="breaking">'
                f"{escape(body)}</failure>"
            )
        elif body:
            inner += f"<system-out>{escape(body)}</system-out>"
        cases.append(f'  <testcase classname="doc-drift" name={name}>{inner}</testcase>')
    for e in errors:
        cases.append(
            f'  <testcase classname="doc-drift" name="fetch"><error message={quoteattr(e)} type="fetch"/></testcase>'
        )
    for e in refused or []:
        cases.append(
            f'  <testcase classname="doc-drift" name="identity">'
            f'<error message={quoteattr(e)} type="wrong-page"/></testcase>'
        )
    errors = [*errors, *(refused or [])]
    failures = sum(1 for d in drifts if any(ch.cls == "breaking" for ch in d.live()))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<testsuite name="doc-drift" tests="{len(cases)}" failures="{failures}" errors="{len(errors)}">\n'
        + "\n".join(cases)
        + "\n</testsuite>\n"
    )


def write_reports(
    report_dir: Path,
    drifts: list[ContractDrift],
    errors: list[str],
    base_url: str = "",
    run_url: str = "",
    refused: list[str] | None = None,
) -> dict[str, Any]:
    report = report_json(drifts, errors, base_url, run_url, refused)
    if report_dir.exists() and not report_dir.is_dir():
        raise FileProblem(report_dir, "not a folder; give --report-dir a folder (it is made when missing)")
    write_atomic(report_dir / "drift.json", dumps(report), report_dir)
    # drift.md is GitHub markdown: the nightly workflow appends it to the job summary
    write_atomic(
        report_dir / "drift.md",
        neutral.github(report_markdown(drifts, errors, base_url, run_url, refused=refused)).encode(),
        report_dir,
    )
    write_atomic(report_dir / "drift-junit.xml", report_junit(drifts, errors, refused).encode(), report_dir)
    return report
