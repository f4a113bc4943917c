"""Write output files whole or not at all: a temporary file in the same folder, then os.replace.

Every problem writing (a folder in the way, no permission, a full disk, a file-size limit) is an
:class:`OutputError` naming the output in one line, and the output is then left as it was: the
file a reader finds is either the old one or the complete new one. The new file gets the mode a
plain ``open`` would give it (the umask's), or keeps the mode of the file it replaces.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from kg.errors import KgError


class OutputError(KgError):
    """An output that could not be written (it is left as it was)."""


_REASONS: dict[int | None, str] = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large (a file-size limit, ulimit -f?)",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def _reason(error: OSError) -> str:
    return _REASONS.get(error.errno, error.strerror or str(error))


def check_writable(path: str | Path) -> None:
    """Raise :class:`OutputError` at once if ``path`` cannot be an output file: it is a folder, or
    a file stands where its folder should be. Called before long work, so that a mistyped ``-o``
    is said in the first second, not after the batch."""
    shown, path = str(path), Path(path)
    if path.is_dir():
        raise OutputError(shown, "is a folder: give a file name")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputError(shown, f"cannot create it: {parent} is a file, not a folder")
            if not os.access(parent, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
                raise OutputError(shown, f"cannot write there: permission denied on {parent}")
            break


def _new_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary sibling of ``path`` for writing; replace ``path`` only on success.

    If the block raises, the temporary file is removed and ``path`` is left as it was; an
    OSError of the disk (full, quota, size limit, read-only) is raised as :class:`OutputError`.
    """
    shown, path = str(path), Path(path)
    check_writable(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OutputError(shown, f"cannot write there: {_reason(error)}") from None
    try:
        os.fchmod(fd, _new_mode(path))
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(error, OSError) and error.errno in _REASONS or isinstance(error, IsADirectoryError):
            raise OutputError(shown, f"not written: {_reason(error)}") from None
        raise


class _Stdout:
    """Text written straight to standard output's file descriptor, every byte accounted for.

    Why not ``sys.stdout``: its buffer takes a short write (the disk under a redirection filling
    up, a file-size limit) as success, and the rest of the output is lost without an error.
    (Where standard output is no file, as in a test runner, it is written as usual.)"""

    def __init__(self) -> None:
        try:
            self.fd: int | None = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
            self.fd = None

    def write(self, text: str) -> None:
        if self.fd is None:
            sys.stdout.write(text)
            return
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(self.fd, data):]


@contextmanager
def standard_output() -> Iterator[_Stdout]:
    """Standard output as an output like the others: a write that fails is an :class:`OutputError`
    (exit 2), not a silent cut. A closed pipe (``kg extract | head``) is left to the caller: the
    reader has what it wanted."""
    sys.stdout.flush()
    try:
        yield _Stdout()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputError("stdout", f"not written whole: {_reason(error)}") from None


def write_text(path: str | Path, text: str) -> None:
    with atomic_open(path) as handle:
        handle.write(text)
