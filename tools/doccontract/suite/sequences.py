"""Checks across requests: what one endpoint writes, the family's other endpoints must show.

A stateless stand-in (Prism, a mock) answers each request as its page documents it, so a close that
answers CLOSED but never reaches the closed-unit records would pass every single-request check.
The family table below says which endpoint reads what another writes, the one thing no page
states.  Everything else comes from the contracts: the operations, their roles (``caller``), the
values sent (the documented examples), the page size (the read's documented ``size`` maximum).
:func:`validate` checks every operation and field the table names against the contracts, so a
contract that drops one is reported by name instead of silently checking nothing.

Each read is judged by a small named check of ``checks.py``; ``sent.X`` and ``answer.X`` name a
value of the writing request or of its answer, ``time`` the moment of the write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from . import checks
from .checks import Checker, CheckFailed
from .operations import SuiteOperation as Operation
from .target import Exchange, Target

CLOSE_TIME_SLACK_MS = (
    60_000  # a close's closeTime may differ from our clock by the measured offset's error and the API's own processing
)


@dataclass(frozen=True)
class Show:
    """One read that must show a write's effect.

    ``check``: ``listed`` (a row carries every ``match`` value), ``not_listed`` (no row does),
    ``moved`` (the ``liability`` of the row ``match`` names moved by ``by`` between a read before
    the write and one after).  ``within``: the rows are the ``within`` list of the row that
    ``within_match`` names (the members of one unit).  ``params``: values the read needs besides
    those the write sent (each one a value the read's contract documents).
    """

    read: str
    check: str
    match: tuple[tuple[str, str], ...] = ()
    params: tuple[tuple[str, Any], ...] = ()
    within: str | None = None
    within_match: tuple[tuple[str, str], ...] = ()
    by: str = ""  # moved: 'answer.amount' (up) or '-answer.amount' (down)
    liability: tuple[str, str, str] = ("liabilities", "assetName", "sent.assetName")  # moved: list, key field, value


@dataclass(frozen=True)
class Sequence:
    """A write and the reads that must show it; ``live``: also run live, with both destructive opt-ins."""

    name: str
    write: str
    shows: tuple[Show, ...]
    live: bool = False


_BORROW_REPAY = "GET /sapi/v1/margin/loan-group/borrow-repay"
_DETAILS = "GET /sapi/v1/margin/loan-group/ltv-details"
_ACTIVE = "GET /sapi/v1/margin/loan-groups/activated"
_CLOSED = "GET /sapi/v1/margin/loan-groups/closed"
_TRANSACTION = (("tranId", "answer.transactionId"), ("assetName", "sent.assetName"))
_UNIT = (("groupId", "sent.groupId"),)

#: The Institutional Loan family: which endpoint reads what another writes.
FAMILY: tuple[Sequence, ...] = (
    Sequence(
        "borrow, then the borrow records and the unit's liability",
        "POST /sapi/v1/margin/loan-group/borrow",
        (
            Show(_BORROW_REPAY, "listed", _TRANSACTION + (("amount", "answer.amount"),), params=(("type", "BORROW"),)),
            Show(_DETAILS, "moved", _UNIT, by="answer.amount"),
        ),
    ),
    Sequence(
        "repay, then the repay records and the unit's liability",
        "POST /sapi/v1/margin/loan-group/repay",
        (
            Show(_BORROW_REPAY, "listed", _TRANSACTION + (("amount", "answer.amount"),), params=(("type", "REPAY"),)),
            Show(_DETAILS, "moved", _UNIT, by="-answer.amount"),
        ),
    ),
    Sequence(
        "edit-member, then the unit's members",
        "POST /sapi/v1/margin/loan-group/edit-member",
        (
            Show(
                _ACTIVE,
                "listed",
                (("email", "sent.subEmail"), ("enableSpot", "sent.enableSpot"), ("enableMargin", "sent.enableMargin")),
                within="members",
                within_match=_UNIT,
            ),
        ),
    ),
    Sequence(
        "close, then the active units without it and the closed records with its closeTime",
        "DELETE /sapi/v1/margin/loan-group",
        (Show(_ACTIVE, "not_listed", _UNIT), Show(_CLOSED, "listed", _UNIT + (("closeTime", "time"),))),
        live=True,
    ),
)


@dataclass(frozen=True)
class Agreement:
    """Two reads that must agree on a set of ids: ``first``'s ids are ``second``'s (``equal_for`` those
    roles, whose view is the whole: the parent sees every unit) or among them (any other role)."""

    name: str
    first: str
    second: str
    field: str
    equal_for: tuple[str, ...] = ()


AGREEMENTS: tuple[Agreement, ...] = (
    Agreement("the units the details give are the active ones", _DETAILS, _ACTIVE, "groupId", equal_for=("parent",)),
)


def sequences_for(op: Operation) -> list[Sequence]:
    return [s for s in FAMILY if s.write == op.key]


def agreements_for(op: Operation) -> list[Agreement]:
    return [a for a in AGREEMENTS if a.first == op.key]


# --------------------------------------------------------------------------- the table against the contracts


def validate(ops: Iterable[Operation]) -> list[str]:
    """Every operation and field the table names, checked against the contracts; what does not hold, one line each."""
    by_key = {o.key: o for o in ops}
    problems = []
    for seq in FAMILY:
        write = by_key.get(seq.write)
        if write is None:
            continue  # a folder without this family: nothing to check
        for show in seq.shows:
            read = by_key.get(show.read)
            if read is None:
                continue  # a folder without the read: the sequence is skipped, saying so
            row = _row_schema(read.response, show.within)
            for name, ref in (*show.match, *show.within_match):
                schema = row if (name, ref) in show.match else _row_schema(read.response, None)
                if name not in (schema.get("properties") or {}):
                    problems.append(f"{seq.name}: {show.read} answers no field {name!r}")
                problems += _ref_problems(seq.name, ref, write)
            for name, value in show.params:
                allowed = (read.params.get(name) or {}).get("enum")
                if name not in read.params or (allowed and value not in allowed):
                    problems.append(f"{seq.name}: {show.read} documents no {name}={value!r}")
    return problems


def _ref_problems(where: str, ref: str, write: Operation) -> list[str]:
    side, _, name = ref.lstrip("-").partition(".")
    if side == "sent" and name not in write.params:
        return [f"{where}: {write.key} documents no parameter {name!r}"]
    if side == "answer" and name not in (write.response.get("properties") or {}):
        return [f"{where}: {write.key} answers no field {name!r}"]
    return []


def _row_schema(response: dict[str, Any], within: str | None) -> dict[str, Any]:
    """The schema of one row a read lists (a page's ``rows``, a list's items; ``within``: a list inside a row)."""
    schema = response
    if "rows" in (schema.get("properties") or {}):
        schema = schema["properties"]["rows"]
    schema = schema.get("items") or schema
    if within:
        schema = ((schema.get("properties") or {}).get(within) or {}).get("items") or {}
    return schema


# --------------------------------------------------------------------------- running a sequence


@dataclass
class Written:
    """The write as the reads are judged against it: what was sent, what came back, and when."""

    sent: dict[str, Any]
    answer: Exchange
    started_ms: int
    ended_ms: int

    def value(self, ref: str) -> Any:
        sign = ref.startswith("-")
        side, _, name = ref.lstrip("-").partition(".")
        source = self.sent if side == "sent" else self.answer.body if isinstance(self.answer.body, dict) else {}
        if name not in source:
            raise CheckFailed(f"the write's {'request' if side == 'sent' else 'answer'} has no {name!r}")
        value = source[name]
        return checks.negate(value) if sign else value


def carried(seq: Sequence, ops: dict[str, Operation], sent: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The write's values, each one a value every read's contract can carry back.

    The pages' own examples may disagree across the family (Borrow documents a DECIMAL amount of
    123456.78; the records page, with no field table, types its amount as integer from its example
    of 300): the sequence is about the effect showing, so a value a read could not carry is sent
    rounded down to one it can, and the note says so (the disagreement is the contracts' to fix).
    """
    out, notes = dict(sent), []
    for show in seq.shows:
        row = _row_schema(ops[show.read].response, show.within) if show.read in ops else {}
        for field_name, ref in show.match:
            name = ref.lstrip("-").partition(".")[2]
            kind = ((row.get("properties") or {}).get(field_name) or {}).get("type")
            value = checks.number_of(out.get(name))
            if kind == "integer" and value is not None and value != value.to_integral_value():
                out[name] = int(value)
                notes.append(
                    f"sent {name} {out[name]}, not the example's {sent[name]}: "
                    f"{show.read} types {field_name} as integer"
                )
    return out, notes


def read_params(show: Show, read: Operation, sent: dict[str, Any]) -> dict[str, Any]:
    """What the write sent that the read documents, the show's own values, and the read's largest page."""
    params = {k: v for k, v in sent.items() if k in read.params}
    params |= dict(show.params)
    size = read.params.get("size") or {}
    if "maximum" in size:
        params["size"] = size["maximum"]
    return params


def run(
    seq: Sequence,
    ops: dict[str, Operation],
    target: Target,
    checker: Checker,
    sent: dict[str, Any],
    write: Callable[[], Written],
) -> None:
    """Reads before (for ``moved``), the write (``sent``), then every read that must show it."""
    reads = [(show, ops[show.read]) for show in seq.shows]
    for op in (ops[seq.write], *(r for _, r in reads)):
        target.credentials(op)  # a role without a key: skipped before anything is sent
    befores = {
        i: _read(target, read, read_params(show, read, sent), checker)
        for i, (show, read) in enumerate(reads)
        if show.check == "moved"
    }
    done = write()
    checker(checks.status_is, done.answer, 200)
    for i, (show, read) in enumerate(reads):
        answer = _read(target, read, read_params(show, read, done.sent), checker)
        rows = checks.rows_of(answer.body)
        if show.within:
            unit = {k: done.value(v) for k, v in show.within_match}
            outer = checks.find_row(rows, unit)
            if outer is None:
                raise CheckFailed(f"{read.key} lists no row with {checks.described(unit)}")
            rows = outer.get(show.within) or []
        values = {k: done.value(v) for k, v in show.match if v != "time"}
        if show.check == "moved":
            name, key_field, key_ref = show.liability
            checker(
                checks.liability_moved,
                befores[i].body,
                answer.body,
                values,
                name,
                key_field,
                done.value(key_ref),
                done.value(show.by),
                read.key,
            )
        elif show.check == "listed":
            checker(checks.listed, rows, values, read.key)
            for name in (k for k, v in show.match if v == "time"):
                lo, hi = done.started_ms - CLOSE_TIME_SLACK_MS, done.ended_ms + CLOSE_TIME_SLACK_MS
                checker(checks.time_within, checks.find_row(rows, values), name, lo, hi)
        elif show.check == "not_listed":
            checker(checks.not_listed, rows, values, read.key)
        else:
            raise ValueError(f"{seq.name}: unknown check {show.check!r}")


def _read(target: Target, read: Operation, params: dict[str, Any], checker: Checker) -> Exchange:
    answer = target.send(read, params)
    checker(checks.status_is, answer, 200)
    return answer


def agree(agreement: Agreement, ops: dict[str, Operation], target: Target, checker: Checker) -> None:
    """``second`` once (its role's key); ``first`` as each role with a key of its own (or the default key)."""
    first, second = ops[agreement.first], ops[agreement.second]
    target.credentials(second)
    ids = {r.get(agreement.field) for r in checks.rows_of(_read(target, second, {}, checker).body)}
    roles: list[str | None] = [r for r in target.keys.roles if first.caller in (None, r)] or [None]
    for role in roles:
        answer = target.send(first, {}, role=role) if role else target.send(first, {})
        checker(checks.status_is, answer, 200)
        mine = {r.get(agreement.field) for r in checks.rows_of(answer.body)}
        checker(
            checks.ids_agree,
            mine,
            ids,
            role in agreement.equal_for,
            f"{first.key} as {role or 'the default key'}",
            second.key,
            agreement.field,
        )
