"""The archive: a served SQLite database plus a captures store beside it."""

from archive.store.batch import Batch
from archive.store.captures import CaptureStore, captures_path
from archive.store.crawlstate import (
    EVIDENCE_COLUMNS,
    FetchDecision,
    Recheck,
    SitePlan,
    UrlState,
    add_pending,
    crawl_state,
    evidence_from_row,
    fetch_decision,
    reads_as_before,
    record_check,
    record_discovery_document,
    record_evidence,
    record_fetch_error,
    record_gone,
    record_skip,
    site_plan,
    stored_evidence,
    validators,
)
from archive.store.duplicates import mark_for_grouping, mark_unindexed
from archive.store.kinds import NO_READING, NOT_READ, PAGES, UNFETCHED, UrlKind
from archive.store.lock import ArchiveLock, ArchiveLocked
from archive.store.profiles import learned_sample, load_profiles, profile_sample, save_profile
from archive.store.read import articles_per_site, latest_run
from archive.store.schema import fold_wal, open_archive
from archive.store.write import (
    Fetch,
    article_id,
    finish_run,
    mark_interrupted_runs,
    record_reading,
    record_url,
    save_article,
    save_site,
    save_wp_api,
    set_run_sites,
    site_counts,
    start_run,
    update_run_stats,
    utc_now,
)

__all__ = [
    "SitePlan", "site_plan", "FetchDecision", "fetch_decision", "validators", "Batch",
    "add_pending", "ArchiveLock", "ArchiveLocked", "article_id", "articles_per_site", "captures_path", "CaptureStore",
    "crawl_state", "EVIDENCE_COLUMNS", "evidence_from_row", "Fetch", "finish_run", "fold_wal", "latest_run",
    "learned_sample", "load_profiles", "mark_for_grouping", "mark_interrupted_runs", "mark_unindexed",
    "NO_READING", "NOT_READ", "open_archive", "PAGES",
    "profile_sample", "reads_as_before", "Recheck", "record_check", "record_discovery_document", "record_evidence",
    "record_fetch_error",
    "record_gone", "record_reading", "record_skip", "record_url", "save_article",
    "save_profile", "save_site", "save_wp_api", "set_run_sites", "site_counts", "start_run", "stored_evidence",
    "UNFETCHED", "update_run_stats", "UrlKind", "UrlState", "utc_now"
]
