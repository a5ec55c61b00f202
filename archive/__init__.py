"""clinic-archive: everything after the fetch. Never imports Scrapy."""

from archive.archive import Archive
from archive.extract import EXTRACTOR_VERSION, UnparseablePage, extract
from archive.records import Article, Capture, DateValue, NotArticle, Person

__all__ = [
    "Archive", "Article", "Capture", "DateValue", "EXTRACTOR_VERSION", "NotArticle", "Person",
    "UnparseablePage", "extract",
]
