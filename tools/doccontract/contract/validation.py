"""The one way a contract's JSON Schema becomes a validator: nothing is ever fetched, and no ``$ref`` loops in place.

jsonschema, left to its defaults, retrieves any ``$ref`` it cannot resolve
locally (``http://...``): a contract could then make the client or the sandbox
fetch a schema, and the fetched schema would decide what is valid.  Every
validator here is built on a ``referencing.Registry`` whose ``retrieve``
refuses, and :func:`schema_problem` (run when a contract is loaded) names any
``$ref`` that does not resolve inside the schema, and any ``$ref`` cycle that
consumes no instance depth (``{"$ref": "#"}``), which would recurse until
Python's stack runs out.  :func:`first_error` turns a RecursionError that gets
through anyway into a validation error rather than a traceback.

Which error a person is shown is chosen in one place, :func:`best_error`:
jsonschema's ``best_match`` (descend into ``anyOf``/``oneOf`` to the branch that
nearly matched; prefer the shallower, stronger error), ties going to the error
earliest in the instance.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match, relevance
from referencing import Registry
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT202012

#: Keywords whose subschemas apply to the same instance (no depth consumed): a cycle through them never ends.
IN_PLACE_ONE = ("not", "if", "then", "else", "$ref", "$dynamicRef")
IN_PLACE_MANY = ("allOf", "anyOf", "oneOf")
#: Keywords whose values are data, not schemas: a "$ref" key inside them is a value.
DATA_KEYWORDS = frozenset({"enum", "const", "examples", "default"})
#: Keywords whose values map names to schemas.
MAP_KEYWORDS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def _refuse(uri: str) -> Any:
    raise NoSuchResource(uri)


#: The registry every validator uses: jsonschema adds the bundled meta-schemas; anything else is unresolvable.
NO_FETCH = Registry(retrieve=_refuse)  # type: ignore[call-arg]


def validator(schema: Any) -> Draft202012Validator:
    """A Draft 2020-12 validator for ``schema`` that never retrieves a ``$ref``."""
    return Draft202012Validator(schema, registry=NO_FETCH)


def _position(error: ValidationError) -> list[str]:
    return [str(p) for p in error.absolute_path]


def _relevance(error: ValidationError) -> tuple[Any, ...]:
    """jsonschema's relevance without its sibling order (which takes the last array element's
    error, and cannot compare paths of two instances): ties go to the order given."""
    rank = cast(tuple[Any, ...], relevance(error))
    return (rank[0], *rank[2:])


def best_error(errors: Iterable[ValidationError]) -> ValidationError | None:
    """The one error to report of ``errors`` (``best_match``, earliest in the instance on a tie), or None."""
    best: ValidationError | None = best_match(sorted(errors, key=_position), key=_relevance)
    return best


def first_error(v: Draft202012Validator, instance: Any) -> ValidationError | None:
    """The error to report about ``instance`` (:func:`best_error`), or None; a schema that recurses
    without end is an error too."""
    try:
        return best_error(v.iter_errors(instance))
    except RecursionError:
        return ValidationError("the schema refers to itself without end (a $ref cycle)", validator="$ref", schema={})
    except Unresolvable as exc:  # a schema not loaded through schema_problem
        return ValidationError(
            f"$ref {str(exc).removeprefix('Unresolvable: ')[:200]!r} does not resolve inside the contract "
            "(schemas are never fetched)",
            validator="$ref",
            schema={},
        )


def schema_problem(schema: Any) -> str | None:
    """Why ``schema`` cannot validate anything without fetching or recursing forever, or None.

    The answer names the pointer within the schema: ``$ref 'http://...' at /properties/a``.
    """
    if not isinstance(schema, (dict, bool)):
        return f"not a JSON Schema (a {type(schema).__name__})"
    root = NO_FETCH.resolver_with_root(DRAFT202012.create_resource(schema))
    edges: dict[int, list[int]] = {}
    where: dict[int, str] = {}
    for pointer, node, resolver in _schemas(schema, "", root):
        where.setdefault(id(node), pointer or "/")
        targets = edges.setdefault(id(node), [])
        for keyword in IN_PLACE_ONE:
            sub = node.get(keyword)
            if keyword in ("$ref", "$dynamicRef"):
                if not isinstance(sub, str):
                    continue
                try:
                    sub = resolver.lookup(sub).contents
                except Unresolvable:
                    return (
                        f"{keyword} {node[keyword][:200]!r} at {pointer or '/'} does not resolve inside the contract "
                        "(schemas are never fetched)"
                    )
            if isinstance(sub, dict):
                targets.append(id(sub))
        for keyword in IN_PLACE_MANY:
            subs = node.get(keyword)
            targets += [id(s) for s in subs if isinstance(s, dict)] if isinstance(subs, list) else []
        dependent = node.get("dependentSchemas")
        targets += [id(s) for s in dependent.values() if isinstance(s, dict)] if isinstance(dependent, dict) else []
    loop = _cycle(edges)
    if loop is not None:
        return (
            f"the schema at {where.get(loop, '?')} leads back to itself without reading any deeper into the answer "
            "(a $ref cycle)"
        )
    return None


def _schemas(node: Any, pointer: str, resolver: Any) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Every schema object in ``node`` with its pointer and the resolver its ``$ref`` is read with."""
    stack = [(node, pointer, resolver)]
    while stack:
        value, at, res = stack.pop()
        if not isinstance(value, dict):
            continue
        if isinstance(value.get("$id"), str):
            res = res.in_subresource(DRAFT202012.create_resource(value))
        yield at, value, res
        for key, sub in value.items():
            if key in DATA_KEYWORDS or str(key).startswith("x-"):
                continue
            here = f"{at}/{_escape(str(key))}"
            if key in MAP_KEYWORDS and isinstance(sub, dict):
                stack += [(s, f"{here}/{_escape(str(k))}", res) for k, s in sub.items()]
            elif isinstance(sub, dict):
                stack.append((sub, here, res))
            elif isinstance(sub, list):
                stack += [(s, f"{here}/{i}", res) for i, s in enumerate(sub)]


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _cycle(edges: dict[int, list[int]]) -> int | None:
    """A node on a cycle of ``edges``, or None (iterative depth-first search: no recursion of our own)."""
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done
    for start in edges:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(edges.get(start, ())))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                return child
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(edges.get(child, ()))))
    return None
