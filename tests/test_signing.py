"""Signing against Binance's published example, and RSA / Ed25519 round trips."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from doccontract.signing import Signer, encode_params, strip_signature, verify

SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
PAYLOAD = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"


def pem_pair(kind: str) -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if kind == "RSA" else ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def test_hmac_matches_binance_published_example():
    assert Signer(secret=SECRET).sign(PAYLOAD) == SIGNATURE
    assert verify(PAYLOAD, SIGNATURE, secret=SECRET)
    assert not verify(PAYLOAD + "0", SIGNATURE, secret=SECRET)


def test_encoding_keeps_order_and_percent_encodes():
    items = [
        ("symbol", "LTCBTC"),
        ("side", "BUY"),
        ("type", "LIMIT"),
        ("timeInForce", "GTC"),
        ("quantity", 1),
        ("price", 0.1),
        ("recvWindow", 5000),
        ("timestamp", 1499827319559),
    ]
    assert encode_params(items) == PAYLOAD
    assert encode_params({"note": "a b/c", "flag": True}) == "note=a%20b%2Fc&flag=true"


@pytest.mark.parametrize("kind", ["RSA", "ED25519"])
def test_asymmetric_signatures_are_base64_and_verify(kind):
    private, public = pem_pair(kind)
    signer = Signer(private_key=private)
    assert signer.kind == kind
    sig = signer.sign(PAYLOAD)
    base64.b64decode(sig, validate=True)
    assert verify(PAYLOAD, sig, public_key_pem=public)
    assert not verify(PAYLOAD.replace("BUY", "SELL"), sig, public_key_pem=public)
    assert not verify(PAYLOAD, "not base64!", public_key_pem=public)


def test_signer_refuses_ambiguous_or_bad_keys_and_hides_them():
    with pytest.raises(ValueError, match="exactly one"):
        Signer()
    with pytest.raises(ValueError, match="exactly one"):
        Signer(secret="s", private_key=b"k")
    with pytest.raises(ValueError, match="not a readable PEM") as exc:
        Signer(private_key="-----BEGIN PRIVATE KEY-----\nsecretstuff\n-----END PRIVATE KEY-----")
    assert "secretstuff" not in str(exc.value)
    assert SECRET not in repr(Signer(secret=SECRET))


def test_strip_signature_keeps_the_rest_byte_for_byte():
    assert strip_signature("a=1&signature=abc&b=%20x") == ("a=1&b=%20x", ["signature=abc"])
    assert strip_signature("") == ("", [])
