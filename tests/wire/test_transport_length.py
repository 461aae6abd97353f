"""A body's declared length is read as every count the server sends is: ASCII digits, any number of them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from doccontract.wire.transport import TooLarge, read_capped


class _Raw:
    def __init__(self, body: bytes):
        self.body = body

    def read1(self, n: int, decode_content: bool = False) -> bytes:
        out, self.body = self.body[:n], self.body[n:]
        return out


def _answer(length: str, body: bytes = b"{}") -> SimpleNamespace:
    return SimpleNamespace(headers={"Content-Length": length}, raw=_Raw(body))


@pytest.mark.parametrize("length", ["1025", "9" * 18, "9" * 5000])
def test_a_declared_length_over_the_limit_is_refused_before_any_read(length):
    """5,000 digits once reached int(), which refuses more than 4,300: a ValueError that was not TooLarge."""
    answer = _answer(length)
    with pytest.raises(TooLarge, match="larger than 1 KB"):
        read_capped(answer, 1024)
    assert answer.raw.body == b"{}"


@pytest.mark.parametrize("length", ["", "2", "\u00b2", "\u0661\u0662", "-5", "1e9"])
def test_any_other_declared_length_leaves_the_body_to_be_counted(length):
    assert read_capped(_answer(length), 1024) == b"{}"
