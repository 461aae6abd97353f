"""The sandbox's persisted state: one SQLite database per state file, held by one sandbox.

SQLite gives what a JSON file had to imitate: a commit that is all or nothing
(crash safety), an exclusive lock held for the process's life (one writer),
writes in place (a symlink's target and the file's mode are kept) and a read
whose size is known before it is made.  The state itself is one row: the same
document the JSON seed holds, checked by the same loader (``State.from_json``),
so what the sandbox writes is what it reads.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from .state import MAX_STATE_BYTES, State, StateError, no_constant, open_regular

SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x44435342  # "DCSB": a database this sandbox made
STORE_FORMAT = 1


class StoreError(StateError):
    """A save that did not happen (disk full, read-only, too large); the state on disk is unchanged."""


class JsonStateFile(StateError):
    """``--state`` names a JSON state (the format before the database): usable as a read-only start or a seed."""


class Store:
    """An open state database: locked for this process until :meth:`close`."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self.last: str | None = None  # the document last read or committed: what a failed save rolls back to

    @classmethod
    def open(cls, path: str | Path, *, create: bool = False) -> Store:
        """The database at ``path`` (created 0600 when missing and ``create``), locked; refused with one line
        otherwise."""
        shown = str(path)
        real = Path(os.path.realpath(path))  # a symlink's target is written, the link is never replaced
        try:
            fd = open_regular(real, shown)
        except FileNotFoundError:
            if not create:
                raise StateError(f"{shown}: cannot read: No such file or directory") from None
            try:
                fd = os.open(real, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)  # the state holds secrets
            except OSError as exc:
                raise StateError(f"{shown}: cannot create: {exc.strerror}") from None
        try:
            head = os.read(fd, len(SQLITE_HEADER))
        except OSError as exc:
            raise StateError(f"{shown}: cannot read: {exc.strerror}") from None
        finally:
            os.close(fd)
        if head and head != SQLITE_HEADER:
            if head.lstrip()[:1] == b"{":
                raise JsonStateFile(
                    f"{shown}: a JSON state file; --persist and --reset keep state in an SQLite database: "
                    f"give --seed {shown} and a new --state path"
                )
            raise StateError(f"{shown}: not a sandbox state (neither an SQLite database nor JSON)")
        try:
            conn = sqlite3.connect(
                f"file:{quote(str(real))}?mode=rw", uri=True, timeout=0, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StateError(f"{shown}: cannot open: {exc}") from None
        store = cls(Path(shown), conn)
        try:
            store._lock_and_check()
        except BaseException:
            conn.close()
            raise
        return store

    def _lock_and_check(self) -> None:
        c = self.conn
        try:
            c.execute("PRAGMA locking_mode=EXCLUSIVE")  # the lock taken below is kept until close
            c.execute("PRAGMA synchronous=FULL")
            c.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StateError(f"{self.path}: in use by another sandbox (one sandbox per state file)") from None
            raise StateError(f"{self.path}: not a readable sandbox database: {exc}") from None
        except sqlite3.Error as exc:
            raise StateError(f"{self.path}: not a readable sandbox database: {exc}") from None
        try:
            tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            app, version = (
                c.execute("PRAGMA application_id").fetchone()[0],
                c.execute("PRAGMA user_version").fetchone()[0],
            )
            if not tables and app == 0:
                c.execute("CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL)")
                c.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                c.execute(f"PRAGMA user_version = {STORE_FORMAT}")
            elif app != APPLICATION_ID or "state" not in tables:
                raise StateError(f"{self.path}: an SQLite database, but not a sandbox state")
            elif version != STORE_FORMAT:
                raise StateError(
                    f"{self.path}: sandbox state format {version}; this sandbox reads format {STORE_FORMAT}"
                )
            c.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(c)
            raise StateError(f"{self.path}: not a readable sandbox database: {exc}") from None
        except BaseException:
            _rollback(c)
            raise

    def load(self) -> State | None:
        """The stored state, checked as fully as a seed; None when the database holds none yet."""
        try:
            row = self.conn.execute("SELECT length(CAST(doc AS BLOB)) FROM state WHERE id = 1").fetchone()
            if row is None:
                return None
            if not isinstance(row[0], int) or row[0] > MAX_STATE_BYTES:
                raise StateError(
                    f"{self.path}: its state is larger than {MAX_STATE_BYTES // (1024 * 1024)} MiB; not a sandbox state"
                )
            raw = self.conn.execute("SELECT CAST(doc AS BLOB) FROM state WHERE id = 1").fetchone()[0]
        except sqlite3.Error as exc:
            raise StateError(f"{self.path}: not a readable sandbox database: {exc}") from None
        try:
            text = bytes(raw).decode("utf-8")
            data = json.loads(text, parse_constant=no_constant)
        except (ValueError, RecursionError, TypeError) as exc:
            raise StateError(f"{self.path}: its state is not JSON: {exc}") from None
        state = State.from_json(data, str(self.path))
        self.last = text
        return state

    def save(self, state: State) -> None:
        """One transaction: the whole state or nothing; StoreError when it could not be committed."""
        try:
            text = json.dumps(state.to_json(), separators=(",", ":"), ensure_ascii=False)
        except StateError as exc:
            raise StoreError(f"{self.path}: not saved: {exc}") from None
        size = len(text.encode("utf-8"))
        if size > MAX_STATE_BYTES:  # the loader's limit is the writer's: a state written always loads
            raise StoreError(f"{self.path}: not saved: the state would be {size} bytes, over {MAX_STATE_BYTES}")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("INSERT OR REPLACE INTO state (id, doc) VALUES (1, ?)", (text,))
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(self.conn)
            raise StoreError(f"{self.path}: not saved: {exc}") from None
        self.last = text

    def committed(self) -> State:
        """The state as last committed (what a failed save leaves on disk)."""
        if self.last is None:
            raise StoreError(f"{self.path}: nothing committed yet")
        return State.from_json(json.loads(self.last), str(self.path))

    def close(self) -> None:
        """Releases the lock: another sandbox may open the file."""
        try:
            self.conn.close()
        except sqlite3.Error:
            pass


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def open_state(
    path: str | Path, *, persist: bool, reset: bool, seed: str | Path | None = None, now: float | None = None
) -> tuple[State, Store | None]:
    """What ``doccontract sandbox --state`` serves: the state and, when a database, its store (locked).

    A new or empty database is initialised from the seed (the demo state unless ``seed``);
    ``reset`` writes the seed over what the database holds, in place.  A JSON state file is
    still served as a read-only start (changes kept in memory only); with --persist or --reset
    it is refused with one line, since the database is a new file seeded from it (``--seed``).
    ``now`` (seconds) seats a seed with ``relativeTo`` (the demo) in the present when it is written.
    """
    seed_state = State.load(seed, now=now) if seed is not None else None
    try:
        store = Store.open(path, create=persist or reset)
    except JsonStateFile:
        if persist or reset:
            raise
        return State.load(path, now=now), None
    try:
        state = None if reset else store.load()
        if state is None:
            state = seed_state or State.load(now=now)
            store.save(state)
    except BaseException:
        store.close()
        raise
    return state, store
