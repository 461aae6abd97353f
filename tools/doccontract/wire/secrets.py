r"""Scrubbing configured secrets out of any text a person or a file will see.

Used by client exceptions, the suite's reports and JUnit files, and sandbox logs.
A secret is also scrubbed in the forms it takes on the wire (percent-encoded,
with surrounding whitespace trimmed) and inside JSON text (a report, an error
body: ``"`` and ``\`` escaped, non-ASCII as ``\uXXXX`` or as is), so a key that
carries a stray newline, a ``+`` or a quote is still caught.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET = 4  # shorter strings would mask ordinary words and digits


def _forms(secret: str) -> set[str]:
    forms: set[str] = set()
    for s in {secret, secret.strip()}:
        forms |= {
            s,
            quote(s, safe=""),
            quote_plus(s, safe=""),
            repr(s)[1:-1],
            json.dumps(s)[1:-1],
            json.dumps(s, ensure_ascii=False)[1:-1],
        }
    return {f for f in forms if len(f) >= MIN_SECRET}


def redact(text: str, secrets: Iterable[str | bytes | None]) -> str:
    """``text`` with every configured secret (and its wire forms) replaced by ``***``."""
    forms: set[str] = set()
    for s in secrets:
        if s is None:
            continue
        if isinstance(s, bytes):
            s = s.decode("utf-8", "replace")
        forms |= _forms(s)
    for f in sorted(forms, key=len, reverse=True):  # longest first: a form inside another is masked whole
        text = text.replace(f, MASK)
    return text
