"""The archive: a served SQLite database plus a captures store beside it."""

from archive.store.captures import CaptureStore, captures_path
from archive.store.read import articles_per_site, latest_run
from archive.store.schema import open_archive
from archive.store.write import (
    article_id, finish_run, record_url, save_article, save_site, start_run, utc_now,
)

__all__ = [
    "CaptureStore", "article_id", "articles_per_site", "captures_path", "finish_run", "latest_run",
    "open_archive", "record_url",
    "save_article", "save_site", "start_run", "utc_now",
]
