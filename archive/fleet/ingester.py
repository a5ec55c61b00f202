"""Drain what a fleet of crawlers queued in Redis into the archive, as its only writer.

Each message is moved to a one-item processing list before it is stored and removed from
there after its transaction commits, so an ingester killed at any point loses nothing: the
next one puts the message back in front and stores it again (storing is idempotent: the
same bytes are 'unchanged', not a second version).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.archive import Archive
from archive.duplicates import rebuild_duplicate_groups
from archive.fleet.keys import FleetKeys
from archive.fleet.state import publish_state
from archive.store import (
    ArchiveLock,
    Recheck,
    finish_run,
    mark_interrupted_runs,
    save_site,
    site_counts,
    start_run,
    update_run_stats,
)
from archive.wire import BadMessage, decode

log = logging.getLogger(__name__)
FLUSH_EVERY = 5.0  # seconds between writes of open runs' counts
REPORT_EVERY = 30.0  # seconds between progress lines
WAIT = 1.0  # seconds to block on an empty queue before looking around


@dataclass
class IngestSummary:
    stored: int = 0
    rejected: int = 0
    runs_finished: list[int] = field(default_factory=list)


class Ingester:
    """`with Ingester(redis, keys, "archive.db") as ingester: ingester.run()`"""

    def __init__(self, redis, keys: FleetKeys, db_path: str | Path, recheck: Recheck | None = None):
        self.redis, self.keys, self.db_path = redis, keys, str(db_path)
        self.recheck = recheck
        self.lock: ArchiveLock | None = None
        self.archive: Archive | None = None
        self.run_ids: dict[str, int] = {}
        self.summary = IngestSummary()
        self._flushed = 0.0
        self._reported = time.monotonic()

    def __enter__(self) -> Ingester:
        self.lock = ArchiveLock(self.db_path).acquire()
        try:
            self.archive = Archive.open(self.db_path, self.recheck)
            db = self.archive.db
            for row in db.execute("select name, extract_selectors from sites"):
                self.archive.selectors[row[0]] = json.loads(row[1] or "{}")
            self._forget_stale_runs()
            published = publish_state(self.redis, self.keys, db)
            log.info("published the crawl state of %s URLs for crawlers to plan from", published)
        except BaseException:
            self.lock.release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._flush_stats(force=True)
        self.archive.close()
        self.lock.release()

    def run(self, until_idle: bool = False, should_stop=lambda: False) -> IngestSummary:
        """Store messages as they come. With until_idle, return once nothing waits and no
        crawler is alive; else run until should_stop() says so."""
        keys = self.keys
        while self.redis.lmove(keys.items_processing, keys.items, "RIGHT", "RIGHT"):
            log.warning("storing again a message the last ingester took but did not finish")
        while not should_stop():
            payload = self.redis.blmove(keys.items, keys.items_processing, WAIT, "RIGHT", "LEFT")
            if payload is None:
                self._flush_stats()
                if until_idle and not self.fleet_alive() and not self.redis.llen(keys.items):
                    break
                continue
            self.handle(payload)
            self.redis.lrem(keys.items_processing, 1, payload)
            self._flush_stats()
        return self.summary

    def fleet_alive(self) -> bool:
        workers = [w.decode() for w in self.redis.smembers(self.keys.fleet)]
        return any(self.redis.exists(self.keys.heartbeat(worker)) for worker in workers)

    def handle(self, payload: bytes) -> None:
        try:
            envelope, item = decode(payload)
            token = envelope["run"]
        except (BadMessage, KeyError, TypeError) as err:
            self._reject(payload, str(err))
            return
        notice = envelope.get("notice")
        if notice == "join":
            self._join(token, envelope.get("sites", []))
        elif notice == "run_end":
            self._finish(token)
        elif item is None:
            self._reject(payload, f"unknown notice {notice!r}")
        else:
            try:
                counters = self.archive.record(item, self._run_id(token))
            except sqlite3.OperationalError:
                raise  # disk full, database locked...: stop, and the message waits for the next ingester
            except Exception as err:  # a bug must not stop the archive: keep the message for a person
                log.exception("could not store %s", getattr(item, "url", item))
                self._reject(payload, f"{type(err).__name__}: {err}")
                return
            if counters:
                pipe = self.redis.pipeline(transaction=False)
                for counter in counters:
                    pipe.hincrby(self.keys.stats(token), f"archive/{item.site}/{counter}", 1)
                pipe.execute()
            self.summary.stored += 1

    def _reject(self, payload: bytes, reason: str) -> None:
        log.error("rejected a queue message: %s; kept in %s", reason, self.keys.items_rejected)
        self.redis.lpush(self.keys.items_rejected, json.dumps(
            {"reason": reason, "at": time.time(), "payload": payload.decode("utf-8", "replace")}))
        self.summary.rejected += 1

    def _join(self, token: str, sites: list[dict]) -> None:
        """A crawler joined run `token`: the run exists in the archive, with its sites saved."""
        run_id = self._run_id(token, [site["name"] for site in sites])
        db = self.archive.db
        with db.atomic():
            for site in sites:
                save_site(db, site["name"], site["start_urls"], site["allowed_domains"], site["extract"])
                self.archive.selectors[site["name"]] = site["extract"]
            listed = self._sites(run_id)
            names = sorted(set(listed) | {site["name"] for site in sites})
            if names != sorted(listed):
                db["runs"].update(run_id, {"sites": json.dumps(names)})

    def _run_id(self, token: str, sites: list[str] | None = None) -> int:
        if token not in self.run_ids:
            known = self.redis.hget(self.keys.runs, token)
            if known is not None:
                self.run_ids[token] = int(known)
            else:
                self.run_ids[token] = start_run(self.archive.db, sites or [])
                self.redis.hset(self.keys.runs, token, self.run_ids[token])
                log.info("run %s started by the fleet (token %s)", self.run_ids[token], token)
        return self.run_ids[token]

    def _counts(self, token: str, sites: list[str]) -> dict[str, dict]:
        counts = {key.decode(): int(value) for key, value in self.redis.hgetall(self.keys.stats(token)).items()}
        for site in sites:
            found = self.redis.scard(self.keys.discovered(token, site))
            if found:
                counts[f"archive/{site}/discovered"] = found
        return site_counts(counts)

    def _sites(self, run_id: int) -> list[str]:
        return json.loads(self.archive.db["runs"].get(run_id)["sites"] or "[]")

    def _finish(self, token: str) -> None:
        run_id = self._run_id(token)
        db = self.archive.db
        sites = self._sites(run_id)
        counts = self._counts(token, sites)
        finish_run(db, run_id, "finished", {site: counts.get(site, {}) for site in sites})
        self.archive.learn_profiles(sites)
        groups = rebuild_duplicate_groups(db)
        self.redis.hdel(self.keys.runs, token)
        self.redis.delete(*self.keys.counted_keys(token, sites))
        del self.run_ids[token]
        publish_state(self.redis, self.keys, db)
        self.summary.runs_finished.append(run_id)
        log.info("run %s finished; %s groups of duplicated posts; crawl state published", run_id, groups)

    def _flush_stats(self, force: bool = False) -> None:
        if time.monotonic() - self._reported > REPORT_EVERY:
            self._reported = time.monotonic()
            log.info("stored %s items so far; %s waiting in Redis", self.summary.stored,
                     self.redis.llen(self.keys.items))
        if not force and time.monotonic() - self._flushed < FLUSH_EVERY:
            return
        self._flushed = time.monotonic()
        for token, run_id in self.run_ids.items():
            update_run_stats(self.archive.db, run_id, self._counts(token, self._sites(run_id)))

    def _forget_stale_runs(self) -> None:
        """Runs the fleet opened stay open (their end may still wait in the queue); any other
        run left 'running' died with a local crawl."""
        db = self.archive.db
        for token, run_id in self.redis.hgetall(self.keys.runs).items():
            row = db.execute("select status from runs where id = ?", [int(run_id)]).fetchone()
            if row and row[0] == "running":
                self.run_ids[token.decode()] = int(run_id)
            else:  # not this archive's open run (a deleted or different database): start afresh
                self.redis.hdel(self.keys.runs, token)
        for run_id in mark_interrupted_runs(self.archive.db, tuple(self.run_ids.values())):
            log.warning("run %s stopped without finishing", run_id)
