"""The README's client snippet runs as written against the sandbox (only the port differs)."""

from __future__ import annotations

import contextlib
import io
import re

from helpers import ROOT

from doccontract.sandbox import Sandbox


def test_the_readme_client_snippet_runs_as_written():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The client") :]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert "demo-credit-key-2001" in snippet and "http://127.0.0.1:8765" in snippet
    with Sandbox().serve() as srv:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(snippet.replace("http://127.0.0.1:8765", srv.url), "README.md", "exec"), {})
    assert out.getvalue().splitlines() == ["CLOSED 1000", "-27001 Loan group not found"]
