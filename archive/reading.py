"""Reading pages (extraction) in worker processes, each page within a time and memory budget.

    with ReadingPool(workers=2, budget=Budget(seconds=20, memory_mb=1024)) as pool:
        reading, links = pool.read(Job(body, url, links=True))

Extraction is CPU-bound and its input hostile: one element with 200,000 attributes takes
minutes, a page of 100,000 paragraphs half a gigabyte. In worker processes it uses every
core and leaves the crawl's reactor and the archive's writer free; a page over its budget
becomes a Reading whose `failure` says so, and the pool replaces the worker that stalled.
Workers fork from a server that has imported the extractor once, so a replacement starts
in milliseconds and shares the imported code's pages.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from itertools import islice
from multiprocessing import forkserver

import pebble

from archive.extract.frontier import PageLinks
from archive.extract.profile import SiteProfile
from archive.records import Article, CrawlEvidence, Reading

_memory_mb = 0  # this worker's memory budget, for the failure it reports


@dataclass(frozen=True)
class Budget:
    """What one page may cost a worker: seconds of extraction, and memory over what the
    worker held before it started (megabytes)."""

    seconds: float = 20.0
    memory_mb: int = 1024


@dataclass(frozen=True)
class Job:
    """One page to read. `links`: also what it links to, for the crawl's frontier;
    `extract` False: only that (a page unchanged since its last reading)."""

    body: bytes
    url: str
    selectors: dict | None = None
    evidence: CrawlEvidence | None = None
    profile: SiteProfile | None = None
    links: bool = False
    extract: bool = True


def run_job(job: Job) -> tuple[Reading | None, PageLinks | None]:
    """Read one page, in a worker (or in the caller's process, without a budget)."""
    # Imported here, where pages are read: the crawl's own process never loads the extractor.
    from archive.duplicates import body_signature
    from archive.extract.extractor import links_of, read_page

    if not job.extract:
        return None, links_of(job.body, job.url)
    try:
        result, links = read_page(job.body, job.url, job.selectors, job.evidence, job.profile, links=job.links)
    except MemoryError:
        return Reading(None, job.evidence, f"extraction: over the memory budget of {_memory_mb} MB"), None
    signature = body_signature(result.body_text) if isinstance(result, Article) else None
    return Reading(result, job.evidence, signature=signature), links


class ReadingPool:
    """Worker processes that read pages, `workers` of them (default: one per core)."""

    def __init__(self, workers: int | None = None, budget: Budget | None = None):
        self.budget = budget or Budget()
        self.workers = workers or os.cpu_count() or 1
        self._pool = pebble.ProcessPool(self.workers, initializer=_limit_memory,
                                        initargs=(self.budget.memory_mb,), context=process_context())

    def __enter__(self) -> ReadingPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def submit(self, job: Job) -> Future:
        """A future of run_job's (Reading, PageLinks); a page over budget, or whose worker
        died, gives a Reading with the failure, never an exception."""
        outcome: Future = Future()
        self._pool.submit(run_job, self.budget.seconds, job).add_done_callback(
            lambda done: outcome.set_result(self._outcome(done, job)))
        return outcome

    def read(self, job: Job) -> tuple[Reading | None, PageLinks | None]:
        return self.submit(job).result()

    def read_all(self, jobs: Iterable[tuple[object, Job]], ahead: int | None = None,
                 ) -> Iterator[tuple[object, tuple[Reading | None, PageLinks | None]]]:
        """(tag, run_job's outcome) for each (tag, job), in their order, with at most `ahead`
        pages in flight (default: four per worker), so memory stays flat however many there are."""
        jobs = iter(jobs)
        pending = deque((tag, self.submit(job)) for tag, job in islice(jobs, ahead or 4 * self.workers))
        while pending:
            tag, done = pending.popleft()
            pending.extend((later, self.submit(job)) for later, job in islice(jobs, 1))
            yield tag, done.result()

    def _outcome(self, done, job: Job) -> tuple[Reading | None, PageLinks | None]:
        try:
            return done.result()
        except TimeoutError:
            failure = f"extraction: timed out after {self.budget.seconds:g} s"
        except pebble.ProcessExpired as err:
            failure = f"extraction: the worker died (exit code {err.exitcode})"
        except Exception as err:  # a job that could not reach its worker, e.g. unpicklable
            failure = f"extraction: {type(err).__name__}: {err}"
        return Reading(None, job.evidence, failure), None

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

    def stop(self) -> None:
        """Stop now, abandoning pages in flight (a crawl being killed)."""
        self._pool.stop()
        self._pool.join()


def process_context():
    """The multiprocessing context of the crawl's worker processes (readers, and the archive
    writer): forked from one server that has imported them, so each starts in milliseconds.
    Not plain fork: the crawl's process has threads and an open reactor. The server starts
    (and imports, for most of a second) in the background: call this early."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "archive.extract.extractor", "archive.duplicates", "archive.runs",
                                   "archive.process_server"])
    forkserver.ensure_running()
    return context


def _limit_memory(memory_mb: int) -> None:
    """Cap the worker's address space at what it holds now plus its budget: past it, an
    allocation fails with MemoryError, which run_job reports, instead of the machine swapping."""
    global _memory_mb
    _memory_mb = memory_mb
    try:
        with open("/proc/self/status") as status:
            size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration):  # not Linux: the time budget still holds
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = (size_kb * 1024) + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
