"""The crawl's links come from extraction's tree (archive.extract.frontier): they must be the
links Scrapy's LinkExtractor gave the crawl before, on the bundled sites and on real pages."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor

from archive.extract import read_page
from archive.extract.frontier import IGNORED_EXTENSIONS as OURS
from archive.extract.frontier import page_links
from archive.extract.page import parse_page
from clinic_archive.sample_sites import SAMPLES_DIR

WCXB = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "wcxb-dev" / "html"


def scrapy_links(body: bytes, url: str) -> list[str]:
    response = HtmlResponse(url, body=body, encoding="utf-8")
    return [link.url for link in LinkExtractor(unique=True).extract_links(response)]


def sample_pages() -> list[Path]:
    return sorted(path for path in SAMPLES_DIR.rglob("*.html"))


def test_files_are_skipped_as_scrapy_skips_them():
    assert OURS == {"." + extension for extension in IGNORED_EXTENSIONS}


@pytest.mark.parametrize("path", sample_pages(), ids=lambda p: str(p.relative_to(SAMPLES_DIR)))
def test_links_of_the_bundled_pages_are_scrapys(path):
    body = path.read_bytes()
    url = "http://127.0.0.1:8000/" + path.relative_to(SAMPLES_DIR).as_posix()
    assert list(page_links(parse_page(body, url)).links) == scrapy_links(body, url)


def test_links_of_real_pages_are_scrapys():
    pages = sorted(WCXB.glob("*.html.gz"))[:300] if WCXB.is_dir() else []
    if not pages:
        pytest.skip("the WCXB development pages are not beside the repository")
    bodies = {path.name: gzip.decompress(path.read_bytes()) for path in pages}
    url = "https://site.test/a/b/"
    differ = [name for name, body in bodies.items()
              if list(page_links(parse_page(body, url)).links) != scrapy_links(body, url)]
    assert len(differ) <= len(pages) // 100, differ  # parsers may disagree on a broken page or two


def test_feeds_api_root_and_attachments_are_read_with_the_links():
    html = b"""<html><head><base href="https://c.test/blog/">
      <link rel="alternate" type="application/rss+xml" title="Clinic Feed" href="feed/">
      <link rel="https://api.w.org/" href="https://c.test/wp-json/"></head>
      <body><article><h1>Knee pain</h1><p>Text.</p>
      <a href="knee/" rel="attachment wp-att-9">photo</a><a href="report.pdf">pdf</a>
      <a href=" mailto:x@c.test">mail</a><a href="knee/">again</a></article></body></html>"""
    _, links = read_page(html, "https://c.test/blog/knee-pain/", links=True)
    assert links.links == ("https://c.test/blog/knee/",)
    assert links.attachments == {"https://c.test/blog/knee/"}
    assert links.feeds == (("https://c.test/blog/feed/", "Clinic Feed"),)
    assert links.wp_api == "https://c.test/wp-json/"
