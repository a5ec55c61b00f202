"""clinic-archive: everything after the fetch. Never imports Scrapy.

Names load on first use, not with the package: the crawl's process imports the records and
the store, and leaves the extractor to its worker processes.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "Archive": "archive.archive", "EXTRACTOR_VERSION": "archive.extract", "UnparseablePage": "archive.extract",
    **dict.fromkeys(("Article", "Capture", "DateValue", "NotArticle", "Person"), "archive.records"),
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
