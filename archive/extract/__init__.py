"""Pure extraction: HTML bytes and a URL in, an Article or a NotArticle out.

No network and no database: the crawler's extraction workers, `reprocess` and
`clinic-archive extract` all call `extract()` or `read_page()`, which also gives the crawl
the page's links from the same parse (Scrapy's link extractor, run on our tree).

The extractor (trafilatura, htmldate, extruct) loads on first use of these names, not with
the package: the crawl's own process needs only its small parts (PageLinks, SiteProfile).
"""

from __future__ import annotations

import importlib

EXTRACTOR_VERSION = "0.7.0"

_EXPORTS = {
    "extract": "archive.extract.extractor", "read_page": "archive.extract.extractor",
    "links_of": "archive.extract.extractor", "PageLinks": "archive.extract.frontier",
    "SiteProfile": "archive.extract.profile", "UnparseablePage": "archive.extract.page",
}
__all__ = ["EXTRACTOR_VERSION", *_EXPORTS]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
