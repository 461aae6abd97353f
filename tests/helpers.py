"""Where things are, and small pages written for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "specs/binance/institutional_loan/account/Institution-Loan-Group-Close.md"
SEED_ID = "binance/institutional_loan/account/Institution-Loan-Group-Close"
FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus" / "binance"

# ASSUMED codes: no Binance page documents a code for these (contracts/errors.json marks them with an
# "assumption" and its reason; the README says so). The sandbox answers them; tests name them here only.
UNIT_NOT_FOUND = -27001  # ASSUMPTION: "not one of the caller's active risk units"
LIABILITY_OUTSTANDING = -27018  # ASSUMPTION: "close refused while a liability or interest is outstanding"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")


def seed_repo(root: Path) -> Path:
    """``root/specs`` and ``root/contracts`` holding the seed page and its contract only."""
    import shutil

    for top, ext in (("specs", ".md"), ("contracts", ".json")):
        target = root / top / f"{SEED_ID}{ext}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / top / f"{SEED_ID}{ext}", target)
    return root


def crawler_page(en: str, zh: str, url: str = "https://developers.binance.com/docs/test/Page") -> str:
    """A spec file in the crawler export format around two page bodies."""
    return f"---\nexchange: binance\nsource_url: {url}\napi_type: REST\nupdated_at: 2026-01-15T23:50:26\n---\n\n{en}\n\n---\n\n{zh}\n"


def sandbox_process(*extra: str, timeout: float = 30):
    """``doccontract sandbox --port 0`` as a real process; returns (process, base URL).

    Waits at most ``timeout`` seconds for the line that names the URL, so a
    sandbox that fails to start fails the test instead of hanging it.
    """
    import select
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "doccontract", "sandbox", "--port", "0", *extra], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline() if ready else ""
    if " on " not in line:
        proc.kill()
        proc.wait(timeout=10)
        raise RuntimeError(f"the sandbox did not start within {timeout}s: {line!r}")
    return proc, line.split(" on ")[1].split()[0]
