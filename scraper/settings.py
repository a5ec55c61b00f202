"""Scrapy settings for clinic-archive: polite defaults, and every ARCHIVE_* setting.

Run with `scrapy crawl clinic_blogs -a sites=FILE -s ARCHIVE_DB=PATH`, or through
`clinic-archive crawl`, which loads this module.
"""

BOT_NAME = "clinic_archive"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

# --- our settings -----------------------------------------------------------------------
# Path of the archive database; raw captures go to <stem>.captures.db beside it.
ARCHIVE_DB = "archive.db"
# Where site owners can read about the crawler and reach us; sent in the User-Agent.
ARCHIVE_CONTACT_URL = "https://github.com/clinic-archive/clinic-archive"

# --- politeness -------------------------------------------------------------------------
USER_AGENT = f"clinic-archive/0.1 (+{ARCHIVE_CONTACT_URL})"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# --- robustness -------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
HTTPERROR_ALLOW_ALL = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening control port on unattended crawlers
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    "scraper.middlewares.SiteScopeMiddleware": 50,
}
ITEM_PIPELINES = {
    "scraper.pipelines.ArchivePipeline": 300,
}
