"""Named methods for a family of operations, generated from a table rather than written one by one.

A :class:`Method` names the operation (contract id or ``"METHOD /path"``), the record its answer
becomes and the parameters it takes by position; every other documented parameter is taken by
keyword (snake_case or the page's camelCase).  What the operation sends and answers stays in its
contract: the table holds no type, no path rule and no field.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .institutional_loan import INSTITUTIONAL_LOAN


@dataclass(frozen=True)
class Method:
    """One named method: ``name(*positional, **others)`` calls ``operation`` and returns a ``record``."""

    name: str
    operation: str
    record: str
    positional: tuple[str, ...] = ()
    doc: str = ""


def _method(spec: Method) -> Callable[..., Any]:
    def method(self: Any, *args: Any, **params: Any) -> Any:
        if len(args) > len(spec.positional):
            raise TypeError(
                f"{spec.name}() takes {len(spec.positional)} positional arguments "
                f"({', '.join(spec.positional) or 'none'}), got {len(args)}"
            )
        given = dict(zip(spec.positional, args, strict=False))  # fewer than all: the rest by name or not at all
        twice = sorted(set(given) & set(params))
        if twice:
            raise TypeError(f"{spec.name}() got {twice[0]!r} both by position and by name")
        given.update(params)
        return self.named(spec.operation, spec.record, **given)

    method.__name__ = method.__qualname__ = spec.name
    method.__doc__ = (
        f"{spec.doc or spec.record}\n\n"
        f"Calls ``{spec.operation}``; returns a ``{spec.record}`` record (None leaves a parameter out)."
    )
    this = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    positional = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None) for n in spec.positional]
    signature = inspect.Signature([this, *positional, inspect.Parameter("params", inspect.Parameter.VAR_KEYWORD)])
    method.__signature__ = signature  # type: ignore[attr-defined]  # what help() and IDEs show
    return method


def methods(table: Iterable[tuple[str, str, str, tuple[str, ...], str]]) -> dict[str, Callable[..., Any]]:
    """The table's rows as methods, by name; a name used twice is an error, not a silent overwrite."""
    out: dict[str, Callable[..., Any]] = {}
    for row in table:
        spec = Method(*row)
        if spec.name in out:
            raise ValueError(f"family table: {spec.name!r} is named twice")
        out[spec.name] = _method(spec)
    return out


#: Every family's rows; a new family is one more table here.
TABLES = {"institutional_loan": INSTITUTIONAL_LOAN}


class FamilyMethods:
    """The mixin :class:`~doccontract.client.core.Client` inherits its named methods from (set below, from TABLES)."""

    def named(self, operation: str, record: str, /, **params: Any) -> Any:  # pragma: no cover - the Client's
        raise NotImplementedError


for _table in TABLES.values():
    for _name, _method_fn in methods(_table).items():
        setattr(FamilyMethods, _name, _method_fn)
