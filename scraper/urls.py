"""URL normalization: the URL the crawler requests and records, and the key that says
whether two URLs are the same page.

w3lib's ``canonicalize_url`` (the same function Scrapy's default fingerprint uses) does
the heavy lifting: percent-encoding, lower-case scheme and host, sorted query, no
fragment, resolved dot segments. What is left here is the clinic-blog specific part:
default ports, tracking parameters, and AMP/print variants.

courlan's ``normalize_url`` is deliberately not used: its tracker pattern also drops
ordinary parameters (``source``, ``ref``, ``campaign``, ``session``, ``uid``), it keeps
fragments, and it turns punycode hosts into Unicode.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from scrapy.utils.misc import build_from_crawler
from scrapy.utils.request import RequestFingerprinter
from w3lib.url import canonicalize_url

from archive.extract.vocab import TRACKING_PARAMS, TRACKING_PREFIXES

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.utils.request import RequestFingerprinterProtocol

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}


# Query parameter -> the values that ask for an AMP or print rendering of the article.
# ``?amp`` arrives from canonicalize_url as ``amp=``, hence the empty value.
VARIANT_PARAMS = {
    "amp": frozenset({"", "1"}),
    "outputtype": frozenset({"amp"}),
    "format": frozenset({"amp"}),
    "print": frozenset({"1", "yes"}),
}
# A last path segment that asks for the AMP or print rendering: /post/amp/, /post/print.
VARIANT_SEGMENTS = frozenset({"amp", "print"})

WEB_SCHEMES = frozenset({"http", "https"})


@functools.lru_cache(maxsize=1 << 16)  # pages share their menus and footers: most links recur
def normalize_url(url: str) -> str:
    """Return the URL the crawler should request and record for ``url``.

    - scheme and host lower-cased, ``:80``/``:443`` dropped for http/https, other ports kept;
    - fragment dropped; path and query percent-encoded as w3lib's canonicalize_url does
      (``?amp`` becomes ``?amp=``, dot segments are resolved);
    - tracking parameters (``utm_*``, ``hsa_*``, ``fbclid``, ``gclid``, ... see
      ``TRACKING_PARAMS``) removed, every other parameter kept, sorted by name then value;
    - AMP and print variants collapsed to the article: a last path segment ``amp`` or
      ``print``, and ``?amp``, ``?amp=1``, ``?outputType=amp``, ``?format=amp``,
      ``?print=1``, ``?print=yes``;
    - the scheme (http stays http) and the trailing slash are kept as written.

    Never raises: a URL that cannot be parsed is returned stripped of surrounding
    whitespace and otherwise unchanged.

    Example::

        >>> normalize_url("HTTPS://Clinic.test:443/blog/post/amp/?utm_source=x&b=2&a=1#top")
        'https://clinic.test/blog/post/?a=1&b=2'
    """
    url = url.strip()
    if not url:
        return url  # canonicalize_url would turn "" into "/"
    try:
        parts = urlsplit(canonicalize_url(url))
        netloc = _drop_default_port(parts.scheme, parts.netloc, parts.port)
    except ValueError as error:  # UnicodeError is a ValueError too
        log.debug("left unparseable URL as it is: %s (%s)", url, error)
        return url
    path = _drop_variant_segment(parts.path)
    query = "&".join(pair for pair in parts.query.split("&") if pair and _keeps(pair))
    return urlunsplit((parts.scheme, netloc, path, query, ""))


@functools.lru_cache(maxsize=1 << 16)
def url_key(url: str) -> str:
    """Return the identity of the page at ``url``: equal keys mean the same page.

    The key is ``normalize_url(url)`` without its ``http:``/``https:`` scheme and without
    trailing slashes on the path (the root path stays ``/``), so it has the form
    ``//host[:port]/path[?query]``. Nothing else is lower-cased: paths are case-sensitive.
    Other schemes (``ftp:``, ``file:``) are kept, so they never share a key with a web page.

    Example::

        >>> url_key("http://Clinic.test/blog/post/?utm_source=x#top")
        '//clinic.test/blog/post'
        >>> url_key("https://clinic.test/blog/post")
        '//clinic.test/blog/post'
    """
    normalized = normalize_url(url)
    try:
        parts = urlsplit(normalized)
    except ValueError:
        return normalized
    scheme = "" if parts.scheme in WEB_SCHEMES else parts.scheme
    path = parts.path
    if path.endswith("/"):
        path = path.rstrip("/") or "/"
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))


class UrlKeyFingerprinter:
    """Scrapy request fingerprinter that treats URLs with the same ``url_key`` as one request.

    With ``REQUEST_FINGERPRINTER_CLASS = "scraper.urls.UrlKeyFingerprinter"`` the
    dupefilter (and HTTP cache) see ``/post``, ``/post/``, http and https, and
    tracking-parameter variants as the same GET request. Requests that are not a plain
    GET (other methods, a body, or ``verbatim_url`` in meta) go to Scrapy's default
    fingerprinter, since their identity depends on more than the URL.
    """

    def __init__(self, fallback: RequestFingerprinterProtocol | None = None):
        self.fallback = fallback if fallback is not None else RequestFingerprinter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlKeyFingerprinter:
        return cls(fallback=build_from_crawler(RequestFingerprinter, crawler))

    def fingerprint(self, request: Request) -> bytes:
        if request.method != "GET" or request.body or request.meta.get("verbatim_url"):
            return self.fallback.fingerprint(request)
        data = json.dumps({"method": request.method, "url_key": url_key(request.url)})
        # Same digest as Scrapy's own fingerprints, so HTTP cache paths look alike.
        return hashlib.sha1(data.encode(), usedforsecurity=False).digest()


def _drop_default_port(scheme: str, netloc: str, port: int | None) -> str:
    if port is not None and DEFAULT_PORTS.get(scheme) == port:
        return netloc.rpartition(":")[0]
    return netloc


def _drop_variant_segment(path: str) -> str:
    """``/post/amp/`` -> ``/post/`` and ``/post/print`` -> ``/post``: the slash stays as written."""
    if not path.startswith("/"):
        return path
    trailing_slash = "/" if path.endswith("/") else ""
    parent, _, last = path.removesuffix("/").rpartition("/")
    if last in VARIANT_SEGMENTS:
        return (parent + trailing_slash) or "/"
    return path


def _keeps(pair: str) -> bool:
    """Whether a ``name=value`` query pair (percent-encoded, from canonicalize_url) stays."""
    name, _, value = pair.partition("=")
    name = name.lower()
    if name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES):
        return False
    return value.lower() not in VARIANT_PARAMS.get(name, ())
