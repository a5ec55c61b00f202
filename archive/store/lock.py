"""One writer per archive: a crawl holds an exclusive lock file beside the database.

flock() locks die with their process, so a crawl killed with SIGKILL never leaves a stale
lock behind; the pid and start time in the file only explain who holds it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from archive.store.write import utc_now


class ArchiveLocked(RuntimeError):
    """Another process is writing this archive."""


class ArchiveLock:
    def __init__(self, archive_path: str | Path):
        path = Path(archive_path)
        self.path = path.with_name(path.name + ".lock")
        self._file = None

    def acquire(self) -> ArchiveLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise ArchiveLocked(f"{self.path.with_suffix('')} is being written by {holder}; "
                                "wait for that crawl to finish or stop it, then run again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"crawl pid {os.getpid()} since {utc_now()}\n")
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> ArchiveLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
