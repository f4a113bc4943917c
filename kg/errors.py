"""kg's exceptions: each names the file and the problem in one line."""

from __future__ import annotations

import os
import re

# Control characters (a newline in a file name would forge a second error line) and lone
# surrogates (the bytes of a file name that is not UTF-8, e.g. GBK from a Windows zip).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(path: str | os.PathLike) -> str:
    """A path as kg shows and records it: one line, valid UTF-8. Bytes of a name that are not
    UTF-8 appear as ``\\xNN`` and control characters as ``\\n``, ``\\x1b``...; other names are unchanged."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    return one_line(text)


def first_line(error: BaseException, width: int = 300) -> str:
    """The first line of an exception's message (its type's name when it has none), cut at ``width``."""
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:width]


def one_line(text: str) -> str:
    """``text`` with control characters and lone surrogates escaped (see :func:`printable`)."""
    return _UNPRINTABLE.sub(_escape, text) if _UNPRINTABLE.search(text) else text


def _escape(match: re.Match) -> str:
    char = match.group(0)
    if "\ud800" <= char <= "\udfff":
        return f"\\x{ord(char) - 0xDC00:02x}" if char >= "\udc80" else f"\\u{ord(char):04x}"
    return char.encode("unicode_escape").decode("ascii")


class KgError(Exception):
    """A problem a user can act on: ``str(error)`` is ``PATH: message``."""

    def __init__(self, path: str, message: str):
        self.path = printable(str(path))
        self.message = one_line(message)
        super().__init__(f"{self.path}: {self.message}")

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def __reduce__(self):
        # pickled as (path, message), so errors cross to and from worker processes and Dask
        return (type(self), (self.path, self.message))


class InputError(KgError):
    """An input file that cannot be read as a report."""


class NotAReportError(InputError):
    """A readable text that is not an annual report on government information disclosure."""


class ResourceError(KgError):
    """A broken ontology, shapes or query file."""


class GraphError(KgError):
    """A graph file that cannot be read."""
