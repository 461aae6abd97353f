"""Binance request signing, one implementation for the client and the sandbox.

The payload is the percent-encoded query string followed directly by the
form body (no separator), ``signature`` excluded.  HMAC-SHA256 signatures are
hex; RSA (PKCS#1 v1.5, SHA-256) and Ed25519 signatures are base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote, urlencode

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

MAX_RECV_WINDOW = 60000


def encode_params(params: list[tuple[str, object]] | dict[str, object]) -> str:
    """Percent-encode in the order given (spaces as %20, as Binance's examples do)."""
    items = params.items() if isinstance(params, dict) else params
    return urlencode([(k, _wire(v)) for k, v in items], quote_via=quote)


def _wire(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Signer:
    """Signs payloads with an HMAC secret or a PEM private key (RSA or Ed25519).

    The key material lives only in this object and never appears in its repr.
    """

    def __init__(self, secret: str | None = None, private_key: bytes | str | None = None, password: bytes | None = None):
        if (secret is None) == (private_key is None):
            raise ValueError("give exactly one of 'secret' (HMAC) or 'private_key' (RSA or Ed25519 PEM)")
        self._secret = secret.encode() if secret is not None else None
        self._key = None
        if private_key is not None:
            pem = private_key.encode() if isinstance(private_key, str) else private_key
            try:
                key = serialization.load_pem_private_key(pem, password=password)
            except (ValueError, TypeError) as exc:
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
        data = payload.encode()
        if self._secret is not None:
            return hmac.new(self._secret, data, hashlib.sha256).hexdigest()
        if isinstance(self._key, rsa.RSAPrivateKey):
            return base64.b64encode(self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()
        return base64.b64encode(self._key.sign(data)).decode()

    def __repr__(self) -> str:
        return f"Signer(kind={self.kind!r})"


def verify(payload: str, signature: str, *, secret: str | None = None, public_key_pem: str | None = None) -> bool:
    """Check a signature as Binance does; False for any mismatch or malformed signature."""
    data = payload.encode()
    if secret is not None:
        expected = hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature.lower())
    if public_key_pem is None:
        return False
    key = serialization.load_pem_public_key(public_key_pem.encode())
    try:
        raw = base64.b64decode(signature, validate=True)
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(raw, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(raw, data)
        else:
            return False
    except (InvalidSignature, ValueError):
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
