"""Where things are, and small pages written for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "specs/binance/institutional_loan/account/Institution-Loan-Group-Close.md"
SEED_ID = "binance/institutional_loan/account/Institution-Loan-Group-Close"
FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "binance"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")


def crawler_page(en: str, zh: str, url: str = "https://developers.binance.com/docs/test/Page") -> str:
    """A spec file in the crawler export format around two page bodies."""
    return f"---\nexchange: binance\nsource_url: {url}\napi_type: REST\nupdated_at: 2026-01-15T23:50:26\n---\n\n{en}\n\n---\n\n{zh}\n"
