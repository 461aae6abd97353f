"""The client snippets of the README and docs/client.md run as written against the sandbox (only the port differs)."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from helpers import ROOT

from doccontract.sandbox import Sandbox


@pytest.mark.parametrize("doc", ["README.md", "docs/client.md"])
def test_the_client_snippet_runs_as_written(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    snippets = [s for s in re.findall(r"```python\n(.*?)```", text, re.S) if "demo-credit-key-2001" in s]
    assert snippets, f"{doc} shows no client snippet"
    snippet = snippets[0]
    assert "http://127.0.0.1:8765" in snippet
    with Sandbox().serve() as srv:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(snippet.replace("http://127.0.0.1:8765", srv.url), doc, "exec"), {})
    assert out.getvalue().splitlines() == ["CLOSED 1000", "-27001 Loan group not found"]
