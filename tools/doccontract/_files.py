"""The shared ground every side stands on: strict JSON, atomic writes, JSON pointers, the cache folder.

Imports nothing of the package, so any module may use it without making a circle.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def dumps(obj: Any) -> bytes:
    """Strict JSON (NaN and Infinity are refused: they are not JSON and no validator reads them)."""
    return (json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def _file_mode() -> int:
    """What open() would give a new file under the current umask (mkstemp always gives 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes, durable: bool = True) -> bool:
    """Write via a temporary file and rename; return False when the file already held ``data``.

    Readers never see half a file either way; ``durable`` also syncs it to disk
    first (specs, contracts, reports), which caches and scratch files skip.
    The file gets the mode the umask gives any new file, not mkstemp's 0600.
    """
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def json_pointer(err: Any) -> str:
    """Where a jsonschema error is, as a JSON pointer ('/rows/0/status')."""
    return "/" + "/".join(str(p) for p in err.absolute_path)


def cache_dir(*parts: str) -> Path:
    """``$XDG_CACHE_HOME/doccontract/<parts>`` (``~/.cache`` when unset): rebuildable, never the source of truth."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")).joinpath("doccontract", *parts)
