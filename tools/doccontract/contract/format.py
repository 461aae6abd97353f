"""The contract's wire-facing sections, applied as the last step of building a contract.

``format`` versions the shape every reader relies on.  ``auth`` says how a
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

from collections.abc import Iterable
from typing import Any

from ..rules import API_KEY_HEADER, AUTH_PARAMS, SAPI_WEIGHT_HEADERS, SIGNING_NAMES, auth_kind

FORMAT = 2


def auth_section(kind: str, listed: Iterable[str] = ()) -> dict[str, Any]:
    if kind == "none":
        return {"kind": "none"}
    section: dict[str, Any] = {"kind": kind, "header": API_KEY_HEADER}
    if kind == "signed":
        section["params"] = {k: dict(v) for k, v in AUTH_PARAMS.items()}
        section["listedOnPage"] = sorted(set(listed) & set(SIGNING_NAMES))
    return section


def weight_section(weight: dict[str, Any] | None, path: str) -> dict[str, Any] | None:
    """The page's weight plus the limit it counts against and, for /sapi, the header reporting it."""
    if not weight:
        return weight
    unit = weight.get("unit")
    out = dict(weight)
    out["limit"] = unit
    out["header"] = SAPI_WEIGHT_HEADERS.get(unit) if path.startswith("/sapi/") and unit else None
    return out


# --------------------------------------------------------------------------- the post-step


def apply(contract: dict[str, Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Give a freshly built contract its format-2 sections (in place, and returned); ``errors``: the codes its page names."""
    request = contract["request"]
    props = request.get("properties", {})
    listed = [n for n in SIGNING_NAMES if n in props]
    kind = auth_kind(contract.get("security") or {}, listed)
    if kind == "signed":  # the signing parameters are the client's business, not the caller's
        for name in listed:
            props.pop(name)
        request["required"] = [n for n in request.get("required", []) if n not in SIGNING_NAMES]
    contract.pop("signed", None)
    contract["format"] = FORMAT
    contract["auth"] = auth_section(kind, listed)
    contract["weight"] = weight_section(contract.get("weight"), contract.get("path", ""))
    contract["errors"] = errors
    return contract
