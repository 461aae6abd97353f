"""Waivers: drift a team has accepted, until a date; waived changes are reported, never alerted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._files import FileProblem, read_json
from ..usage import UsageError
from .changes import ContractDrift

#: codes that were renamed: a waiver written for the old name still holds
RENAMED_CODES = {"weight.raised": "weight.increased", "weight.lowered": "weight.decreased"}


@dataclass
class Waiver:
    contract: str
    code: str
    reason: str
    expires: str  # YYYY-MM-DD, the last day it holds
    subject: str = ""  # optional: only the change to this parameter / field / subject


def _filled(value: object) -> bool:
    """A string with something in it (what each of a waiver's keys must be)."""
    return isinstance(value, str) and bool(value.strip())


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
        missing = [k for k in ("contract", "code", "reason", "expires") if not _filled(item.get(k))]
        if missing:
            raise UsageError(f"{where}: missing or empty {', '.join(missing)}")
        try:
            datetime.date.fromisoformat(item["expires"])
        except ValueError:
            raise UsageError(f"{where}: expires {item['expires']!r} is not a date like 2026-12-31") from None
        unknown = set(item) - {"contract", "code", "reason", "expires", "subject"}
        if unknown:
            raise UsageError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        given: str = item["code"]  # checked a string above
        code = RENAMED_CODES.get(given, given)
        out.append(Waiver(item["contract"], code, item["reason"], item["expires"], item.get("subject", "")))
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
