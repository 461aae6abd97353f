"""Secrets out of every report: the table, the JSON, the JUnit file and captured output.

A key is found however it was written: as is, stripped of the whitespace a copy-paste adds,
percent-encoded, JSON- or repr-escaped, XML-escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from .._files import write_atomic
from ..wire.secrets import redact as _redact


def _report_forms(secret: str) -> list[str]:
    """The forms a secret takes in XML reports, beyond the wire and JSON forms ``secrets.redact`` knows."""
    out = []
    for s in {secret, secret.strip()}:
        out += [escape(s), escape(s, {'"': "&quot;"}), escape(s).replace("\n", "&#10;").replace("\r", "&#13;")]
    return out


def redact(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """``text`` with every form of every secret replaced by ``***`` (``doccontract.wire.secrets`` does the masking)."""
    if not text or not secrets:
        return text
    return _redact(text, [f for s in secrets if s for f in (s, *_report_forms(s))])


def scrub_file(path: str, secrets: list[str], coverage: list[dict[str, Any]] | None = None) -> None:
    """Rewrite a JUnit file atomically: secrets masked, coverage added as testsuite properties."""
    with open(path, encoding="utf-8") as f:
        text = redact(f.read(), secrets)
    if coverage:
        try:
            root = ET.fromstring(text)
        except ET.ParseError:
            root = None
        if root is not None:
            suite = root if root.tag == "testsuite" else root.find("testsuite")
            if suite is not None:
                props = suite.find("properties")
                if props is None:
                    props = ET.Element("properties")
                    suite.insert(0, props)
                for row in coverage:
                    for key in ("codes_exercised", "codes_never", "statuses_exercised", "statuses_never"):
                        value = " ".join(str(v) for v in row[key])
                        ET.SubElement(
                            props, "property", name=f"coverage {row['endpoint']} {key.replace('_', ' ')}", value=value
                        )
                text = redact(ET.tostring(root, encoding="unicode"), secrets)
    write_atomic(Path(path), text.encode("utf-8"), Path(path).parent)
