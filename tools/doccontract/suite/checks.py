"""Small named checks on one answer: each says what it checked when it passes, why when it fails.

Every expectation comes from the operation's contract or Binance's general rules
(general-info.md: 4XX is the caller's fault, errors are ``{"code", "msg"}``, weight headers
``X-SAPI-USED-{IP|UID}-WEIGHT-1M``); none from the sandbox's code or wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .._files import json_pointer
from ..contract.validation import first_error, validator
from ..rules import SIGNING_NAMES, weight_header
from ..wire.transport import header_count
from .operations import SuiteOperation
from .target import Exchange


class CheckFailed(AssertionError):
    """A check's reason, shown as is in the table, the JSON and the JUnit report."""


#: A quoted answer or message is bounded (a server may send megabytes), never cut mid-word.
QUOTE_LIMIT = 300


def whole(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text``, or its first words within ``limit`` characters followed by '…' (never half a word)."""
    text = str(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip() + " …"


def status_is(answer: Exchange, expected: int | str) -> str:
    if isinstance(expected, str):  # a class such as "4XX"
        if str(answer.status)[0] != expected[0]:
            raise CheckFailed(f"HTTP {answer.status}, expected {expected} ({_brief(answer)})")
        return f"HTTP {answer.status} ({expected})"
    if answer.status != expected:
        raise CheckFailed(f"HTTP {answer.status}, expected {expected} ({_brief(answer)})")
    return f"HTTP {expected}"


def documented_path_answers(answer: Exchange, op: SuiteOperation) -> str:
    if answer.status in (404, 405):
        raise CheckFailed(f"HTTP {answer.status} on the documented {op.key}: the endpoint is not there")
    return f"{op.key} exists"


def content_type_is_json(answer: Exchange) -> str:
    ctype = answer.header("Content-Type") or ""
    if not ctype.lower().startswith("application/json"):
        raise CheckFailed(f"Content-Type is {ctype or 'missing'!r}, expected application/json")
    if answer.body is None:
        raise CheckFailed(f"the body is not JSON: {whole(answer.text)!r}")
    return "JSON body"


def error_body_is_code_and_msg(answer: Exchange) -> str:
    body = answer.body
    if not isinstance(body, dict):
        raise CheckFailed(f"error body is not a {{code, msg}} object: {whole(answer.text)!r}")
    if answer.code is None:
        raise CheckFailed(f"error body has no integer 'code': {whole(answer.text)!r}")
    if not isinstance(body.get("msg"), str):
        raise CheckFailed(f"error body has no string 'msg': {whole(answer.text)!r}")
    return "error is {code, msg}"


def error_code_is(answer: Exchange, codes: Iterable[int]) -> str:
    codes = tuple(codes)
    if answer.code not in codes:
        wanted = " or ".join(str(c) for c in codes)
        raise CheckFailed(f"code {answer.code}, expected {wanted} ({_brief(answer)})")
    return f"code {answer.code}, as documented"


def error_names_parameter(answer: Exchange, name: str) -> str:
    msg = answer.body.get("msg", "") if isinstance(answer.body, dict) else ""
    if name not in msg:
        raise CheckFailed(f"msg does not name the parameter {name!r}: {whole(msg)!r}")
    return f"msg names {name}"


def success_is_not_an_error(answer: Exchange) -> str:
    body = answer.body
    if isinstance(body, dict) and "code" in body and "msg" in body and answer.code is not None and answer.code < 0:
        raise CheckFailed(f"HTTP {answer.status} carries an error body: {_brief(answer)}")
    return "no error in the body"


def body_matches_response_schema(answer: Exchange, op: SuiteOperation) -> str:
    e = first_error(validator(op.response), answer.body)
    if e is not None:
        schema = e.schema if isinstance(e.schema, Mapping) else {}  # a dict: contracts write no boolean subschema
        documented = schema.get("x-doc-type") or schema.get("type") or e.validator
        raise CheckFailed(f"answer at {json_pointer(e) or '/'}: {whole(e.message)} (documented: {documented})")
    return "body matches the response schema"


def enum_values_are_documented(answer: Exchange, op: SuiteOperation) -> str:
    said: list[tuple[str, Any, list[Any]]] = []
    wrong: list[tuple[str, Any, list[Any]]] = []
    for pointer, value, enum in _enum_fields(op.response, answer.body, ""):
        (said if value in enum else wrong).append((pointer, value, enum))
    if wrong:
        pointer, value, enum = wrong[0]
        raise CheckFailed(f"{pointer.lstrip('/')} is {value!r}, documented: {', '.join(map(str, enum))}")
    if not said:
        return "no enum fields answered"
    seen: dict[str, set[str]] = {}
    for pointer, value, _ in said:
        seen.setdefault(_field(pointer), set()).add(str(value))
    return "; ".join(f"{name} is {'/'.join(sorted(values))}, as documented" for name, values in seen.items())


def identifiers_echo_the_request(answer: Exchange, op: SuiteOperation) -> str:
    props = op.response.get("properties") or {}
    said = []
    if not isinstance(answer.body, dict):
        return "no identifiers to echo"
    for name, sent in answer.sent.items():
        if name in SIGNING_NAMES or name not in props or name not in answer.body:
            continue
        got = answer.body[name]
        if str(got) != str(sent) or (
            props[name].get("type") == "integer" and (isinstance(got, bool) or not isinstance(got, int))
        ):
            raise CheckFailed(f"{name} answered is {got!r}, sent {sent!r}")
        said.append(f"{name} answered is the one sent ({sent})")
    return "; ".join(said) or "no identifiers to echo"


def weight_header_is_documented(answer: Exchange, op: SuiteOperation) -> str:
    value = answer.header(op.weight_header)
    other = weight_header("IP" if op.weight_unit == "UID" else "UID")
    if value is None:
        extra = f" (answered {other} instead)" if answer.header(other) is not None else ""
        raise CheckFailed(f"no {op.weight_header} header{extra}: the weight is documented per {op.weight_unit}")
    count = header_count(value)
    if count is None:
        raise CheckFailed(f"{op.weight_header} is {value!r}, not a count")
    if count < op.weight_value:
        raise CheckFailed(f"{op.weight_header} is {value}, less than this call's documented weight {op.weight_value}")
    return f"{op.weight_header} reported"


def _weight_used(answer: Exchange, op: SuiteOperation) -> int:
    """The used-weight header as a number (weight_header_is_documented has checked it is one)."""
    value = header_count(answer.header(op.weight_header))
    assert value is not None  # weight_header_is_documented raised otherwise
    return value


def weight_per_call_is_documented(first: Exchange, second: Exchange, op: SuiteOperation) -> str:
    weight_header_is_documented(first, op)
    weight_header_is_documented(second, op)
    before, after = _weight_used(first, op), _weight_used(second, op)
    step = after - before
    if step < 0:  # a new minute window began between the two calls
        step = after
    if step != op.weight_value:
        raise CheckFailed(f"one call added {step} to {op.weight_header}, documented weight {op.weight_value}")
    return f"one call costs {op.weight_value} {op.weight_unit} weight, as documented"


# --------------------------------------------------------------------------- across requests (suite/sequences.py)


def rows_of(body: Any) -> list[dict[str, Any]]:
    """The rows of a list answer: the list itself, or a page's ``rows``."""
    rows = body.get("rows") if isinstance(body, dict) else body
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def same(a: Any, b: Any) -> bool:
    """One value as two answers write it: 1 and "1", "1.50" and 1.5, True and "true", emails in any case."""
    if isinstance(a, bool) or isinstance(b, bool):
        return str(a).lower() == str(b).lower()
    x, y = _number(a), _number(b)
    if x is not None and y is not None:
        return x == y
    return str(a).casefold() == str(b).casefold()


def number_of(value: Any) -> Decimal | None:
    """A JSON number or numeric string as a Decimal; None for anything else."""
    return _number(value)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def negate(value: Any) -> Decimal:
    d = _number(value)
    if d is None:
        raise CheckFailed(f"{value!r} is not a number")
    return -d


def find_row(rows: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any] | None:
    return next((r for r in rows if all(k in r and same(r[k], v) for k, v in values.items())), None)


def described(values: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in values.items())


def listed(rows: list[dict[str, Any]], values: dict[str, Any], where: str) -> str:
    if find_row(rows, values) is None:
        raise CheckFailed(f"{where} does not list {described(values)} ({len(rows)} rows answered)")
    return f"{where} lists {described(values)}"


def not_listed(rows: list[dict[str, Any]], values: dict[str, Any], where: str) -> str:
    if find_row(rows, values) is not None:
        raise CheckFailed(f"{where} still lists {described(values)}")
    return f"{where} no longer lists {described(values)}"


def time_within(row: dict[str, Any] | None, name: str, low_ms: int, high_ms: int) -> str:
    value = (row or {}).get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low_ms <= value <= high_ms:
        raise CheckFailed(f"{name} is {value!r}, not the time of the request (between {low_ms} and {high_ms} ms)")
    return f"{name} is the time of the request"


def _owed(body: Any, unit: dict[str, Any], list_name: str, key_field: str, key: Any, where: str) -> Decimal:
    row = find_row(rows_of(body), unit)
    if row is None:
        raise CheckFailed(f"{where} lists no row with {described(unit)}")
    entries = [e for e in row.get(list_name) or [] if isinstance(e, dict) and same(e.get(key_field), key)]
    total = Decimal(0)
    for e in entries:
        for part in ("principal", "interest"):
            d = _number(e.get(part, 0))
            if d is None:
                raise CheckFailed(f"{where}: {list_name} {part} is {e.get(part)!r}, not a number")
            total += d
    return total


def liability_moved(
    before: Any, after: Any, unit: dict[str, Any], list_name: str, key_field: str, key: Any, delta: Any, where: str
) -> str:
    """The unit's liability in one asset (principal plus interest) moved by exactly the amount the write answered."""
    moved = _owed(after, unit, list_name, key_field, key, where) - _owed(before, unit, list_name, key_field, key, where)
    want = _number(delta)
    if want is None or moved != want:
        raise CheckFailed(
            f"{where}: the {key} liability of {described(unit)} moved by {moved}, the write answered {delta}"
        )
    return f"{where}: the {key} liability moved by {want}"


def ids_agree(mine: set[Any], theirs: set[Any], equal: bool, first: str, second: str, field: str) -> str:
    extra = sorted(map(str, mine - theirs))
    missing = sorted(map(str, theirs - mine)) if equal else []
    if extra or missing:
        said = (
            (f"{', '.join(extra)} not in {second}" if extra else "")
            + ("; " if extra and missing else "")
            + (f"{', '.join(missing)} missing" if missing else "")
        )
        raise CheckFailed(f"{first}: {field} {said}")
    return f"{first}: every {field} is in {second}" + (" and none is missing" if equal else "")


def _enum_fields(schema: dict[str, Any], value: Any, pointer: str) -> Iterator[tuple[str, Any, list[Any]]]:
    if not isinstance(schema, dict):
        return
    if "enum" in schema and schema["enum"] and not isinstance(value, (dict, list)):
        yield pointer, value, schema["enum"]
    if isinstance(value, dict):
        for name, sub in (schema.get("properties") or {}).items():
            if name in value:
                yield from _enum_fields(sub, value[name], f"{pointer}/{name}")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            yield from _enum_fields(schema["items"], item, f"{pointer}/{i}")


def _field(pointer: str) -> str:
    return "/".join(p for p in pointer.strip("/").split("/") if not p.isdigit()) or "/"


def _brief(answer: Exchange) -> str:
    if isinstance(answer.body, dict) and ("code" in answer.body or "msg" in answer.body):
        note = f"; {answer.role_note}" if answer.role_note else ""  # a -2015: which role the endpoint needs
        return f"{answer.body.get('code')} {whole(str(answer.body.get('msg', '')))}{note}"
    return repr(whole(answer.text))


class Checker:
    """Runs checks for one test and keeps what each said (the summary and JUnit show them)."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def __call__(self, check: Callable[..., str], *args: Any) -> str:
        return self.note(check(*args))

    def note(self, said: str) -> str:
        if said not in self.said:
            self.said.append(said)
        return said

    def rejected(
        self,
        answer: Exchange,
        op: SuiteOperation,
        codes: Iterable[int],
        status: int | str = "4XX",
        param: str | None = None,
    ) -> None:
        """A rejection as Binance documents it: 4XX, JSON ``{code, msg}``, the exact code."""
        self(documented_path_answers, answer, op)
        self(status_is, answer, status)
        self(content_type_is_json, answer)
        self(error_body_is_code_and_msg, answer)
        self(error_code_is, answer, codes)
        if param:
            self(error_names_parameter, answer, param)

    def succeeded(self, answer: Exchange, op: SuiteOperation) -> None:
        """A success as the contract documents it: 200, JSON, schema, enums, echoed ids, weight header."""
        self(documented_path_answers, answer, op)
        self(status_is, answer, 200)
        self(content_type_is_json, answer)
        self(success_is_not_an_error, answer)
        self(body_matches_response_schema, answer, op)
        self(enum_values_are_documented, answer, op)
        self(identifiers_echo_the_request, answer, op)
        self(weight_header_is_documented, answer, op)
