"""Signing against Binance's published example, and RSA / Ed25519 round trips."""

from __future__ import annotations

import base64

import pytest
from helpers import pem_pair

from doccontract.wire.signing import Signer, encode_params, strip_signature, verify

SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
PAYLOAD = (
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
)
SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"


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


# --------------------------------------------------------------------------- the auth object, through a real server


def _server_view(seen) -> tuple[str, str, str]:
    """What a Binance-like server reads: the payload (query then body, signature removed) and the decoded signature."""
    from urllib.parse import parse_qsl, urlsplit

    query = urlsplit(seen.path).query
    body = seen.body.decode("ascii")
    [signature] = [
        v
        for k, v in parse_qsl(query, keep_blank_values=True) + parse_qsl(body, keep_blank_values=True)
        if k == "signature"
    ]
    names = [k for k, _ in parse_qsl(body or query)]
    assert names[-1] == "signature", "the signature goes last"
    return strip_signature(query)[0] + strip_signature(body)[0], signature, query


def test_two_hundred_signatures_arrive_intact_for_every_key_type():
    """Random keys and payloads; the server decodes with parse_qsl and verifies (RSA and Ed25519 signatures hold
    '+', '/', '=')."""
    import random
    import string

    import requests
    from stub import StubServer

    from doccontract.wire.signing import BinanceAuth

    rng = random.Random(20261125)
    keys = [("RSA", *pem_pair("RSA")) for _ in range(2)] + [("ED25519", *pem_pair("ED25519")) for _ in range(8)]
    plus = 0
    with StubServer([(200, {}, b"{}")]) as srv, requests.Session() as session:
        for i in range(200):
            if i % 3 == 0:
                secret = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(64))
                signer, check = Signer(secret=secret), {"secret": secret}
            else:
                _, private, public = keys[i % len(keys)]
                signer, check = Signer(private_key=private), {"public_key_pem": public}
            value = "".join(rng.choice(string.printable + "é€中") for _ in range(rng.randint(0, 30)))
            params = {"groupId": rng.randint(1, 2**63 - 1), "note": value}
            auth = BinanceAuth("k" * 16, signer, recv_window=rng.choice([None, 5000, 60000]))
            if i % 2:
                session.post(f"{srv.url}/sapi/v1/x", data=params, auth=auth, timeout=5)
            else:
                session.get(f"{srv.url}/sapi/v1/x?{encode_params(params)}", auth=auth, timeout=5)
            payload, signature, _ = _server_view(srv.seen[-1])
            plus += "+" in signature
            assert verify(payload, signature, **check), (i, signer.kind)
            assert srv.seen[-1].headers["x-mbx-apikey"] == "k" * 16
    assert plus > 20, "the test must exercise signatures holding '+'"


def test_verify_takes_any_bytes_and_never_raises():
    private, public = pem_pair("ED25519")
    for sig in ["é", "\udcff", "%FF", "", "a" * 10_000, b"\xff\xfe", "====", "\x00"]:
        assert verify(PAYLOAD, sig, secret=SECRET) is False
        assert verify(PAYLOAD, sig, public_key_pem=public) is False
    assert verify("\udcff payload", "00", secret=SECRET) is False
    assert verify(PAYLOAD, SIGNATURE, public_key_pem="not a key") is False
    assert verify(PAYLOAD.encode(), SIGNATURE.encode(), secret=SECRET) is True


def test_auth_without_a_signer_adds_only_the_key_header():
    import requests

    from doccontract.wire.signing import BinanceAuth

    r = requests.Request("GET", "http://127.0.0.1:1/sapi/v1/x?a=1", auth=BinanceAuth("key-123456")).prepare()
    assert r.url == "http://127.0.0.1:1/sapi/v1/x?a=1" and r.headers["X-MBX-APIKEY"] == "key-123456"
    assert "key-123456" not in repr(BinanceAuth("key-123456"))


def test_auth_signs_with_an_injected_clock_and_recv_window():
    import requests

    from doccontract.wire.signing import BinanceAuth

    auth = BinanceAuth("key-123456", Signer(secret=SECRET), recv_window=5000, clock=lambda: 1499827319.559)
    r = requests.Request(
        "GET", "http://h/api/v3/order?symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1", auth=auth
    ).prepare()
    assert r.url.endswith(f"?{PAYLOAD}&signature={SIGNATURE}")  # Binance's published example, byte for byte


def test_auth_refuses_a_body_it_cannot_sign_as_sent():
    import requests

    from doccontract.wire.signing import BinanceAuth

    with pytest.raises(ValueError, match="percent-encoded form data"):
        requests.Request(
            "POST", "http://h/x", data="é=1".encode(), auth=BinanceAuth("key-123456", Signer(secret=SECRET))
        ).prepare()
