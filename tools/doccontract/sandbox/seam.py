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

__all__ = [
    "SIGNING_NAMES",
    "ApiError",
    "Operation",
    "Registry",
    "Messages",
    "api_error",
    "load_registry",
    "read_request",
]


class ApiError(Exception):
    """An answer in Binance's error shape ``{code, msg}`` with its HTTP status and headers.

    Made by :func:`api_error`, it holds the code and the values for its message; the wording is
    the serving sandbox's catalogue's, taken when the answer is made (:meth:`text`)."""

    def __init__(
        self,
        status: int,
        code: int,
        msg: str | None,
        headers: dict[str, str] | None = None,
        values: tuple[object, ...] = (),
        like: str | None = None,
    ):
        super().__init__(f"{code} {msg}" if msg is not None else f"{code} {values}")
        self.status, self.code, self.msg = status, code, msg
        self.headers = headers or {}
        self.values, self.like = values, like

    def text(self, messages: Messages) -> str:
        """The message as ``messages`` words it (or the one given when it was made)."""
        return self.msg if self.msg is not None else messages.text(self.code, *self.values, like=self.like)


# Codes whose values Binance sends bare (a limit, a reason in brackets); parameter names are quoted.
BARE_VALUES = {-1000, -1003, -1127}


class Messages:
    """One sandbox's catalogue to take wording from: its contracts folder's, then the repository's,
    then the assumed codes.  Per sandbox: two sandboxes on different folders word errors each their own way."""

    def __init__(self, served: Catalogue | None = None) -> None:
        self.served = served
        self._merged: Catalogue | None = None

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

    def text(self, code: int, *args: object, like: str | None = None) -> str:
        """Binance's wording for ``code``: the variant with ``args`` in its places, else its plain form."""
        cat = self.catalogue
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


def api_error(
    code: int, *args: object, status: int = 400, headers: dict[str, str] | None = None, like: str | None = None
) -> ApiError:
    """An error whose message is the serving sandbox's catalogue's (its ``%s`` places filled with ``args``)."""
    return ApiError(status, code, None, headers, args, like)


def load_registry(contracts_dir: str | Path | None) -> tuple[Registry, Messages]:
    """The operations of a contracts folder and the wording of its error catalogue."""
    registry = Registry.load(contracts_dir)
    return registry, Messages(registry.catalogue if registry.catalogue.codes else None)


def read_request(
    op: Operation, query: str, body: str, content_type: str | None, clock: Callable[[], float], messages: Messages
) -> Request:
    """Wire query + form body -> typed parameters and signing values, through the one request model."""
    try:
        return read(op, query, body, content_type, clock, messages.catalogue)
    except ParamError as err:
        raise ApiError(err.status, err.code, err.msg) from None
