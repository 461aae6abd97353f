"""docs/sdks.md's snippets, run as written against a real sandbox on loopback (its URL swapped in)."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from helpers import ROOT

from doccontract.sandbox import Sandbox

DOC = ROOT / "docs" / "sdks.md"
DOC_URL = "http://127.0.0.1:8765"


def _snippet(heading: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1, f"docs/sdks.md '{heading}': one python snippet expected"
    return blocks[0]


def _run(code: str, url: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.replace(DOC_URL, url), str(DOC), "exec"), {"__name__": "sdks_snippet"})
    return out.getvalue().splitlines()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDKs' own imports
@pytest.mark.parametrize("heading", ["python-binance", "binance-connector"])
def test_the_sdk_snippet_talks_to_the_sandbox(heading):
    pytest.importorskip("binance.spot" if heading == "binance-connector" else "binance.client")
    sandbox = Sandbox()  # the wall clock: the SDKs sign with the local time
    with sandbox.serve() as server:
        lines = _run(_snippet(heading), server.url)
    assert re.fullmatch(r"\{'serverTime': \d{13}\}", lines[-2]) and "'rows'" in lines[-1], lines
    if heading == "binance-connector":
        assert lines[0] == "{}"
    paths = [r.path for r in sandbox.recorded]
    assert paths[:1] == ["/api/v3/ping"] and "/api/v3/time" in paths  # python-binance pings at start-up
    signed = next(r for r in sandbox.recorded if r.path.startswith("/sapi/"))
    assert signed.has_api_key and "signature=" in signed.query
