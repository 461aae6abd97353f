"""The shared ground every side stands on: the one reader and the one writer of files every
command goes through, strict JSON, JSON pointers, the cache folder.  Imports nothing of the
package, so any module may use it without making a circle.

Reads are bounded in bytes and never wait: a FIFO, device or folder given where a file is
expected is refused at once.  Writes are atomic and stay inside the folder they are for: a
symlinked folder under ``specs/`` or ``contracts/`` cannot send a write elsewhere.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

#: The largest file any command reads: the biggest corpus page is about 250 KB, so 16 MB is
#: generous for a page and still bounds what one bad file can cost.
MAX_READ_BYTES = 16 * 1024 * 1024


class FileProblem(OSError):
    """A file that cannot be read or written, as one line naming it (a user's mistake: exit 2)."""

    def __init__(self, path: str | Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def file_kind(mode: int) -> str:
    """What a path that is not a regular file is, for a one-line refusal ("a FIFO", "a device", ...)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(path: str | Path, limit: int = MAX_READ_BYTES) -> bytes:
    """A regular file's bytes, at most ``limit`` of them.

    Opened non-blocking so a FIFO cannot stall the open, and checked with fstat so a FIFO,
    device or folder is refused without reading from it.  Raises FileProblem naming the path.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileProblem(path, f"cannot read: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise FileProblem(path, f"cannot read: {file_kind(mode)}, not a file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise FileProblem(path, f"cannot read: larger than {limit} bytes")
        return b"".join(chunks)
    except FileProblem:
        raise
    except OSError as exc:
        raise FileProblem(path, f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


def read_json(path: str | Path, limit: int = MAX_READ_BYTES) -> Any:
    """A JSON file's value; unreadable or not JSON is a FileProblem naming the file."""
    data = read_regular(path, limit)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FileProblem(path, f"not JSON ({type(exc).__name__}: {str(exc)[:120]})") from None


def dumps(obj: Any) -> bytes:
    """Strict JSON (NaN and Infinity are refused: they are not JSON and no validator reads them)."""
    return (json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")


def check_inside(path: Path, root: Path) -> None:
    """Refuse ``path`` when it resolves outside ``root`` (a symlinked folder or file, '..').

    Called before anything is written, so a run that would write outside writes nothing."""
    base = Path(root).resolve()
    where = Path(path).resolve()
    if not where.is_relative_to(base):
        raise FileProblem(path, f"resolves to {where}, outside {root}; not written there (a symlink?)")


def _file_mode() -> int:
    """What open() would give a new file under the current umask (mkstemp always gives 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes, root: Path, durable: bool = True) -> bool:
    """Write via a temporary file and rename; return False when the file already held ``data``.

    ``root`` is the folder the write is for: a path resolving outside it is refused (FileProblem)
    before any folder is made.  Readers never see half a file; ``durable`` also syncs it to disk
    first (specs, contracts, reports), which caches and scratch files skip.  The file gets the
    mode the umask gives any new file, not mkstemp's 0600.  Any failure is a FileProblem naming
    the path.
    """
    path = Path(path)
    check_inside(path, root)
    try:
        if read_regular(path, len(data)) == data:
            return False
    except FileProblem:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        check_inside(path, root)  # a folder swapped for a symlink while it was made
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".doccontract.", suffix=".tmp")
    except OSError as exc:
        raise FileProblem(path, f"cannot write: {_why(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise FileProblem(path, f"cannot write: {_why(exc)}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "a file or folder name in it is too long"
    return exc.strerror or str(exc)


def json_pointer(err: Any) -> str:
    """Where a jsonschema error is, as a JSON pointer ('/rows/0/status')."""
    return "/" + "/".join(str(p) for p in err.absolute_path)


def cache_dir(*parts: str) -> Path:
    """``$XDG_CACHE_HOME/doccontract/<parts>`` (``~/.cache`` when unset): rebuildable, never the source of truth."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")).joinpath("doccontract", *parts)
