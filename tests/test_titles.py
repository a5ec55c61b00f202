"""The title as the page shows it, confirmed by its metadata, without site names, dates or labels."""

import pytest

from archive.extract import extract

BODY = "<p>" + "Knee pain after running often settles with changed training and strength work. " * 12 + "</p>"


def post(head: str, headings: str) -> str:
    return (f"<html><head>{head}<meta property='og:type' content='article'></head><body>"
            f"<header><a href='/'>Logo</a></header><main>{headings}{BODY}</main></body></html>")


@pytest.mark.parametrize("head, headings, title", [
    # a blog that prints its own name as the h1 and the post's title as an h2
    ("<title>Why Knees Hurt After Long Runs</title>", "<h1>Antoyo's Blog</h1><h2>Why Knees Hurt After Long Runs</h2>",
     "Why Knees Hurt After Long Runs"),
    # a sole h1 of a real title is not displaced by an h2 the og:title happens to start with
    ("<meta property='og:title' content='What is runner knee - a guided introduction'>",
     "<h1>An introduction to runner's knee: what patients need to know</h1><h2>What is runner knee?</h2>",
     "An introduction to runner's knee: what patients need to know"),
    # a date before the title, a "Blog:" label, a site name after it
    ("<meta property='og:title' content='Preparing for your first knee injection'>",
     "<h1>Dec 18 2025 Preparing for your first knee injection</h1>", "Preparing for your first knee injection"),
    ("<meta property='og:title' content='Best knee braces for runners in 2025'>",
     "<h1>Blog: Best knee braces for runners in 2025</h1>", "Best knee braces for runners in 2025"),
    ("<meta property='og:title' content='Knee care tips for runners in 2025'>",
     "<h1>Knee care tips for runners in 2025 – Artlyst</h1>", "Knee care tips for runners in 2025"),
    ("<meta property='og:site_name' content='Front Range'>"
     "<meta property='og:title' content='Returning to running after a knee injection - Front Range'>",
     "<h1>Returning to running after a knee injection - Front Range</h1>", "Returning to running after a knee injection"),
    # a heading that goes on with real words is the title, not the shorter og:title
    ("<meta property='og:title' content='Best knee braces for runners'>",
     "<h1>Best knee braces for runners, reviewed by a physio</h1>", "Best knee braces for runners, reviewed by a physio"),
    ("<meta property='og:title' content='Mobile knee care: the ultimate guide'>",
     "<h1>2025 Mobile knee care: the ultimate guide</h1>", "2025 Mobile knee care: the ultimate guide"),
    # no heading at all: the <title> and og:title without the trailer they share
    ("<title>The Ultimate Knee Care Checklist | Bridgestone Clinics</title>"
     "<meta property='og:title' content='The Ultimate Knee Care Checklist | Bridgestone Clinics'>", "",
     "The Ultimate Knee Care Checklist"),
])
def test_title(head, headings, title):
    article = extract(post(head, headings), "https://clinic.test/blog/knee/")
    assert article.title == title
