"""The contract's wire-facing sections, computed as a contract is built.

``format`` versions the shape every reader relies on (the shape itself is
:class:`doccontract.contract.document.Contract`).  ``auth`` says how a
request proves who sends it, from the page's security type: ``none``,
``api-key`` (the ``X-MBX-APIKEY`` header) or ``signed`` (header plus
``timestamp``, ``recvWindow`` and ``signature``, whose rules are Binance's
general ones).  Pages list the signing parameters in their tables or not, so
they leave ``request`` and live in ``auth`` only: ``request`` is what the
caller chooses.  The weight's unit decides which limit it counts against and
which header reports it.  ``errors`` holds the codes the page itself names
(:func:`doccontract.contract.error_pages.page_errors`).

Binance's general rules it applies live in :mod:`doccontract.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from ..rules import API_KEY_HEADER, AUTH_PARAMS, SAPI_WEIGHT_HEADERS, SIGNING_NAMES, auth_kind
from .document import Auth, Weight

FORMAT = 2


def auth_section(kind: str, listed: Iterable[str] = ()) -> Auth:
    if kind == "none":
        return {"kind": "none"}
    section: Auth = {"kind": kind, "header": API_KEY_HEADER}
    if kind == "signed":
        section["params"] = {k: dict(v) for k, v in AUTH_PARAMS.items()}
        section["listedOnPage"] = sorted(set(listed) & set(SIGNING_NAMES))
    return section


def weight_section(weight: Mapping[str, Any] | None, path: str) -> Weight | None:
    """The page's weight plus the limit it counts against and, for /sapi, the header reporting it."""
    if not weight:
        return None if weight is None else {}
    unit = weight.get("unit")
    out = cast(Weight, dict(weight))  # the page's keys (read.weight.parse_weight) are Weight's
    out["limit"] = unit
    out["header"] = SAPI_WEIGHT_HEADERS.get(unit) if path.startswith("/sapi/") and unit else None
    return out


def auth_for(request: dict[str, Any], security: dict[str, str | None]) -> Auth:
    """The auth section of a contract whose pages state ``security`` and whose request schema is
    ``request``.  A signed request's signing parameters leave ``request`` (in place): they are the
    client's business, not the caller's."""
    props = request.get("properties", {})
    listed = [n for n in SIGNING_NAMES if n in props]
    kind = auth_kind(security, listed)
    if kind == "signed":
        for name in listed:
            props.pop(name)
        request["required"] = [n for n in request.get("required", []) if n not in SIGNING_NAMES]
    return auth_section(kind, listed)
