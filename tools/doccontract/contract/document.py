"""The contract document's shape, stated once: what ``build`` writes and every reader takes for granted.

:class:`Contract` is a contract file of format 2 (:data:`doccontract.contract.format.FORMAT`) as a
typed dict, so the build, the store, the OpenAPI export, the registry and drift agree on its keys by
type.  The envelope and its small sections (title, auth, weight, errors, findings, sources) are
typed; the JSON Schemas in ``request`` and ``response`` (and the parameter schemas under
``auth.params``) stay ``dict[str, Any]``: they are open-ended JSON Schema.  Maps keyed by language
(``security``, ``preconditions``, ``sources``, ``languages``) are ``dict[str, ...]`` keyed by
``en`` and ``zh-CN``; ``languages`` holds what each language states, as
``read.endpoint.Endpoint.summary`` makes it.

A type states what a contract holds; it checks nothing at run time.  A file read from disk becomes
a ``Contract`` where it is checked: ``store.load_contracts`` (id, method and path) and
``registry.Operation.from_contract`` (format, schemas).  Imports nothing of the package: the wire
side reads it without a reader.
"""

from __future__ import annotations

from typing import Any, TypedDict

#: The endpoint's title in each language the page has.
Title = TypedDict("Title", {"en": str, "zh-CN": str}, total=False)


class _AuthKind(TypedDict):
    kind: str  # "none" | "api-key" | "signed" (doccontract.rules.KINDS)


class Auth(_AuthKind, total=False):
    """How a request proves who sends it (``format.auth_section``)."""

    header: str  # the API key's header: api-key and signed
    params: dict[str, dict[str, Any]]  # signed: timestamp, recvWindow, signature (a schema, required, rule)
    listedOnPage: list[str]  # signed: which signing parameters the page's table listed


class WeightRow(TypedDict):
    """One condition of a conditional weight: ``LIMIT 1-100`` costs ``weight``."""

    when: str
    weight: int


class WeightTable(TypedDict):
    columns: list[str]
    rows: list[WeightRow]


class RateLimit(TypedDict):
    """A named rate limit the weight's text states ('1 on UID rate limit')."""

    limit: str
    value: int


class Weight(TypedDict, total=False):
    """The page's weight (``read.weight.parse_weight``) with the counter and header ``format.weight_section`` adds."""

    value: int  # the weight; a conditional weight's largest
    unit: str | None  # IP, UID, ...: None when the page names none or several
    text: str  # a conditional weight's wording
    table: WeightTable  # a conditional weight's conditions
    max: int  # beside ``table``: the largest weight it names
    limits: list[RateLimit]
    limit: str | None  # the counter it is charged to
    header: str | None  # the header reporting it: /sapi paths only


class ErrorEntry(TypedDict):
    """A code the page names (``error_pages.page_errors``); a code only mentioned has no message."""

    code: int
    message: dict[str, str]  # by language


class FindingEntry(TypedDict):
    """A finding as the contract keeps it (``read.model.Finding``)."""

    code: str
    severity: str  # "error" | "warning" | "info"
    message: str
    where: str
    values: dict[str, Any]


class Examples(TypedDict):
    response: list[Any]  # every answer the pages show


class Source(TypedDict):
    url: str  # with ``#anchor`` for a split page; '' when the page has no URL
    sha256: str  # of what was read


class SplitPage(TypedDict):
    """A contract of a page documenting several endpoints: its section's anchor and headings."""

    anchor: str
    headings: dict[str, str]  # by language


class _Envelope(TypedDict):
    """What every contract has, the general endpoints' (``contract.general``) included."""

    id: str
    format: int
    method: str
    path: str
    title: Title
    security: dict[str, str | None]  # the security type each language's title states
    auth: Auth
    weight: Weight | None
    request: dict[str, Any]  # a JSON Schema: what the caller chooses (no signing parameters)
    response: dict[str, Any]  # a JSON Schema
    examples: Examples


class Contract(_Envelope, total=False):
    """A contract document of format 2.  The keys below are written by every build; the general
    endpoints' contracts, stated in code, leave them out, and so do older files drift compares."""

    errors: list[ErrorEntry]
    preconditions: dict[str, list[str]]
    caller: str | None  # the one account role the page restricts the endpoint to
    findings: list[FindingEntry]
    sources: dict[str, Source]
    languages: dict[str, dict[str, Any]]
    page: SplitPage  # a split page only
