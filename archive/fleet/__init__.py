"""The archive's side of a distributed crawl: Redis key names, crawl state, the ingester.

Crawlers (scraper.fleet) share a frontier in Redis and push what they fetch there; one
ingester drains it into the SQLite archive, its only writer. This package never imports
Scrapy; it needs the `redis` client from the `distributed` extra.
"""
