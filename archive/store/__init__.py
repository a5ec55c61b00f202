"""The archive: a served SQLite database plus a captures store beside it."""

from archive.store.captures import CaptureStore, captures_path
from archive.store.crawlstate import (
    EVIDENCE_COLUMNS, Recheck, UrlState, add_pending, evidence_from_row, crawl_state, record_check, record_discovery_document, record_fetch_error,
    record_evidence, record_gone, record_skip, stored_evidence,
)
from archive.store.lock import ArchiveLock, ArchiveLocked
from archive.store.profiles import learned_sample, load_profiles, profile_sample, save_profile
from archive.store.read import articles_per_site, latest_run
from archive.store.schema import open_archive
from archive.store.write import (
    article_id, finish_run, mark_interrupted_runs, record_url, save_article, save_site, site_counts,
    start_run, update_run_stats, utc_now,
)

__all__ = [
    "EVIDENCE_COLUMNS", "evidence_from_row", "ArchiveLock", "ArchiveLocked", "CaptureStore", "Recheck", "UrlState", "add_pending", "article_id",
    "articles_per_site", "captures_path", "crawl_state", "finish_run", "latest_run", "learned_sample", "load_profiles",
    "profile_sample", "save_profile",
    "mark_interrupted_runs", "open_archive", "record_check", "record_discovery_document", "record_evidence", "record_fetch_error", "record_gone",
    "record_skip", "record_url", "save_article", "save_site", "site_counts", "start_run", "stored_evidence", "update_run_stats", "utc_now",
]
