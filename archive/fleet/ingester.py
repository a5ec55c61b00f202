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

from archive.fleet.keys import FleetKeys
from archive.fleet.state import publish_state
from archive.runs import ArchiveWriter, SiteSettings
from archive.store import Recheck, set_run_sites, site_counts
from archive.wire import BadMessage, decode

log = logging.getLogger(__name__)
REPORT_EVERY = 30.0  # seconds between progress lines
WAIT = 1.0  # seconds to block on an empty queue before looking around


@dataclass
class IngestSummary:
    stored: int = 0
    rejected: int = 0
    runs_finished: list[int] = field(default_factory=list)


class Ingester:
    """`with Ingester(redis, keys, "archive.db") as ingester: ingester.run()`"""

    def __init__(self, redis, keys: FleetKeys, db_path: str | Path):
        self.redis, self.keys, self.db_path = redis, keys, str(db_path)
        self.archive: ArchiveWriter | None = None
        self.run_ids: dict[str, int] = {}
        self.summary = IngestSummary()
        self._reported = time.monotonic()
        self._stored: list[tuple[bytes, list[tuple[str, str]]]] = []  # handled, not yet committed

    def __enter__(self) -> Ingester:
        self.archive = ArchiveWriter.open(self.db_path)
        try:
            self._forget_stale_runs()
            published = publish_state(self.redis, self.keys, self.archive.db)
            log.info("published the crawl state of %s URLs for crawlers to plan from", published)
        except BaseException:
            self.archive.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._flush_stats(force=True)
        finally:
            self.archive.close()

    def run(self, until_idle: bool = False, should_stop=lambda: False) -> IngestSummary:
        """Store messages as they come. With until_idle, return once nothing waits and no
        crawler is alive; else run until should_stop() says so."""
        keys = self.keys
        while self.redis.lmove(keys.items_processing, keys.items, "RIGHT", "RIGHT"):
            log.warning("storing again a message the last ingester took but did not finish")
        while not should_stop():
            payload = self.redis.blmove(keys.items, keys.items_processing, WAIT, "RIGHT", "LEFT")
            if payload is None:
                self.archive.commit()
                self._release()
                self._flush_stats()
                if until_idle and not self.fleet_alive() and not self.redis.llen(keys.items):
                    break
                continue
            self._stored.append((payload, self.handle(payload)))
            if not self.archive.uncommitted:  # the writer's batch is committed: its messages may go
                self._release()
            self._flush_stats()
        self.archive.commit()
        self._release()
        return self.summary

    def _release(self) -> None:
        """Messages whose items are committed leave the processing list, and their counts
        reach the run: until then a killed ingester's successor stores them again."""
        if not self._stored:
            return
        pipe = self.redis.pipeline(transaction=False)
        for payload, counts in self._stored:
            for key, counter in counts:
                pipe.hincrby(key, counter, 1)
            pipe.lrem(self.keys.items_processing, 1, payload)
        pipe.execute()
        self._stored.clear()

    def fleet_alive(self) -> bool:
        workers = [w.decode() for w in self.redis.smembers(self.keys.fleet)]
        return any(self.redis.exists(self.keys.heartbeat(worker)) for worker in workers)

    def handle(self, payload: bytes) -> list[tuple[str, str]]:
        """Store one message; the (Redis stats key, counter) pairs it adds to once committed."""
        try:
            envelope, item = decode(payload)
            token = envelope["run"]
        except (BadMessage, KeyError, TypeError) as err:
            self._reject(payload, str(err))
            return []
        notice = envelope.get("notice")
        if notice == "join":
            self._join(token, envelope.get("sites", []), envelope.get("recheck"))
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
                return []
            self.summary.stored += 1
            return [(self.keys.stats(token), f"archive/{item.site}/{counter}") for counter in counters]
        return []

    def _reject(self, payload: bytes, reason: str) -> None:
        log.error("rejected a queue message: %s; kept in %s", reason, self.keys.items_rejected)
        self.redis.lpush(self.keys.items_rejected, json.dumps(
            {"reason": reason, "at": time.time(), "payload": payload.decode("utf-8", "replace")}))
        self.summary.rejected += 1

    def _join(self, token: str, sites: list[dict], recheck: dict | None) -> None:
        """A crawler joined run `token`: the run exists in the archive, with its sites saved,
        and the crawlers' revisit policy is the one pages are stored with."""
        run_id = self._run_id(token, [site["name"] for site in sites])
        if recheck:
            self.archive.use_recheck(Recheck(**recheck))
        self.archive.save_sites([SiteSettings(**site) for site in sites])
        db = self.archive.db
        with db.atomic():
            listed = self._sites(run_id)
            names = sorted(set(listed) | {site["name"] for site in sites})
            if names != sorted(listed):
                set_run_sites(db, run_id, names)

    def _run_id(self, token: str, sites: list[str] | None = None) -> int:
        if token not in self.run_ids:
            known = self.redis.hget(self.keys.runs, token)
            if known is not None:
                self.run_ids[token] = int(known)
            else:
                self.run_ids[token] = self.archive.start_run(sites or [])
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
        self.archive.commit()
        self._release()  # the run's counts include every item stored before its end
        run_id = self._run_id(token)
        sites = self._sites(run_id)
        counts = self._counts(token, sites)
        self.archive.finish_run(run_id, "finished", {site: counts.get(site, {}) for site in sites})
        self.redis.hdel(self.keys.runs, token)
        self.redis.delete(*self.keys.counted_keys(token, sites))
        del self.run_ids[token]
        publish_state(self.redis, self.keys, self.archive.db)
        self.summary.runs_finished.append(run_id)
        log.info("run %s finished; crawl state published", run_id)

    def _flush_stats(self, force: bool = False) -> None:
        if time.monotonic() - self._reported > REPORT_EVERY:
            self._reported = time.monotonic()
            log.info("stored %s items so far; %s waiting in Redis", self.summary.stored,
                     self.redis.llen(self.keys.items))
        for token, run_id in self.run_ids.items():
            if force or self.archive.flush_due(run_id):
                self.archive.flush(run_id, self._counts(token, self._sites(run_id)))

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
        self.archive.mark_interrupted(tuple(self.run_ids.values()))
