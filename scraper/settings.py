"""Scrapy settings for clinic-archive: polite defaults, and every ARCHIVE_* setting.

Run with `scrapy crawl clinic_blogs -a sites=FILE -s ARCHIVE_DB=PATH`, or through
`clinic-archive crawl`, which loads this module.
"""

from scrapy.settings import default_settings as _scrapy_defaults

BOT_NAME = "clinic_archive"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

# --- our settings -----------------------------------------------------------------------
# Path of the archive database; raw captures go to <stem>.captures.db beside it.
ARCHIVE_DB = "archive.db"
# Where site owners can read about the crawler and reach us; sent in the User-Agent.
ARCHIVE_CONTACT_URL = "https://github.com/clinic-archive/clinic-archive"

# Incremental revisits: a page is due again this many seconds after a change, doubling while
# it stays unchanged, up to the maximum.
ARCHIVE_RECHECK_MIN = 24 * 3600
ARCHIVE_RECHECK_MAX = 30 * 24 * 3600
# Check every known page this run, due or not (still with conditional GETs): `crawl --recheck-all`.
ARCHIVE_RECHECK_ALL = False
# A 429/503 asking to wait longer than this (seconds) is recorded as failed, not waited for.
ARCHIVE_MAX_RETRY_AFTER = 600
# Seconds between progress lines when the crawl's output is not a terminal.
ARCHIVE_PROGRESS_INTERVAL = 30
# Set by `clinic-archive crawl`, which takes the archive lock before Scrapy starts, so the
# pipeline does not take it again.
ARCHIVE_LOCK_HELD = False

# --- distributed crawling (the `distributed` extra; see README "Distributed crawling") ---
# A Redis URL turns this crawler into one of a fleet: the frontier, per-host politeness and
# the captures go through Redis, and `clinic-archive ingest` writes the archive. ARCHIVE_DB is
# then unused.
ARCHIVE_REDIS_URL = None
# Prefix of every Redis key, so several fleets can share one Redis server.
ARCHIVE_REDIS_PREFIX = "clinic-archive"
# Seconds without a heartbeat after which a worker counts as dead and its requests go back to the queue.
ARCHIVE_FLEET_HEARTBEAT = 15.0
# This worker's name in the fleet; default host-pid.
ARCHIVE_FLEET_WORKER = None
# In a fleet, DOWNLOAD_DELAY and CONCURRENT_REQUESTS_PER_DOMAIN are the whole fleet's per host.

# --- politeness -------------------------------------------------------------------------
USER_AGENT_TEMPLATE = "clinic-archive/0.1 (+{contact})"  # a site's contact_url fills it per site
USER_AGENT = USER_AGENT_TEMPLATE.format(contact=ARCHIVE_CONTACT_URL)
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"  # reads Crawl-delay and Sitemap: lines
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0  # seconds between requests to a host, for sites with no `delay` of their own
# Scrapy's jitter goes down to half the delay; here a delay is a minimum. Newer Scrapy names
# the knob DOWNLOAD_DELAY_JITTER and warns about the old one.
if hasattr(_scrapy_defaults, "DOWNLOAD_DELAY_JITTER"):
    DOWNLOAD_DELAY_JITTER = 0
else:
    RANDOMIZE_DOWNLOAD_DELAY = False
# Hand out requests from the hosts with the fewest in flight: without it, a burst of links to
# one host fills every download slot with requests waiting on that host's delay.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
AUTOTHROTTLE_ENABLED = True
# each slot starts at its own floor (scraper.politeness), not at AUTOTHROTTLE_START_DELAY
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# --- robustness -------------------------------------------------------------------------
# Pages are read (extracted) in worker processes (archive.reading): how many (0: one per
# core), and what one page may cost before it is recorded as over budget and its worker replaced.
EXTRACTION_WORKERS = 0
EXTRACTION_TIMEOUT = 20.0  # seconds
EXTRACTION_MEMORY_MB = 1024
# Scrapy runs an async callback's output through CONCURRENT_ITEMS tasks per response (100
# by default); a page yields one capture and a few requests, and making 100 tasks for each
# was half the reactor's time at 3,000 posts.
CONCURRENT_ITEMS = 8
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_TIMES = 2
HTTPERROR_ALLOW_ALL = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening control port on unattended crawlers
LOG_LEVEL = "INFO"

# Our components act only for the clinic_blogs spider, local or fleet ones by whether
# ARCHIVE_REDIS_URL is set; each raises NotConfigured otherwise (scraper.modes). Another spider
# run in this project (`scrapy runspider`, `scrapy shell`) gets plain Scrapy.
DOWNLOADER_MIDDLEWARES = {
    "scraper.middlewares.SiteScopeMiddleware": 50,
    # Scrapy's, fixed: in 2.13+ only the first request waiting for robots.txt obeyed it.
    # Ours serves every spider but a fleet worker, whose robots.txt is fetched once per fleet.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scraper.middlewares.RobotsTxtMiddleware": 100,
    "scraper.fleet.robots.FleetRobotsTxtMiddleware": 101,
    # local: above RetryMiddleware (550), so it sees a 429's Retry-After before the retry is sent
    "scraper.politeness.PolitenessMiddleware": 560,
    # fleet: nearest the download, it paces the real request start and sees every response first
    "scraper.fleet.gate.FleetPolitenessMiddleware": 950,
}
# /post, /post/, http:// and https:// and ?utm_source=... variants are one request
REQUEST_FINGERPRINTER_CLASS = "scraper.urls.UrlKeyFingerprinter"
EXTENSIONS = {
    "scraper.progress.Progress": 500,  # local only: a fleet's counts are the ingester's
    "scraper.progress.RequestCounts": 501,
    # Scrapy's, with each site's delay as its floor (scraper.politeness); Scrapy's own for
    # other spiders, none in a fleet worker
    "scrapy.extensions.throttle.AutoThrottle": None,
    "scraper.politeness.SiteAutoThrottle": 0,
}
ITEM_PIPELINES = {
    "scraper.pipelines.ArchivePipeline": 300,  # local
    "scraper.fleet.pipeline.FleetPipeline": 300,  # fleet: captures go to Redis for `clinic-archive ingest`
}
