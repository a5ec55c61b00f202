"""Run the clinic_blogs spider in this process, with our settings module."""

from __future__ import annotations

from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from scraper.sites import load_sites


def crawl_settings(db_path: str | Path, overrides: dict[str, str] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    settings.set("ARCHIVE_DB", str(db_path), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(sites_path: str | Path, db_path: str | Path,
              overrides: dict[str, str] | None = None) -> dict:
    """Crawl every configured site into the archive; returns the crawl's Scrapy stats.

    Validates the sites file first, so a bad config fails before any request is made.
    Can run once per process (Twisted's reactor cannot restart).
    """
    load_sites(sites_path)
    process = CrawlerProcess(crawl_settings(db_path, overrides))
    crawler = process.create_crawler("clinic_blogs")
    process.crawl(crawler, sites=str(sites_path))
    process.start()
    return crawler.stats.get_stats()
