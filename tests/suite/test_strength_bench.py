"""The strength bench's proxy reads numbers as the wire does: '²' passes str.isdigit(), int() refuses it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "bench_strength.py"
_spec = importlib.util.spec_from_file_location("bench_strength", _SCRIPT)
assert _spec is not None and _spec.loader is not None
bench = sys.modules.setdefault("bench_strength", importlib.util.module_from_spec(_spec))  # dataclasses look it up
_spec.loader.exec_module(bench)

HEADER = "X-SAPI-USED-IP-WEIGHT-1M"


def _exchange(query: list[tuple[str, str]], weight: str) -> object:
    return bench.Exchange("GET", "/sapi/v1/x", query, {}, b"", 200, {HEADER: weight})


def test_a_timestamp_or_weight_that_is_no_number_passes_through_untouched():
    ex = _exchange([("timestamp", "\u00b2"), ("signature", "ab")], "\u00b2")
    bench._accept_stale("secret", "key")(ex)
    bench._double_header(ex, HEADER)
    assert ex.query == [("timestamp", "\u00b2"), ("signature", "ab")]
    assert ex.answer_headers == {HEADER: "\u00b2"}


def test_a_stale_timestamp_is_refreshed_and_a_weight_doubled():
    ex = _exchange([("timestamp", "1"), ("signature", "ab")], "7")
    bench._accept_stale("secret", "key")(ex)
    bench._double_header(ex, HEADER)
    assert dict(ex.query)["timestamp"] != "1" and dict(ex.query)["signature"] != "ab"
    assert ex.answer_headers == {HEADER: "14"}
