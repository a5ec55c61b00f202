"""Site profiles: what a site's own pages teach extraction (repeated blocks, post templates)."""

import asyncio

import sqlite_utils

from archive.extract import SiteProfile, extract
from archive.extract.profile import LearnedPage, body_blocks, learn_profile
from archive.records import Article
from archive.serve import make_datasette
from tests.conftest import run_cli

PITCH = "Our team at Front Range Spine sees patients six days a week in Denver and Boulder."
TOPICS = ["knee pain after running", "tennis elbow at work", "shoulder pain when lifting", "low back pain in the morning"]


def post(topic: str, extra: str = "", body_class: str = "single single-post postid-7", marked: bool = True,
         weeks: int = 5) -> str:
    paragraphs = "".join(f"<p>In week {n}, {topic} usually eases when the load is changed step by step and "
                         f"the tissue is given time to adapt to what we ask of it.</p>" for n in range(1, weeks + 1))
    head = "<meta property='og:type' content='article'>" if marked else ""
    return (f"<html><head><title>All about {topic}</title>{head}</head><body class='{body_class}'>"
            f"<article><h1>All about {topic}</h1><div class='entry-content'>{paragraphs}{extra}</div></article>"
            "</body></html>")


def learned(pages) -> SiteProfile:
    results = [extract(html, f"https://clinic.test/blog/{n}/") for n, html in enumerate(pages)]
    return learn_profile(LearnedPage(r.template, isinstance(r, Article),
                                     body_blocks(r.body_text) if isinstance(r, Article) else ()) for r in results)


def test_a_block_most_posts_repeat_leaves_the_body_with_its_empty_heading():
    extra = f"<h2>Visit us</h2><p>{PITCH}</p>"
    profile = learned([post(topic, extra) for topic in TOPICS])
    assert profile.boilerplate == {"our team at front range spine sees patients six days a week in denver and boulder"}
    article = extract(post("hip pain on stairs", extra), "https://clinic.test/blog/hip/", profile=profile)
    assert PITCH not in article.body_text and "Visit us" not in article.body_text
    assert "hip pain on stairs usually eases" in article.body_text
    assert "Visit us" not in article.body_markdown and [s.heading for s in article.sections] == [None]
    # without the profile the block stays: nothing else knows it repeats
    assert PITCH in extract(post("hip pain on stairs", extra), "https://clinic.test/blog/hip/").body_text


def test_too_few_posts_teach_nothing():
    profile = learned([post(topic, f"<p>{PITCH}</p>") for topic in TOPICS[:2]])
    assert profile.boilerplate == frozenset() and profile.template_posts(next(iter(profile.templates))) is None


def test_a_page_on_a_template_of_posts_is_a_post_without_markup():
    profile = learned([post(topic) for topic in TOPICS])
    short = post("hip pain", marked=False, weeks=3)  # unmarked, undated, 75 words: alone, no post
    assert extract(short, "https://clinic.test/blog/hip/").kind == "other"
    article = extract(short, "https://clinic.test/blog/hip/", profile=profile)
    assert article.kind == "article"
    assert article.reason.startswith("4 of the site's 4 pages on this template are posts")
    # another template (a WordPress page) learns nothing from the posts
    page = extract(post("hip pain", marked=False, body_class="page page-id-9"), "https://clinic.test/hip/",
                   profile=profile)
    assert page.kind == "other"


def test_a_crawl_learns_the_profile_and_reprocess_applies_it(own_sites):
    site = "frontrange-spine"
    for index in (own_sites.root / site / "blog").glob("*/index.html"):
        html = index.read_text()
        if "elementor-widget-theme-post-content" in html:
            start = html.index("elementor-widget-theme-post-content")
            container = html.index('<div class="elementor-widget-container">', start) + len('<div class="elementor-widget-container">')
            index.write_text(html[:container] + f"<p>{PITCH}</p>" + html[container:])
    assert own_sites.crawl(sites_file=own_sites.sites_file(only=[site])).returncode == 0
    db = sqlite_utils.Database(own_sites.db)
    [profile] = db.query("select pages, posts, boilerplate_blocks, post_templates from site_profiles")
    assert profile["posts"] == 7 and profile["boilerplate_blocks"] == 1 and profile["post_templates"] >= 1
    assert db.execute("select count(*) from articles where body_text like ?", [f"%{PITCH}%"]).fetchone()[0] == 7
    health = asyncio.run(make_datasette(own_sites.db).client.get("/archive/-/health")).text
    assert "What each site&#39;s pages taught" in health or "What each site's pages taught" in health
    assert "our team at front range spine sees patients" in health and "single-post" in health
    assert run_cli("reprocess", "--db", str(own_sites.db)).returncode == 0
    assert db.execute("select count(*) from articles where body_text like ?", [f"%{PITCH}%"]).fetchone()[0] == 0
    [(versions,)] = db.execute("select count(*) from article_versions where source = 're-extraction'").fetchall()
    assert versions == 7  # each post's body changed by the extractor, not by the site


def test_a_run_that_stores_nothing_new_does_not_learn_again(own_sites):
    site = "frontrange-spine"
    assert own_sites.crawl(sites_file=own_sites.sites_file(only=[site])).returncode == 0
    db = sqlite_utils.Database(own_sites.db)
    db.execute("update site_profiles set learned_at = 'then'")
    db.conn.commit()
    assert own_sites.crawl("--recheck-all", sites_file=own_sites.sites_file(only=[site])).returncode == 0
    # every page came back unchanged: nothing new to learn from, so the profile was not re-read
    assert db.execute("select learned_at from site_profiles").fetchall() == [("then",)]
