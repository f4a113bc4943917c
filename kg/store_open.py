"""Opening a store directory: create it, lock it against other writers, or read it under a shared lock.

A store is a directory RocksDB owns (Oxigraph on disk). Opened read-write, the store is locked
against other processes; read-only, nothing in the directory changes and no write access is
needed. Every failure is one :class:`kg.store.StoreError` line naming the directory.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import pyoxigraph as ox

from kg.errors import first_line
from kg.store import StoreError
from kg.writer import ReportWriter


def open_error(shown: str, error: BaseException) -> StoreError:
    text = first_line(error)
    if "lock" in text.lower():
        return StoreError(shown, "the store is in use by another process (a kg build or kg serve on it?); try again when it has finished")
    if "permission denied" in text.lower():
        return StoreError(shown, f"cannot open the store for writing: permission denied ({text})")
    if any(word in text.lower() for word in ("no space", "file too large", "quota")):
        return StoreError(shown, f"cannot open the store: the disk is full ({text}); free some space and run again (the reports stored are whole)")
    return StoreError(shown, f"cannot open the store: {text}")


def check_store(path: Path, shown: str, create: bool = False) -> None:
    """Refuse a path that is no store (with ``create``: that cannot become one): a file, a directory
    holding other files (a mistyped ``--store`` must never scatter database files among reports)."""
    if path.exists() and not path.is_dir():
        raise StoreError(shown, "not a store: it is a file (a store is a directory)")
    if not (path / "CURRENT").is_file():
        if path.is_dir() and any(path.iterdir()):
            raise StoreError(shown, "not a kg store: the directory holds other files (give a new or empty directory)")
        if not create:
            raise StoreError(shown, "no store here (build one with: kg build PATH --store DIR)")
        try:  # RocksDB makes the store's own directory, not the ones above it
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(shown, f"cannot make its directory: {error.strerror or error}") from None


@contextmanager
def reading_lock(path: Path, shown: str) -> Iterator[None]:
    """Hold RocksDB's lock file (``LOCK``) shared while the store is read, so that no process
    writes it under the reader (Oxigraph calls that undefined), and refuse at once while one
    does (:class:`StoreError`). A shared lock needs read access only: a read-only directory is
    fine. Where there is no lock file or locks are not supported, reading goes on unlocked."""
    try:
        handle = os.open(path / "LOCK", os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.lockf(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EAGAIN):
                raise open_error(shown, OSError("lock held")) from None
        yield
    finally:
        os.close(handle)


@contextmanager
def open_store(path: str | Path, *, create: bool = False, read_only: bool = False) -> Iterator[ReportWriter]:
    """Open the store in ``path``: read-write, which locks it against other processes, or, with
    ``read_only``, for reading (no write access to the directory needed, no lock taken, the store
    left byte for byte as it was; refused while another process writes it).

    With ``create`` a new or empty directory becomes a store (see :func:`check_store`). The lock
    is released when the block ends. What it yields writes too (:mod:`kg.writer`), but not when
    read-only.
    """
    shown = str(path)
    path = Path(path)
    check_store(path, shown, create)
    with reading_lock(path, shown) if read_only else nullcontext():
        try:
            db = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except Exception as error:  # noqa: BLE001 - OSError (lock, permissions) or RuntimeError (corruption)
            raise open_error(shown, error) from None
        store = ReportWriter(db, shown, bulk=not read_only)
        try:
            half = store.pending()
            if half and read_only:
                raise StoreError(shown, f"a build stopped while writing {len(half)} report(s), left half-written: "
                                        "run kg build on the store again, which removes them first")
            if half:
                store.recover(half)
            yield store
        finally:
            written = store.written
            store.close()
            del store, db
            gc.collect()  # the RocksDB lock goes with the last reference
            if written:
                _purge_logs(path)


def _purge_logs(path: Path) -> None:
    """Open the store once more, which deletes its obsolete write-ahead logs.

    Why: RocksDB deletes a log once its writes are flushed to table files, but the last flush
    happens as the store closes and the deletion never comes: a build left about 1.8 GB of
    dead logs beside 750 MB of data (per 1,000 reports) until the next open. Opening costs
    well under a second; a failure here changes nothing stored.
    """
    try:
        ox.Store(str(path))
    except Exception:  # noqa: BLE001 - the logs are then deleted by the next open
        pass
    gc.collect()
