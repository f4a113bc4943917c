"""Batches: walk the inputs, extract each report, keep going past bad files.

:func:`extract_file` (kg.extract) is a pure function of one file, so a batch parallelises
over any ``concurrent.futures`` executor: a local process pool (``jobs``) or a Dask cluster's
executor (:func:`dask_executor`), which runs the same extraction across machines. Workers
return a value either way (the facts, or the :class:`KgError` naming the file), and
:func:`iter_extract` yields them in input order with a bounded number of files in flight,
so the output does not depend on the number of workers and memory does not grow with the
corpus.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import signal
import stat
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from kg.errors import InputError, KgError, first_line, printable
from kg.model import ReportFacts
from kg.readers import supported


@dataclass
class Inputs:
    files: list[str]
    missing: list[KgError]  # paths that could not be walked or read: failures of the batch
    skipped: dict[str, int]  # files of other types found under directories, by suffix
    walked: list[str] = field(default_factory=list)  # the directories walked (absolute, printable)
    unwalked: list[str] = field(default_factory=list)  # folders under them that could not be read

    def covers(self, path: str) -> bool:
        """Whether ``path`` (absolute) lies under a directory that was walked whole: only there
        does a file that was not found mean that it is gone."""
        def under(root: str) -> bool:
            return path.startswith(root.rstrip(os.sep) + os.sep)

        return any(map(under, self.walked)) and not any(map(under, self.unwalked))


def find_inputs(paths: Iterable[str | Path]) -> Inputs:
    """Files named directly (whatever their type) and report files found under directories.

    A missing path, a named path that is not a regular file (a pipe or a device, which would
    block or never end) and a folder that cannot be read are failures, reported with the others
    at the end of the batch; files of types kg does not read, found while walking a directory,
    are counted, not failed. Hidden files and folders and symbolic links to folders are not walked.
    """
    inputs = Inputs([], [], {})
    for given in paths:
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except OSError as error:
            reason = "no such file or directory" if isinstance(error, FileNotFoundError) else f"cannot read: {error.strerror or error}"
            inputs.missing.append(InputError(str(given), reason))
            continue
        if stat.S_ISDIR(mode):
            _walk(path, inputs)
        elif stat.S_ISREG(mode):
            inputs.files.append(str(given))
        else:
            inputs.missing.append(InputError(str(given), "not a regular file (a pipe, device or socket): kg reads files and folders"))
    return inputs


def _walk(root: Path, inputs: Inputs) -> None:
    def unreadable(error: OSError) -> None:
        folder = error.filename or str(root)
        inputs.unwalked.append(printable(os.path.abspath(folder)))
        inputs.missing.append(InputError(folder, f"cannot read the folder: {error.strerror or error}"))

    inputs.walked.append(printable(os.path.abspath(root)))  # as reports record their paths
    found = []
    for folder, folders, names in os.walk(root, onerror=unreadable):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            file = os.path.join(folder, name)
            try:
                regular = stat.S_ISREG(os.stat(file).st_mode)
            except OSError:  # a dangling link
                continue
            if not regular:
                continue
            if supported(file):
                found.append(file)
            else:
                suffix = Path(name).suffix.lower() or "(none)"
                inputs.skipped[suffix] = inputs.skipped.get(suffix, 0) + 1
    inputs.files.extend(sorted(found, key=lambda file: Path(file).parts))


Outcome = Any  # a file's ReportFacts, what ``then`` made of them, or the KgError naming the file
MAX_CHUNK = 16  # files per task: amortises the hand-off, keeps a killed run's lost work small
IN_FLIGHT = 4  # tasks queued per worker: keeps every worker busy, bounds memory
SCHEDULER_TIMEOUT = 10  # seconds to reach a Dask scheduler
START_SECONDS = 10  # seconds signals may be held back while the workers start


def extract_one(file: str, then: Callable[[ReportFacts], object] | None = None) -> Outcome:
    """One file's facts (or ``then`` of them), or the error naming it: a value either way, so a worker returns it."""
    try:
        from kg.extract import extract_file  # here: a build's own process, extracting nothing, need not load spaCy

        facts = extract_file(file)
        return facts if then is None else then(facts)
    except KgError as error:
        return error
    except (OSError, UnicodeError, ValueError) as error:  # never a traceback for one bad file
        return InputError(file, f"cannot be processed: {error}")
    except RecursionError:  # a last resort: readers do not recurse on the input's structure
        return InputError(file, "cannot be processed: nested too deeply (Python's recursion limit)")
    except MemoryError:  # a last resort: readers bound what they read and expand
        return InputError(file, "cannot be processed: out of memory")


def _extract_chunk(files: list[str], then=None) -> list[Outcome]:
    return [extract_one(file, then) for file in files]


def iter_extract(
    files: Iterable[str],
    jobs: int = 1,
    executor: Executor | None = None,
    on_done: Callable[[str], None] | None = None,
    then: Callable[[ReportFacts], object] | None = None,
) -> Iterator[tuple[str, Outcome]]:
    """``(file, facts or error)`` for each file, in input order, whatever the parallelism.

    ``jobs`` > 1 extracts over a local process pool of that many workers; ``executor`` (any
    ``concurrent.futures`` executor, e.g. :func:`dask_executor`'s) is used instead when
    given, with ``jobs`` as its number of workers. At most ``IN_FLIGHT`` tasks of up to
    ``MAX_CHUNK`` files per worker are pending, so a consumer that stores each result as it
    comes holds a bounded number of reports in memory.

    ``then`` (a module-level function, so that it pickles) is applied to each file's facts
    in the worker, and its result is yielded instead: work that would otherwise queue up in
    the consumer runs in parallel too (:func:`kg.writer.prepare`). Its errors are outcomes
    like extraction's.
    """
    files = list(files)
    if executor is None:
        # no more workers than files: starting one waits for the worker server's imports (a second)
        jobs = min(jobs, len(files))
    if executor is None and jobs <= 1:
        for file in files:
            outcome = extract_one(file, then)
            if on_done:
                on_done(file)
            yield file, outcome
        return
    if executor is not None:
        yield from _ordered(executor, files, max(jobs, 1), on_done, then)
        return
    pool = process_pool(jobs)
    try:
        yield from _ordered(pool, files, jobs, on_done, then)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def process_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes forked from a server that has imported kg.extract.

    forkserver, not fork: the parent may run threads (a progress bar) and forking a threaded
    process can deadlock; the server imports kg once (kg.writer too, for :func:`kg.writer.prepare`),
    so each worker starts in milliseconds.
    """
    context = start_server()  # before signals are held: it would inherit the mask
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))
    try:
        _start_workers(pool, jobs)
    except BaseException:  # Ctrl-C or kill, held back while the workers started, comes here
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    return pool


def start_server() -> multiprocessing.context.ForkServerContext:
    """Start the server the workers are forked from, if not yet running, and return its context.

    The server imports kg's extraction (a second or more) in its own process: started before
    a store build plans, it does so while the build reads the store and hashes the files.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["kg.extract", "kg.writer"])
    multiprocessing.forkserver.ensure_running()
    return context


def _start_workers(pool: ProcessPoolExecutor, jobs: int) -> None:
    """Start every worker before the pool is used, with Ctrl-C and kill held back meanwhile: a
    worker whose parent exits while it is being born prints Python's traceback. Held for
    ``START_SECONDS`` at most: a worker that cannot start must not leave the build deaf to Ctrl-C."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        started: set[int] = set()
        deadline = time.monotonic() + START_SECONDS
        for _ in range(100):  # each round starts the workers still missing (a few ms)
            done, _pending = wait([pool.submit(os.getpid) for _ in range(jobs)], timeout=max(0.0, deadline - time.monotonic()))
            started.update(f.result() for f in done)
            if len(started) >= jobs or time.monotonic() >= deadline:
                break
    except Exception:  # noqa: BLE001 - a worker that cannot start fails its first real task, as always
        pass
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _start_worker(parent: int) -> None:
    """A worker ignores Ctrl-C (the parent, which gets it too, shuts the pool down in order), does
    not keep the signals the parent held back while starting it, and exits when the parent is
    gone, however it ended (even kill -9): no worker outlives its build."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    threading.Thread(target=_exit_with, args=(parent,), name="exit-with-parent", daemon=True).start()


def _exit_with(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if not _alive(parent):
            os._exit(0)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs: exists and, where /proc tells, is no zombie (a parent that
    has ended but is not yet reaped by its own parent counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except OSError:  # no /proc (macOS): ask the kernel
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True


def _ordered(executor: Executor, files: list[str], workers: int, on_done, then=None) -> Iterator[tuple[str, Outcome]]:
    size = max(1, min(MAX_CHUNK, len(files) // (workers * IN_FLIGHT) or 1))
    pending: deque[tuple[list[str], Future]] = deque()
    for start in range(0, len(files), size):
        chunk = files[start : start + size]
        pending.append((chunk, executor.submit(_extract_chunk, chunk, then)))
        if len(pending) >= workers * IN_FLIGHT:
            yield from _collect(*pending.popleft(), on_done)
    while pending:
        yield from _collect(*pending.popleft(), on_done)


def _collect(chunk: list[str], future: Future, on_done) -> Iterator[tuple[str, Outcome]]:
    try:
        outcomes = future.result()
    except Exception as error:  # a worker died (out of memory, killed) or the cluster went away
        outcomes = [InputError(file, f"the worker extracting it failed: {first_line(error)}") for file in chunk]
    for file, outcome in zip(chunk, outcomes):
        if on_done:
            on_done(file)
        yield file, outcome


@contextmanager
def dask_executor(address: str) -> Iterator[tuple[Executor, int]]:
    """The executor of a Dask distributed cluster at ``address`` (``tcp://HOST:PORT``) and
    its number of worker threads. Workers need kg installed and the input files at the same
    paths (a shared file system). Raises :class:`KgError` when the cluster cannot be reached."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise KgError(address, "a Dask scheduler needs Dask: pip install 'kg[dask]'") from None
    try:
        client = Client(address, timeout=SCHEDULER_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        raise KgError(address, f"cannot reach the Dask scheduler: {first_line(error)}") from None
    try:
        workers = sum(client.nthreads().values())
        if not workers:
            raise KgError(address, "the Dask cluster has no workers")
        yield client.get_executor(), workers
    finally:
        client.close()


@contextmanager
def workers(jobs: int = 1, scheduler: str | None = None) -> Iterator[tuple[int, Executor | None]]:
    """(number of workers, executor or None) for ``jobs`` local processes (0: one per core) or a
    Dask cluster at ``scheduler``. Asking for more processes than KG_MAX_JOBS allows is a
    :class:`KgError`, as is a scheduler that cannot be reached."""
    if scheduler is not None:
        with dask_executor(scheduler) as (executor, count):
            yield count, executor
        return
    from kg.limits import limits

    most = limits().jobs
    if jobs > most:
        raise KgError(f"--jobs {jobs}", f"at most {most} worker processes (KG_MAX_JOBS raises the limit)")
    yield min(jobs or default_jobs(), most), None


def default_jobs() -> int:
    """``--jobs 0``: one worker per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
