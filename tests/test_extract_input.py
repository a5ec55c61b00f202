"""Bad input gets a clear, typed outcome, never a crash."""

import pytest

from archive.extract import UnparseablePage, extract
from archive.records import Article, NotArticle

POST = """<html lang="en"><head><title>Knee pain | Clinic</title>
<meta property="og:type" content="article"><meta property="article:published_time" content="2024-05-01">
</head><body><article><h1>Knee pain</h1><p class="byline">By Sarah Lee, PT, DPT</p>
<div class="entry-content">{body}</div></article></body></html>"""
BODY = "<p>" + "Knee osteoarthritis responds to strengthening exercise and weight loss. " * 30 + "</p>"


def test_xhtml_with_encoding_declaration_is_parsed():
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + POST.format(body=BODY)
    result = extract(html, "https://clinic.test/blog/knee/")
    assert isinstance(result, Article) and result.title == "Knee pain"


def test_latin1_page_is_decoded():
    html = POST.format(body=BODY.replace("exercise", "exercice à domicile")).replace(
        "<head>", '<head><meta charset="iso-8859-1">').encode("latin-1")
    result = extract(html, "https://clinic.test/blog/knee/")
    assert "exercice à domicile" in result.body_text


@pytest.mark.parametrize("data, reason", [
    (b"", "page is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "page looks binary (NUL bytes), not HTML"),
    (b"<html>" + b"x" * (8 * 1024 * 1024 + 1), "over the 8388608 byte limit"),
])
def test_unusable_input_raises_unparseable_with_reason(data, reason):
    with pytest.raises(UnparseablePage, match=reason.replace("(", r"\(").replace(")", r"\)")):
        extract(data, "https://clinic.test/x")


def test_page_without_article_markup_is_other_with_reason():
    result = extract("<html><body><h1>Our services</h1><p>" + "We treat knees. " * 100 + "</p></body></html>",
                     "https://clinic.test/services/")
    assert isinstance(result, NotArticle)
    assert (result.kind, result.reason) == ("other", "no article markup (JSON-LD Article/BlogPosting, og:type article)")


def test_malformed_html_still_extracts():
    html = POST.format(body=BODY.replace("</p>", "")) + "<div><span><b>unclosed"
    result = extract(html, "https://clinic.test/blog/knee/")
    assert isinstance(result, Article) and result.authors[0].credentials == ["PT", "DPT"]
