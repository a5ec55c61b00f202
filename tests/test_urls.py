import pytest
from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.request import RequestFingerprinter
from scrapy.utils.test import get_crawler

from scraper.urls import UrlKeyFingerprinter, normalize_url, url_key


@pytest.mark.parametrize("url, expected", [
    # scheme and host lower-cased; path case kept
    ("HTTP://Clinic.TEST/Blog/Post", "http://clinic.test/Blog/Post"),
    # default ports dropped, other ports kept
    ("http://clinic.test:80/a", "http://clinic.test/a"),
    ("https://clinic.test:443/a", "https://clinic.test/a"),
    ("http://127.0.0.1:8123/blog/", "http://127.0.0.1:8123/blog/"),
    ("https://clinic.test:80/a", "https://clinic.test:80/a"),
    ("http://clinic.test:443/a", "http://clinic.test:443/a"),
    # fragment dropped
    ("http://clinic.test/a#top", "http://clinic.test/a"),
    # scheme and trailing slash kept as written
    ("http://clinic.test/blog/", "http://clinic.test/blog/"),
    ("https://clinic.test/blog", "https://clinic.test/blog"),
    # other parameters kept, sorted by name then value
    ("http://clinic.test/a?b=2&a=1&a=0", "http://clinic.test/a?a=0&a=1&b=2"),
    # surrounding whitespace stripped
    ("  http://clinic.test/a \n", "http://clinic.test/a"),
    ("", ""),
])
def test_normalize_url_basics(url, expected):
    assert normalize_url(url) == expected


@pytest.mark.parametrize("param", [
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_anything",
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "_gl", "yclid",
    "igshid", "ref_src", "hsa_acc", "hsa_cam", "_hsenc", "_hsmi", "mkt_tok",
])
def test_normalize_url_removes_tracking_parameter(param):
    url = f"http://clinic.test/blog/post?page=2&{param}=abc"
    assert normalize_url(url) == "http://clinic.test/blog/post?page=2"


@pytest.mark.parametrize("param", ["source", "ref", "campaign", "session", "uid", "p", "s"])
def test_normalize_url_keeps_ordinary_parameter(param):
    url = f"http://clinic.test/blog/?{param}=x"
    assert normalize_url(url) == url


@pytest.mark.parametrize("url, expected", [
    ("https://clinic.test/blog/post/amp/", "https://clinic.test/blog/post/"),
    ("https://clinic.test/blog/post/amp", "https://clinic.test/blog/post"),
    ("https://clinic.test/blog/post/print/", "https://clinic.test/blog/post/"),
    ("https://clinic.test/blog/post/print", "https://clinic.test/blog/post"),
    ("https://clinic.test/blog/post/?amp", "https://clinic.test/blog/post/"),
    ("https://clinic.test/blog/post/?amp=1", "https://clinic.test/blog/post/"),
    ("https://clinic.test/blog/post?outputType=amp", "https://clinic.test/blog/post"),
    ("https://clinic.test/blog/post?format=amp", "https://clinic.test/blog/post"),
    ("https://clinic.test/blog/post?print=1", "https://clinic.test/blog/post"),
    ("https://clinic.test/blog/post?print=yes", "https://clinic.test/blog/post"),
    ("https://clinic.test/blog/post/amp/?utm_source=x&page=2#c", "https://clinic.test/blog/post/?page=2"),
    ("https://clinic.test/amp/", "https://clinic.test/"),
])
def test_normalize_url_collapses_amp_and_print_variants(url, expected):
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", [
    "https://clinic.test/blog/post?format=json",
    "https://clinic.test/blog/post?print=0",
    "https://clinic.test/blog/amplifiers/",
    "https://clinic.test/amp/blog/post",
])
def test_normalize_url_keeps_look_alikes_of_variants(url):
    assert normalize_url(url) == url


@pytest.mark.parametrize("url", ["http://[bad", "  http://[bad\t", "http://clinic.test:99999/",
                                 "http://clinic.test:abc/"])
def test_normalize_url_returns_malformed_url_stripped_without_raising(url):
    assert normalize_url(url) == url.strip()


@pytest.mark.parametrize("url", [
    "http://Clinic.test/blog/post/?utm_source=x#top",
    "https://clinic.test/blog/post",
    "https://clinic.test:443/blog/post/amp/",
    "http://clinic.test/blog/post?fbclid=1",
])
def test_url_key_is_the_same_for_variants_of_one_page(url):
    assert url_key(url) == "//clinic.test/blog/post"


@pytest.mark.parametrize("url, expected", [
    ("https://clinic.test/", "//clinic.test/"),
    ("https://clinic.test", "//clinic.test/"),
    ("http://127.0.0.1:8123/blog/", "//127.0.0.1:8123/blog"),
    ("https://clinic.test/blog/?page=2", "//clinic.test/blog?page=2"),
    ("ftp://clinic.test/files/", "ftp://clinic.test/files"),
    ("http://[bad", "http://[bad"),
])
def test_url_key_format(url, expected):
    assert url_key(url) == expected


@pytest.mark.parametrize("one, other", [
    ("https://clinic.test/Blog/Post", "https://clinic.test/blog/post"),
    ("https://clinic.test/blog/post", "https://clinic.test/blog/other"),
    ("https://clinic.test/blog/?page=2", "https://clinic.test/blog/?page=3"),
    ("http://127.0.0.1:8123/blog/", "http://127.0.0.1:8124/blog/"),
])
def test_url_key_tells_different_pages_apart(one, other):
    assert url_key(one) != url_key(other)


@pytest.fixture
def fingerprinter():
    return build_from_crawler(UrlKeyFingerprinter, get_crawler())


def test_fingerprinter_treats_url_key_variants_as_one_request(fingerprinter):
    post = fingerprinter.fingerprint(Request("http://clinic.test/post"))
    assert isinstance(post, bytes)
    assert fingerprinter.fingerprint(Request("http://clinic.test/post/?utm_medium=x")) == post
    assert fingerprinter.fingerprint(Request("https://clinic.test/post")) == post
    assert fingerprinter.fingerprint(Request("http://clinic.test/other")) != post


def test_fingerprinter_falls_back_to_scrapy_for_other_methods_and_bodies(fingerprinter):
    scrapy_default = RequestFingerprinter()
    for request in [Request("http://clinic.test/post", method="POST", body=b"q=1"),
                    Request("http://clinic.test/post", method="HEAD"),
                    Request("http://clinic.test/post", body=b"q=1"),
                    Request("http://clinic.test/post/", meta={"verbatim_url": True})]:
        assert fingerprinter.fingerprint(request) == scrapy_default.fingerprint(request)
    head = fingerprinter.fingerprint(Request("http://clinic.test/post", method="HEAD"))
    assert head != fingerprinter.fingerprint(Request("http://clinic.test/post"))


def test_dupefilter_with_fingerprinter_setting_drops_variants():
    crawler = get_crawler(settings_dict={"REQUEST_FINGERPRINTER_CLASS": "scraper.urls.UrlKeyFingerprinter"})
    assert isinstance(crawler.request_fingerprinter, UrlKeyFingerprinter)
    dupefilter = RFPDupeFilter.from_crawler(crawler)
    assert not dupefilter.request_seen(Request("http://clinic.test/post"))
    assert dupefilter.request_seen(Request("https://clinic.test/post/?utm_medium=x#top"))
    assert dupefilter.request_seen(Request("http://clinic.test/post/amp/"))
    assert not dupefilter.request_seen(Request("http://clinic.test/other"))
