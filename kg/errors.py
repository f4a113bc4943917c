"""kg's exceptions: each names the file and the problem in one line."""

from __future__ import annotations


class KgError(Exception):
    """A problem a user can act on: ``str(error)`` is ``PATH: message``."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message

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
