"""Everything the client raises or warns, in one tree (as ``requests.exceptions`` shows its own).

::

    ClientError                    anything about a call; .operation ("METHOD /path"), .response (an Answer or None)
    +-- ParamError                 a bad parameter, before anything is sent (also a ValueError; .param, Binance's .code)
    +-- CredentialsMissing         the call needs a key or a secret the client was not given (also a ValueError)
    +-- RequestNotSent             the connection could not be opened: nothing changed
    +-- RedirectRefused            a 3XX: never followed, nothing resent
    +-- BinanceAPIError            a {code, msg} refusal (4XX: the caller's fault)
    |   +-- RateLimited            429 (back off) or 418 (banned): .retry_after
    +-- ExecutionStatusUnknown     5XX, an answer cut short, a connection lost after sending: query before retrying
    +-- ContractViolation          the answer breaks the contract (a GET by default; any call under strict=True)

    ContractWarning (UserWarning)  a state change that was done but answered outside its contract

Every exception leaves the client scrubbed of the key and the secret (:func:`scrubbed`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..wire import request as _wire_request
from ..wire.secrets import redact
from ..wire.transport import retry_after as read_retry_after


@dataclass(frozen=True)
class Answer:
    """The response an exception is about: status, headers and the body (parsed JSON, or its first 200 characters)."""

    status: int
    headers: dict[str, str] = field(repr=False)
    body: Any = None


class ClientError(Exception):
    """Base of everything the client raises about a call.

    ``operation`` is the call's ``"METHOD /path"`` (None before one is known); ``response`` the
    :class:`Answer` when the server answered.
    """

    operation: str | None = None
    response: Answer | None = None


class ParamError(ClientError, _wire_request.ParamError):
    """A parameter Binance would refuse, found before anything is sent: ``param``, ``code``, ``msg``.

    Also a ``ValueError`` and a :class:`doccontract.wire.request.ParamError` (the request model's own)."""

    @classmethod
    def from_wire(cls, exc: _wire_request.ParamError) -> ParamError:
        return cls(exc.code, exc.msg, exc.param, exc.status)


class CredentialsMissing(ClientError, ValueError):
    """The operation needs an API key (or a secret or private key to sign) the client was not given; nothing
    was sent."""


class ContractViolation(ClientError):
    """The answer breaks the contract (or cannot be read); ``violations`` lists every readable finding.

    Raised for a GET (nothing changed, asking again is safe) and, under ``strict=True``, for any call.
    """

    def __init__(self, pointer: str, message: str, documented: str, body: Any, violations: tuple[str, ...] = ()):
        self.pointer, self.documented, self.body = pointer, documented, body
        self.violations = violations or (f"{pointer or '/'}: {message}",)
        super().__init__(f"response at {pointer or '/'} breaks the contract: {message} (the docs say: {documented})")


class ContractWarning(UserWarning):
    """A state change was done (2XX) but its answer breaks the contract: the result carries ``violations``.

    Filter it like any warning: ``warnings.simplefilter("error", ContractWarning)``."""


class BinanceAPIError(ClientError):
    """A ``{code, msg}`` answer: the request was rejected (4XX: the caller's fault).

    ``role``: for a -2015 on an operation the pages restrict to one account role, that role (the
    message says so, and which key was sent); None otherwise.
    """

    def __init__(self, status: int, code: int | None, msg: str, headers: dict[str, str]):
        self.status, self.code, self.msg, self.headers = status, code, msg, headers
        self.role: str | None = None
        super().__init__(f"HTTP {status}: {code} {msg}")


class RateLimited(BinanceAPIError):
    """429 (back off) or 418 (IP banned): wait ``retry_after`` seconds before the next request."""

    def __init__(self, status: int, code: int | None, msg: str, headers: dict[str, str]):
        super().__init__(status, code, msg, headers)
        self.retry_after = retry_after(headers)


class ExecutionStatusUnknown(ClientError):
    """A 5XX, an answer cut short, or a connection lost after sending: the call may or may not have taken effect.

    Query the state before trying again; never resend blindly.
    """

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        self.status, self.retry_after = status, retry_after
        super().__init__(message)


class RequestNotSent(ClientError):
    """The connection could not be opened (refused, DNS, TLS): nothing reached the server, so nothing changed."""


class RedirectRefused(ClientError):
    """The server answered with a redirect; it is not followed (the key would go elsewhere) and nothing is resent."""

    def __init__(self, status: int, location: str):
        self.status = status
        self.target_host = urlsplit(location).netloc or "(same host)"
        super().__init__(
            f"HTTP {status}: redirect to {self.target_host} refused; "
            "signed requests and the API key are never sent anywhere else"
        )


def retry_after(headers: dict[str, str]) -> float | None:
    """Seconds from the ``Retry-After`` header, read as :func:`doccontract.wire.transport.retry_after` reads it."""
    return read_retry_after(next((v for k, v in headers.items() if k.lower() == "retry-after"), None))


def _clean(value: Any, secrets: list[str]) -> Any:
    """``value`` with every secret removed; JSON-like values go through their text so nothing nested escapes."""
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, Answer):
        return dataclasses.replace(value, headers=_clean(value.headers, secrets), body=_clean(value.body, secrets))
    if isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, default=str)
        clean = redact(text, secrets)
        if clean != text:
            loaded = json.loads(clean)
            return tuple(loaded) if isinstance(value, tuple) else loaded
    return value


def scrubbed(exc: ClientError, secrets: list[str]) -> ClientError:
    """The same exception with every configured secret removed from its text and attributes."""
    if not secrets:
        return exc
    exc.args = tuple(redact(a, secrets) if isinstance(a, str) else a for a in exc.args)
    for name, value in list(vars(exc).items()):
        clean = _clean(value, secrets)
        if clean is not value:
            setattr(exc, name, clean)
    return exc
