"""The two baselines of issue 17, run as `python bench/baseline_spiders.py bare|naive ROBOTS_URL DB OUT`.

bare: sitemap to posts, links parsed, nothing stored. naive: trafilatura.extract in the callback,
one SQLite insert and commit per page. Both write {"pages": N, "first": t, "last": t} to OUT, the
wall-clock times (time.time()) of the first and last post response.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time

import trafilatura
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import SitemapSpider

SETTINGS = {"CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": True,
            "TELNETCONSOLE_ENABLED": False}


class BareSpider(SitemapSpider):
    name = "bare"
    sitemap_rules = [("/blog/", "parse_post")]

    def __init__(self, robots: str, db: str, **kwargs):
        super().__init__(**kwargs)
        self.sitemap_urls = [robots]
        self.db_path = db
        self.times: list[float] = []

    def parse_post(self, response):
        self.times.append(time.time())
        LinkExtractor().extract_links(response)
        return []


class NaiveSpider(BareSpider):
    name = "naive"

    def start_requests(self):
        self.db = sqlite3.connect(self.db_path)
        self.db.execute("create table if not exists pages (url text primary key, text text)")
        return super().start_requests()

    def parse_post(self, response):
        self.times.append(time.time())
        text = trafilatura.extract(response.text)
        self.db.execute("insert or replace into pages values (?, ?)", (response.url, text))
        self.db.commit()
        return []


def main(kind: str, robots: str, db: str, out: str) -> None:
    spider = {"bare": BareSpider, "naive": NaiveSpider}[kind]
    process = CrawlerProcess(SETTINGS)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, robots=robots, db=db)
    process.start()
    times = crawler.spider.times
    with open(out, "w") as file:
        json.dump({"pages": len(times), "first": min(times, default=0), "last": max(times, default=0)}, file)


if __name__ == "__main__":
    main(*sys.argv[1:])
