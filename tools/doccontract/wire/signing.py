"""Binance request signing: one implementation for the client, the suite and the sandbox.

The payload is the percent-encoded query string followed directly by the
form body (no separator), ``signature`` excluded.  HMAC-SHA256 signatures are
hex; RSA (PKCS#1 v1.5, SHA-256) and Ed25519 signatures are base64 and, like
every value on the wire, percent-encoded: a raw ``+`` would arrive as a space.

:class:`BinanceAuth` is a ``requests`` auth object: it adds the API key header
and, for signed endpoints, ``recvWindow``, ``timestamp`` and the signature
(last) to the request exactly as it will be sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import requests
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from ..rules import API_KEY_HEADER


def encode_params(params: Sequence[tuple[str, object]] | Mapping[str, object]) -> str:
    """Percent-encode in the order given (spaces as %20, as Binance's examples do)."""
    items = params.items() if isinstance(params, Mapping) else params
    return urlencode([(k, _wire(v)) for k, v in items], quote_via=quote)


def _wire(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Signer:
    """Signs payloads with an HMAC secret or a PEM private key (RSA or Ed25519).

    The key material lives only in this object and never appears in its repr.
    """

    def __init__(
        self, secret: str | None = None, private_key: bytes | str | None = None, password: bytes | None = None
    ):
        if (secret is None) == (private_key is None):
            raise ValueError("give exactly one of 'secret' (HMAC) or 'private_key' (RSA or Ed25519 PEM)")
        self._secret = secret.encode() if secret is not None else None
        self._key = None
        if private_key is not None:
            pem = private_key.encode() if isinstance(private_key, str) else private_key
            try:
                key = serialization.load_pem_private_key(pem, password=password)
            except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
                raise ValueError(f"'private_key' is not a readable PEM private key ({type(exc).__name__})") from None
            if not isinstance(key, (rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
                raise ValueError("'private_key' must be an RSA or Ed25519 key")
            self._key = key

    @property
    def kind(self) -> str:
        if self._secret is not None:
            return "HMAC"
        return "RSA" if isinstance(self._key, rsa.RSAPrivateKey) else "ED25519"

    def sign(self, payload: str) -> str:
        """The signature as Binance computes it (hex or base64), before URL-encoding."""
        data = payload.encode()
        if self._secret is not None:
            return hmac.new(self._secret, data, hashlib.sha256).hexdigest()
        if isinstance(self._key, rsa.RSAPrivateKey):
            return base64.b64encode(self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()
        if isinstance(self._key, ed25519.Ed25519PrivateKey):
            return base64.b64encode(self._key.sign(data)).decode()
        raise ValueError("no key to sign with")  # __init__ refuses a Signer without one

    def wire_signature(self, payload: str) -> str:
        """The signature as it goes on the wire: percent-encoded (``+`` -> %2B, ``/`` -> %2F, ``=`` -> %3D)."""
        return quote(self.sign(payload), safe="")

    def __repr__(self) -> str:
        return f"Signer(kind={self.kind!r})"


def _bytes(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")


def verify(
    payload: str | bytes, signature: str | bytes, *, secret: str | None = None, public_key_pem: str | None = None
) -> bool:
    """Check a signature as Binance does.  Any bytes in, True or False out: never an exception."""
    try:
        data, sig = _bytes(payload), _bytes(signature)
        if secret is not None:
            expected = hmac.new(secret.encode("utf-8", "surrogateescape"), data, hashlib.sha256).hexdigest().encode()
            return hmac.compare_digest(expected, sig.lower())
        if public_key_pem is None:
            return False
        key = serialization.load_pem_public_key(public_key_pem.encode())
        raw = base64.b64decode(sig, validate=True)
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(raw, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(raw, data)
        else:
            return False
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def strip_signature(raw: str) -> tuple[str, list[str]]:
    """Remove every ``signature=`` pair from a raw query or body, keeping the rest byte for byte."""
    kept, sigs = [], []
    for part in raw.split("&") if raw else []:
        if part.split("=", 1)[0] == "signature":
            sigs.append(part)
        else:
            kept.append(part)
    return "&".join(kept), sigs


class BinanceAuth(requests.auth.AuthBase):
    """``requests`` auth for Binance: the API key header, and for signed requests the signing parameters.

    ``recvWindow`` (when set) and ``timestamp`` are appended to the form body when
    there is one, else to the query string; the signature covers the query string
    as sent followed by the body, and goes last, percent-encoded.
    """

    def __init__(
        self,
        api_key: str,
        signer: Signer | None = None,
        recv_window: int | float | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self._api_key = api_key
        self.signer = signer
        self.recv_window = recv_window
        self.clock = clock

    def __repr__(self) -> str:
        return f"BinanceAuth(signer={self.signer!r}, api_key=<hidden>)"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers[API_KEY_HEADER] = self._api_key
        if self.signer is None:
            return r
        parts = urlsplit(r.url or "")
        try:
            body = r.body.decode("ascii") if isinstance(r.body, bytes) else (r.body or "")
        except UnicodeDecodeError:
            raise ValueError("a signed request's body must be percent-encoded form data (ASCII)") from None
        extra = ([("recvWindow", self.recv_window)] if self.recv_window is not None else []) + [
            ("timestamp", int(self.clock() * 1000))
        ]
        added = encode_params(extra)
        query = parts.query
        if body:
            body = f"{body}&{added}"
        else:
            query = f"{query}&{added}" if query else added
        signature = self.signer.wire_signature(query + body)
        if body:
            body += f"&signature={signature}"
            r.body = body
            r.prepare_content_length(body)
        else:
            query += f"&signature={signature}"
        r.url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
        return r
