"""The archive's one writer in a process of its own, so that a crawl's reactor and its
writer each have a core instead of sharing one interpreter lock.

    writer = WriterProcess("archive.db", recheck, take_lock=False)
    run_id = writer.call("start_run", ["Clinic"]).result()
    counters = writer.call("record", capture, run_id).result()   # ArchiveWriter.record
    writer.close()                                               # commits and ends the process

Each call names an ArchiveWriter method; calls are carried out one at a time, in the order
they were made, and each returns a Future of the method's result or exception. Sending
(pickling) and replies run on two threads of the caller, so a call never blocks it. The
process ends with its caller (Linux: a parent-death signal), so a crawl killed outright
leaves no writer behind, only what its last committed batch held.
"""

from __future__ import annotations

import ctypes
import logging
import pickle
import queue
import signal
import threading
from concurrent.futures import Future
from itertools import count
from pathlib import Path

from archive.reading import process_context
from archive.store import Recheck

log = logging.getLogger(__name__)
_PR_SET_PDEATHSIG, _PR_SET_NAME = 1, 15
PROCESS_NAME = b"archive-writer"  # what ps and top show for it (Linux)


class WriterDied(RuntimeError):
    """The writer process ended before answering: what it had not committed is lost, and
    the crawl's pages that it held are fetched again by the next crawl."""


class WriterProcess:
    def __init__(self, db_path: str | Path, recheck: Recheck | None = None, take_lock: bool = True):
        context = process_context()
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, str(db_path), recheck, take_lock),
                                        name="archive-writer", daemon=True)
        self._process.start()
        child.close()
        self._calls = count(1)
        self._futures: dict[int, Future] = {}
        self._lock = threading.Lock()
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._dead: str | None = None
        self._threads = [threading.Thread(target=self._send, name="archive-writer-send", daemon=True),
                         threading.Thread(target=self._receive, name="archive-writer-receive", daemon=True)]
        for thread in self._threads:
            thread.start()
        self.opened = self.call("__opened__")  # raises ArchiveLocked etc. when the writer could not open

    def call(self, method: str, *args) -> Future:
        """A Future of ArchiveWriter.<method>(*args), carried out in the writer process."""
        future: Future = Future()
        with self._lock:
            if self._dead:
                future.set_exception(WriterDied(self._dead))
                return future
            call_id = next(self._calls)
            self._futures[call_id] = future
        self._outbox.put((call_id, method, args))
        return future

    def close(self) -> None:
        """Commit, close the archive and end the process (after the calls already made)."""
        try:
            if self._process.is_alive():
                self.call("close").result()
        finally:
            self._outbox.put(None)
            self._process.join(30)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()

    def _send(self) -> None:
        while (message := self._outbox.get()) is not None:
            try:
                self._conn.send(message)
            except (OSError, EOFError) as err:  # the process is gone: _receive fails the rest
                self._fail(message[0], WriterDied(f"the archive writer is gone ({err})"))
            except Exception as err:  # an argument that can't be pickled fails its call alone
                self._fail(message[0], err)

    def _receive(self) -> None:
        while True:
            try:
                call_id, ok, value = self._conn.recv()
            except (EOFError, OSError):
                break
            future = self._take(call_id)
            if future is not None:
                future.set_result(value) if ok else future.set_exception(value)
        self._process.join(5)
        reason = f"the archive writer process ended (exit code {self._process.exitcode})"
        with self._lock:
            self._dead = reason
            waiting, self._futures = list(self._futures.values()), {}
        for future in waiting:
            future.set_exception(WriterDied(reason))

    def _take(self, call_id: int) -> Future | None:
        with self._lock:
            return self._futures.pop(call_id, None)

    def _fail(self, call_id: int, error: BaseException) -> None:
        future = self._take(call_id)
        if future is not None:
            future.set_exception(error)


def _serve(conn, db_path: str, recheck: Recheck | None, take_lock: bool) -> None:
    """The writer process: open the archive, then carry out each call until 'close'."""
    from archive.runs import ArchiveWriter

    _name_and_tie_to_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl's to handle; it closes us
    try:
        writer = ArchiveWriter.open(db_path, recheck, take_lock=take_lock)
    except BaseException as err:  # answered to the first call, which the caller waits on
        _answer_all(conn, False, _sendable(err))
        return
    while True:
        try:
            call_id, method, args = conn.recv()
        except EOFError:  # the caller is gone without closing: keep what was recorded
            writer.close()
            return
        if method == "__opened__":
            conn.send((call_id, True, None))
            continue
        try:
            result, ok = getattr(writer, method)(*args), True
        except Exception as err:
            result, ok = _sendable(err), False
        conn.send((call_id, ok, result))
        if method == "close":
            return


def _answer_all(conn, ok: bool, value) -> None:
    """Answer every call that comes, the same way, until the caller closes the pipe."""
    while True:
        try:
            call_id, _, _ = conn.recv()
            conn.send((call_id, ok, value))
        except (EOFError, OSError):
            return


def _sendable(err: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(err))
        return err
    except Exception:
        return RuntimeError(f"{type(err).__name__}: {err}")


def _name_and_tie_to_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_NAME, ctypes.c_char_p(PROCESS_NAME))
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe's end still stops the loop
        pass
