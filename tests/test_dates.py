"""Published dates on pages our own rules can't date, and which date a post's page means."""

import pytest

from archive.extract import extract
from archive.records import Article

PARAGRAPH = "<p>" + "Knee pain after running usually settles with a few weeks of load management. " * 6 + "</p>"


def marked_post(shown: str = "", head: str = "", after: str = "") -> str:
    """A post marked og:type article: `head` in its <head>, `shown` between its h1 and its text,
    `after` after its <article>."""
    return ("<html><head><meta property='og:type' content='article'>" + head + "</head><body><article>"
            "<h1>Why knees hurt after a run</h1>" + shown + PARAGRAPH * 4 + "</article>" + after + "</body></html>")


def test_unmarked_prose_without_a_byline_gets_htmldates_reading_of_its_date():
    # No markup, no byline, no date our rules read: kept for its prose, dated by htmldate.
    html = ("<html><body><h1>Why knees hurt after a run</h1><p class='entry-date'>2021/03/12</p>"
            + PARAGRAPH * 4 + "</body></html>")
    result = extract(html, "https://clinic.test/blog/knee-pain-running/")
    assert isinstance(result, Article)
    assert (result.published.value, result.published.source) == ("2021-03-12", "htmldate")


@pytest.mark.parametrize("shown, day", [
    ("19. Oktober 2019", "2019-10-19"), ("12.03.2021", "2021-03-12"), ("Publié le 21 juin 2018", "2018-06-21"),
    ("7 de mayo de 2022", "2022-05-07"), ("3. April 2020", "2020-04-03"),
])
def test_a_date_shown_in_german_french_or_spanish_is_the_posts(shown, day):
    html = ("<html><body><h1>Warum das Knie nach dem Laufen schmerzt</h1><p class='datum'>" + shown + "</p>"
            + PARAGRAPH * 4 + "</body></html>")
    result = extract(html, "https://praxis.test/blog/knie/")
    assert isinstance(result, Article), result.reason
    assert (result.published.value, result.published.source) == (day, "visible")


def test_a_date_in_words_of_the_posts_language_is_read_though_the_template_declares_english():
    # htmldate's free-text dates go to dateparser in the page's languages only (date_guess.py):
    # the text's Spanish counts beside the declared lang="en" many templates print everywhere.
    paragraph = "<p>" + "El dolor de rodilla después de correr suele mejorar con unas semanas de ajuste. " * 6 + "</p>"
    html = ("<html lang='en'><head><meta property='og:type' content='article'></head><body><article>"
            "<h1>Por qué duele la rodilla al correr</h1>" + paragraph * 4 + "</article>"
            "<footer><p>Viernes, 22 de Abril de 2022</p></footer></body></html>")
    result = extract(html, "https://clinica.test/blog/rodilla/")
    assert (result.published.value, result.published.source) == ("2022-04-22", "htmldate")


def test_a_date_written_only_in_the_text_is_found_by_htmldates_extensive_search():
    html = marked_post("<p>Written by our team on 12 March 2021.</p>")
    result = extract(html, "https://clinic.test/blog/knee-pain-running/")
    assert (result.published.value, result.published.source) == ("2021-03-12", "htmldate")


def test_a_utc_timestamp_a_day_after_the_urls_date_is_the_urls_local_day():
    html = marked_post(head="<meta property='article:published_time' content='2025-12-19T03:05:00+00:00'>")
    result = extract(html, "https://clinic.test/2025/12/18/knee-pain-running/")
    assert (result.published.value, result.published.source) == ("2025-12-18", "url")
    # A date further from the URL's is not a time zone's doing: the metadata stands.
    result = extract(html, "https://clinic.test/2025/12/10/knee-pain-running/")
    assert (result.published.value, result.published.source) == ("2025-12-19T03:05:00+00:00", "meta")
    result = extract(html, "https://clinic.test/2025/02/30/knee-pain-running/")
    assert result.published.source == "meta"


def declared_post(published: str, shown: str) -> str:
    return ("<html><head><script type='application/ld+json'>{\"@context\": \"https://schema.org\", "
            "\"@type\": \"BlogPosting\", \"headline\": \"Why knees hurt after a run\", "
            f"\"datePublished\": \"{published}\"}}</script></head><body><article>"
            f"<h1>Why knees hurt after a run</h1>{shown}" + PARAGRAPH * 4 + "</article></body></html>")


def test_a_date_shown_days_before_the_declared_one_is_when_the_post_was_published():
    # Webflow and Next.js sites rewrite datePublished when they republish; the page shows the first date.
    html = declared_post("2025-06-24T10:00:00+00:00", "<div class='text__date'>August 25, 2024</div>")
    result = extract(html, "https://clinic.test/blog/knee-pain-running/")
    assert (result.published.value, result.published.source) == ("2024-08-25", "visible")


def test_a_date_shown_a_day_before_the_declared_one_is_a_time_zone_and_the_metadata_stands():
    html = declared_post("2025-06-24T03:00:00+00:00", "<div class='text__date'>June 23, 2025</div>")
    result = extract(html, "https://clinic.test/blog/knee-pain-running/")
    assert (result.published.value, result.published.source) == ("2025-06-24T03:00:00+00:00", "json-ld")


def test_comment_and_teaser_card_dates_are_not_the_posts():
    for other in ("<div class='ast-comment-meta'>Jess Jones November 15, 2022 at 7:03 am</div>",
                  "<a class='PostCard_card'><p class='PostCard_dateReadText'>May 8, 2024 | 12 min read</p></a>"):
        html = declared_post("2025-09-12", other)
        result = extract(html, "https://clinic.test/blog/knee-pain-running/")
        assert (result.published.value, result.published.source) == ("2025-09-12", "json-ld")


def test_a_scholarly_citation_date_in_meta_is_the_published_date():
    html = marked_post("<p class='post-meta'>Comments: December 12, 2025</p>",
                       head="<meta name='citation_publication_date' content='2019/1/22'>")
    result = extract(html, "https://clinic.test/p/knee-pain-running")
    assert (result.published.value, result.published.source) == ("2019-01-22", "meta")


def test_a_date_standing_alone_just_under_the_heading_is_shown_with_the_post():
    # Headless CMS themes print it in a bare <p>, with no date class.
    shown = "<div class='flex gap-xs'><p>January 31, 2024</p></div>"
    result = extract(declared_post("2025-11-05", shown), "https://clinic.test/resources/knee-pain-running")
    assert (result.published.value, result.published.source) == ("2024-01-31", "visible")
    unmarked = ("<html><body><h1>Why knees hurt after a run</h1>" + shown + PARAGRAPH * 4 + "</body></html>")
    result = extract(unmarked, "https://clinic.test/resources/knee-pain-running")
    assert isinstance(result, Article)
    assert (result.published.value, result.published.source) == ("2024-01-31", "visible")
    # Far below the heading, a bare date is some other thing's.
    result = extract(declared_post("2025-11-05", PARAGRAPH * 30 + shown),
                     "https://clinic.test/resources/knee-pain-running")
    assert result.published.source == "json-ld"


def test_yoasts_webpage_node_dates_a_post_without_an_article_node():
    html = marked_post(head="<script type='application/ld+json'>{\"@context\": \"https://schema.org\", "
                       "\"@graph\": [{\"@type\": \"WebPage\", \"datePublished\": \"2025-10-15T20:15:19+00:00\", "
                       "\"dateModified\": \"2025-10-31T08:00:00+00:00\"}]}</script>")
    result = extract(html, "https://clinic.test/lists/knee-pain-running/")
    assert (result.published.value, result.published.source) == ("2025-10-15T20:15:19+00:00", "json-ld")


def test_one_element_with_a_date_either_side_of_updated_gives_both_dates():
    html = marked_post("<p class='date'>December 3, 2025. <i>Updated: December 7, 2025</i></p>")
    result = extract(html, "https://clinic.test/blog/knee-pain-running/")
    assert (result.published.value, result.published.source) == ("2025-12-03", "visible")
    assert (result.modified.value, result.modified.source) == ("2025-12-07", "visible")


def test_a_url_naming_only_the_month_takes_its_day_from_htmldate_when_the_month_agrees():
    html = marked_post("<p>Written by our team on {} 2023.</p>")
    result = extract(html.format("30 March"), "https://clinic.test/article/2023/3/knee-pain-running")
    assert (result.published.value, result.published.source) == ("2023-03-30", "htmldate")
    result = extract(html.format("30 May"), "https://clinic.test/article/2023/3/knee-pain-running")
    assert (result.published.value, result.published.source) == ("2023-03-01", "url")


def test_a_chosen_date_says_why_it_won():
    html = marked_post("<p class='post-date'>Posted March 3, 2021</p>",
                       head="<meta property='article:published_time' content='2025-06-01T10:00:00+00:00'>")
    article = extract(html, "https://clinic.test/blog/knee/")
    assert (article.published.value, article.published.source) == ("2021-03-03", "visible")
    assert article.published.why == "shown on the page 1551 days before the meta date 2025-06-01, which a republish rewrote"


def test_a_copyright_year_is_no_publication_date():
    html = marked_post(after="<footer>© 2024 Front Range Spine. All rights reserved.</footer>")
    assert extract(html, "https://clinic.test/blog/knee/").published is None


def test_a_date_above_the_heading_in_its_hero_is_shown_with_the_post():
    # Webflow and headless themes print an eyebrow (category, date) above the title.
    html = ("<html><head><meta property='og:type' content='article'></head><body>"
            "<nav><a href='/'>Home</a></nav><div class='hero'><div class='eyebrow'><div>Published</div>"
            "<div>October 14, 2025</div></div><div class='title-wrap'><h1>Why knees hurt after a run</h1></div>"
            "</div>" + PARAGRAPH * 4 + "</body></html>")
    result = extract(html, "https://clinic.test/blog/knee-pain-running")
    assert (result.published.value, result.published.source) == ("2025-10-14", "visible")


def test_a_date_beside_a_reading_time_under_the_heading_is_the_posts():
    for shown in ("<span>December 18, 2023<!-- --> ・ 3 min read</span>", "<p>7 min read · Dec 18, 2023</p>",
                  "<p>December 18, 2023 - 11 minutes</p>"):
        result = extract(declared_post("2025-11-05", shown), "https://clinic.test/blog/knee-pain-running")
        assert (result.published.value, result.published.source) == ("2023-12-18", "visible")


def shown_published(shown: str):
    """The published date of a marked post showing `shown` under its heading."""
    return extract(marked_post(shown), "https://clinic.test/blog/knee-pain-running/").published


def test_a_date_with_an_ordinal_day_is_read():
    for shown in ("January 20th, 2024 by Clinic Staff", "the 20th of January 2024"):
        published = shown_published(f"<p class='post-date'>{shown}</p>")
        assert (published.value, published.source) == ("2024-01-20", "visible")


def test_a_time_showing_the_day_before_its_utc_datetime_is_dated_by_what_it_shows():
    published = shown_published("<span><time datetime='2026-02-24T04:13:00Z'>February 23, 2026</time></span>")
    assert (published.value, published.source) == ("2026-02-23", "visible")
    assert "2026-02-24T04:13:00+00:00 is in UTC" in published.why
    # Where they agree, the datetime keeps its time.
    published = shown_published("<span><time datetime='2026-02-23T14:13:00Z'>February 23, 2026</time></span>")
    assert published.value == "2026-02-23T14:13:00+00:00"
    # Text that is itself a timestamp (German press pages print one) is read as a day too.
    published = shown_published("<time datetime='2021-10-27T19:35:36Z'>2021-10-27T20:35:36+01:00</time>")
    assert published.value == "2021-10-27T19:35:36+00:00"


def test_dates_in_a_drupal_views_list_are_other_posts():
    # Drupal's Views module renders each listed node in a .views-row, here a sidebar before the post.
    sidebar = ("<div class='view-content'><div class='views-row'><a href='/article/other'>Other post</a>"
               "<div class='views-field-field-date'><time datetime='2025-01-31T12:00:00Z' class='datetime'>"
               "01/31/2025</time></div></div></div>")
    html = ("<html><head><meta property='og:type' content='article'></head><body>" + sidebar +
            "<article><h1>Why knees hurt after a run</h1><div class='node__meta'><time datetime='2017-03-01T12:00:00Z'"
            " class='datetime'>03/01/2017</time></div>" + PARAGRAPH * 4 + "</article></body></html>")
    result = extract(html, "https://clinic.test/newsletter-article/knee-pain-running")
    assert (result.published.value[:10], result.published.source) == ("2017-03-01", "visible")


def test_a_post_declaring_only_its_modified_date_is_dated_by_it_not_by_a_teasers_date():
    teaser = "<div><p>Related</p><p>Updated October 17, 2025</p><a href='/other'>Other post</a></div>"
    html = marked_post(head="<meta property='article:modified_time' content='2025-12-11T09:00:00+00:00'>",
                       after=teaser)
    published = extract(html, "https://clinic.test/degrees/knee-pain-running/").published
    assert (published.value, published.source) == ("2025-12-11T09:00:00+00:00", "meta")
    assert published.why == "the page declares only when it was modified (meta), no published date"
