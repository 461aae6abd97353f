"""The sandbox's one seam to the shared modules: operations (registry), the request model, the error catalogue.

Everything the gateway needs from a contract goes through here, so the sandbox
reads contracts the way the client and the suite do and keeps no second copy
of an endpoint's rules or of Binance's wording.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..contract.catalogue import Catalogue, assumed_catalogue
from ..contract.registry import Operation, Registry
from ..contract.store import default_dir
from ..rules import SIGNING_NAMES
from ..wire.request import ParamError, Request, read

__all__ = ["SIGNING_NAMES", "ApiError", "Operation", "Registry", "api_error", "load_registry", "message", "read_request"]


class ApiError(Exception):
    """An answer in Binance's error shape ``{code, msg}`` with its HTTP status and headers."""

    def __init__(self, status: int, code: int, msg: str, headers: dict[str, str] | None = None):
        super().__init__(f"{code} {msg}")
        self.status, self.code, self.msg = status, code, msg
        self.headers = headers or {}


class _Messages:
    """One catalogue to take wording from: the served folder's, then the repository's, then the assumed codes."""

    def __init__(self) -> None:
        self.served: Catalogue | None = None
        self._merged: Catalogue | None = None

    def use(self, catalogue: Catalogue) -> None:
        self.served, self._merged = catalogue, None

    @property
    def catalogue(self) -> Catalogue:
        if self._merged is None:
            repository = None
            try:
                repository = Catalogue.load(default_dir())
            except (LookupError, ValueError):
                pass
            self._merged = Catalogue.merged(self.served, repository, assumed_catalogue())
        return self._merged


MESSAGES = _Messages()


# Codes whose values Binance sends bare (a limit, a reason in brackets); parameter names are quoted.
BARE_VALUES = {-1000, -1003, -1127}


def message(code: int, *args: object, like: str | None = None) -> str:
    """Binance's wording for ``code``: the variant with ``args`` in its places, else its plain form."""
    cat = MESSAGES.catalogue
    if code not in cat:
        return f"error {code}" + (f" ({', '.join(map(str, args))})" if args else "")
    variants = cat.get(code).messages.get("en") or [f"error {code}"]
    if code in BARE_VALUES:
        fits = [v for v in variants if v.count("%s") == len(args) and (like is None or like in v)] or variants
        text = fits[0]
        for a in args:
            text = text.replace("%s", str(a), 1)
        return text.replace("%s", "").strip()
    for a, lk in ((args, like), (args, None), ((), None)):
        try:
            return cat.message(code, *a, like=lk)
        except LookupError:
            continue
    return variants[0].replace("%s", "").strip()


def api_error(code: int, *args: object, status: int = 400, headers: dict[str, str] | None = None, like: str | None = None) -> ApiError:
    """An error whose message is the catalogue's (its ``%s`` places filled with ``args``)."""
    return ApiError(status, code, message(code, *args, like=like), headers)


def load_registry(contracts_dir: str | Path | None) -> Registry:
    registry = Registry.load(contracts_dir)
    if registry.catalogue.codes:
        MESSAGES.use(registry.catalogue)
    return registry


def read_request(op: Operation, query: str, body: str, content_type: str | None, clock: Callable[[], float]) -> Request:
    """Wire query + form body -> typed parameters and signing values, through the one request model."""
    try:
        return read(op, query, body, content_type, clock, MESSAGES.catalogue)
    except ParamError as err:
        raise ApiError(err.status, err.code, err.msg) from None


