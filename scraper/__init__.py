"""The crawler: the only code that imports Scrapy. It decides what to fetch and emits Captures."""
