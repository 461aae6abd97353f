"""doccontract.wire.secrets.redact: every configured secret, in every form it takes on the wire."""

from __future__ import annotations

import json

import pytest

from doccontract.wire.secrets import MASK, redact


@pytest.mark.parametrize(
    "secret",
    ["demo-credit-key-2001", "key with+plus/slash=", "trailing-newline\n", "ünïcødé-sëcret", "a\tb\\c'd\"e"],
)
def test_every_wire_form_of_a_secret_is_masked(secret):
    from urllib.parse import quote, quote_plus

    text = f"a {secret} b {quote(secret, safe='')} c {quote_plus(secret, safe='')} d {secret.strip()} e {secret!r}"
    out = redact(text, [secret, None])
    for form in (secret.strip(), quote(secret, safe=""), quote_plus(secret, safe="")):
        assert form not in out
    assert out.startswith("a ") and MASK in out


def test_bytes_secrets_short_strings_and_nothing_to_hide():
    assert redact("pem=-----KEY-----", [b"-----KEY-----"]) == "pem=***"
    assert redact("a 1 b", ["1"]) == "a 1 b"  # too short to mask without masking ordinary text
    assert redact("plain", []) == "plain"


def test_a_secret_inside_another_is_masked_whole():
    assert redact("xx abcdefgh yy", ["abcd", "abcdefgh"]) == "xx *** yy"


@pytest.mark.parametrize(
    "secret",
    [
        'quo"te-secret',
        "back\\slash-secret",
        'both\\"-and-\\\\-"',
        "ünïcødé-sëcret",
        "tab\tin-secret",
        "end-backslash\\",
    ],
)
@pytest.mark.parametrize("ascii_only", [True, False])
def test_a_secret_written_into_json_is_masked_and_the_json_stays_json(secret, ascii_only):
    text = json.dumps({"msg": f"Invalid API-key {secret}.", "key": secret}, ensure_ascii=ascii_only)
    out = redact(text, [secret])
    assert json.loads(out) == {"msg": f"Invalid API-key {MASK}.", "key": MASK}
