"""A non-editable install works from any folder: the wheel ships the committed contracts, byte for byte."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from helpers import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if r.returncode != 0:
        pytest.skip(f"no wheel could be built here: {r.stderr.strip().splitlines()[-1:]}")
    return next(out.glob("doccontract-*.whl"))


def test_the_wheel_ships_the_committed_contracts_byte_for_byte(wheel):
    committed = {
        p.relative_to(ROOT / "contracts").as_posix(): p.read_bytes() for p in (ROOT / "contracts").rglob("*.json")
    }
    with zipfile.ZipFile(wheel) as z:
        shipped = {
            n.removeprefix("doccontract/contracts/"): z.read(n)
            for n in z.namelist()
            if n.startswith("doccontract/contracts/")
        }
    assert committed and shipped == committed


def test_the_package_finds_its_contracts_without_a_clone_or_a_variable(monkeypatch):
    from doccontract.contract.store import default_dir

    monkeypatch.delenv("DOCCONTRACT_CONTRACTS", raising=False)
    found = default_dir()
    assert found.parent.name == "doccontract" and (found / "errors.json").is_file()
    assert sorted(p.read_bytes() for p in found.rglob("*.json")) == sorted(
        p.read_bytes() for p in (ROOT / "contracts").rglob("*.json")
    )
