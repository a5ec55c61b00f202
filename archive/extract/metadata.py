"""Page metadata as fallback chains: JSON-LD, then OpenGraph/<meta>, then visible text.

Each small function returns None when its source has nothing.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
import warnings
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import py3langid
from dateutil import parser as dateparser

from archive.extract import vocab
from archive.extract.page import Page, jsonld_types, text_of
from archive.extract.regions import Elsewhere
from archive.records import DateValue

_FOREIGN_MONTH = "(?:" + "|".join(sorted(vocab.MONTH_NUMBERS, key=len, reverse=True)) + ")"
# "19. Oktober 2019", "21 juin 2018", "7 de mayo de 2022"; and "19.10.2019", day first as
# everywhere dots separate a date's numbers.
_FOREIGN_DATE = re.compile(rf"(?P<day>\d{{1,2}})(?:\.|er)?\s+(?:de\s+)?(?P<month>{_FOREIGN_MONTH})\.?,?\s+(?:de\s+)?"
                           rf"(?P<year>\d{{4}})|(?P<nday>\d{{1,2}})\.\s?(?P<nmonth>\d{{1,2}})\.\s?(?P<nyear>\d{{4}})",
                           re.IGNORECASE)
_DATE_IN_TEXT = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}(?:T[\d:.+\-Z]+)?"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*,? \d{4}"
    rf"|(?i:{_FOREIGN_DATE.pattern}))\b"
)
_DATE_IN_URL = re.compile(r"/(20\d{2}|19\d{2})/(\d{1,2})/(?:(\d{1,2})/)?")
DATE_UNDER_HEADING_ELEMENTS = 30  # elements after the <h1> in document order
# Elements before the <h1>, inside its grandparent: a hero's eyebrow (category, date) above the
# title. On WCXB dev the post's date stands 1 to 4 elements above the h1 on 5 pages.
DATE_ABOVE_HEADING_ELEMENTS = 8
# A reading time printed beside a post's date: "· 3 min read", "- 11 minutes", "7 min read·".
_READING_TIME = re.compile(r"\s*[·•|・,–—-]?\s*\d+\s*min(?:ute)?s?\.?(?:\s+(?:to\s+)?read)?\s*[·•|・,–—-]?\s*", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·»]\s+")
_SUFFIX_SEPARATOR = re.compile(r"\s+[|\-–—•·»]\s+")
# What follows a title in a heading (" | Site", ", December 2025", " Posted on July 1") or precedes it.
_TITLE_TRAILER = re.compile(
    r"\s*(?:[|\-–—•·»(\[]|,\s*(?:[a-z]{3,9}\s+)?\d{4}\b|(?:posted|published|updated|by)\b)", re.I)
_TITLE_PREFIX = re.compile(rf"\s*(?:[^:\s]+(?:\s[^:\s]+)?:|{_DATE_IN_TEXT.pattern}|[\W_]*)\s*", re.I)
MAX_NAME_HEADING_WORDS = 4  # "Antoyo's Blog", "Human in the Loop": a site's name, not a post's title


def article_node(page: Page) -> dict[str, Any] | None:
    """The JSON-LD node describing the article itself, if any: a top-level Article, else one
    nested as the page's mainEntity or in a Blog's blogPost that names this page's URL (some
    blog platforms describe each post as its Blog with a single blogPost)."""
    for node in page.jsonld:
        if jsonld_types(node) & vocab.ARTICLE_TYPES:
            return node
    for node in page.jsonld:
        for key in ("mainEntity", "blogPost"):
            entries = node.get(key)
            for entry in entries if isinstance(entries, list) else [entries]:
                if (isinstance(entry, dict) and jsonld_types(entry) & vocab.ARTICLE_TYPES
                        and _names_page(entry, page.url)):
                    return entry
    return None


def _names_page(node: dict[str, Any], url: str | None) -> bool:
    """Whether a JSON-LD node's url or mainEntityOfPage is the page's URL (scheme, www. and a
    trailing slash aside)."""
    entity = node.get("mainEntityOfPage")
    named = [node.get("url"), entity.get("@id") if isinstance(entity, dict) else entity]
    return bool(url) and any(isinstance(u, str) and _page_key(u) == _page_key(url) for u in named)


def _page_key(url: str) -> tuple[str, str]:
    parts = urlsplit(url.strip())
    return parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/")


def webpage_node(page: Page) -> dict[str, Any] | None:
    for node in page.jsonld:
        if jsonld_types(node) & {"WebPage", "MedicalWebPage"}:
            return node
    return None


def find_title(page: Page) -> str | None:
    """The headline as the page shows it, confirmed by a metadata title (JSON-LD headline,
    og:title, <title>): an h1, else an h2 (many blogs print their own name as the h1), else
    the single h1, else the metadata title without the site's name."""
    node = article_node(page) or {}
    site = find_site_name(page)
    title_tag = _clean(page.tree.findtext(".//title"))
    candidates = [_clean(node.get("headline") or node.get("name")),
                  _clean(page.first_meta("og:title", "twitter:title")), _strip_site_name(title_tag)]
    candidates = [_without_site_name(c, site, title_tag) for c in candidates if c]
    h1s = [h for h in (text_of(e) for e in page.tree.iter("h1")) if h]
    # A blog whose h1 is its own name ("Antoyo's Blog") prints the post's title as an h2.
    name_like = all(len(h.split()) <= MAX_NAME_HEADING_WORDS for h in h1s)
    for headings in (h1s, None if name_like else []):
        headings = headings if headings is not None else [h for h in (text_of(e) for e in page.tree.iter("h2")) if h]
        for candidate in candidates:
            for heading in headings:
                confirmed = _confirmed(heading, candidate)
                if confirmed:
                    return confirmed
    if len(h1s) == 1 and _key(h1s[0]) != _key(site or ""):
        return h1s[0]
    return candidates[0] if candidates else None


def _confirmed(heading: str, candidate: str) -> str | None:
    """The title when a heading and a metadata title agree: the same words; or the heading
    is the metadata title plus a trailer (" - Site", ", December 2025", "Posted on ...") or a
    prefix (a date, "Blog:"), which the title is without; or the metadata title is the
    heading plus the site's name."""
    shown, meta = _key(heading), _key(candidate)
    if shown == meta:
        return heading
    if len(meta) > 20 and shown.startswith(meta):
        rest = heading[len(candidate):] if heading.lower().startswith(candidate.lower()) else None
        return candidate if rest is not None and _TITLE_TRAILER.match(rest) else heading
    if len(meta) > 20 and heading.lower().endswith(candidate.lower()) \
            and _TITLE_PREFIX.fullmatch(heading[: len(heading) - len(candidate)]):
        return candidate
    trimmed = meta.startswith(shown + " ") or meta.endswith(" " + shown)
    if len(shown) > 15 and len(shown) >= 0.6 * len(meta) and trimmed:
        return heading
    return None


def _without_site_name(title: str, site: str | None, title_tag: str | None) -> str:
    """A metadata title without a trailing " | Site" or " - Site": the site's own name, or the
    trailer the <title> ends with too (og:title often repeats <title> whole)."""
    parts = _SUFFIX_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    trailer = _key(parts[-1])
    if (site and trailer == _key(site)) or (title_tag and title == title_tag and len(trailer.split()) <= 4):
        return title[: len(title) - len(parts[-1])].rstrip(" |-–—•·»")
    return title


def find_site_name(page: Page) -> str | None:
    for node in page.jsonld:
        if jsonld_types(node) & {"WebSite", "Organization", "MedicalClinic", "LocalBusiness"}:
            if _clean(node.get("name")):
                return _clean(node["name"])
    return _clean(page.first_meta("og:site_name", "application-name"))


def find_description(page: Page) -> str | None:
    node = article_node(page) or {}
    return _clean(node.get("description")) or page.first_meta("description", "og:description")


def find_language(page: Page, body_text: str | None = None) -> str | None:
    """The declared language (html lang, og:locale, content-language), else detected from the body."""
    lang = page.tree.get("lang") or page.first_meta("og:locale", "content-language", "language")
    if lang and lang.strip():
        return lang.strip().replace("_", "-").split("-")[0].lower()
    return detect_language(body_text)


def detect_language(text: str | None) -> str | None:
    """The language the text reads as (py3langid), for 20 words or more."""
    if text and len(text.split()) >= 20:
        return py3langid.classify(text[:3000])[0]
    return None


def find_canonical(page: Page) -> str | None:
    for link in page.tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return link.get("href").strip()
    return page.first_meta("og:url")


def find_published(page: Page, elsewhere: Elsewhere | None = None) -> DateValue | None:
    node = article_node(page) or {}
    declared = (
        _dated(node.get("datePublished"), "json-ld")
        or _dated(page.first_meta(*vocab.PUBLISHED_META), "meta")
        # Yoast dates the WebPage node when a post has no Article node.
        or _dated((webpage_node(page) or {}).get("datePublished"), "json-ld")
    )
    shown = _visible_date(page, elsewhere or Elsewhere(page), modified=False) or _date_under_heading(page)
    found = _shown_earlier(declared, shown) or declared or shown
    return _local_day(found, page.url) or found or _url_date(page.url)


def _shown_earlier(declared: DateValue | None, shown: DateValue | None) -> DateValue | None:
    """The date shown with the post when it is days before the declared one: a post is not
    published after the date it shows, so the metadata was rewritten (a republish, a CMS
    migration). A day apart is only a time zone, and the metadata stands."""
    if declared is None or shown is None:
        return None
    try:
        days = (date.fromisoformat(declared.value[:10]) - date.fromisoformat(shown.value[:10])).days
    except ValueError:
        return None
    if days <= 1:
        return None
    return dataclasses.replace(shown, why=f"shown on the page {days} days before the {declared.source} "
                                          f"date {declared.value[:10]}, which a republish rewrote")


def _local_day(found: DateValue | None, url: str | None) -> DateValue | None:
    """The day in the post's URL (/2025/12/18/) when a timestamp falls a day beside it: the
    timestamp is in UTC ("2025-12-19T03:05:00+00:00" for an evening post in California)."""
    match = _DATE_IN_URL.search(url or "")
    in_url = _url_date(url) if found and match and match.group(3) else None
    try:
        days = abs((date.fromisoformat(found.value[:10]) - date.fromisoformat(in_url.value)).days)
    except (AttributeError, ValueError):  # no day in the URL, or not a real date (2025-02-30)
        return None
    if days != 1:
        return None
    return dataclasses.replace(in_url, why=f"the day in the URL: the {found.source} timestamp {found.value} "
                                           "falls on it in the site's time zone")


def modified_as_published(modified: DateValue | None) -> DateValue | None:
    """The page's own modified date (JSON-LD, <meta>, shown), for a post that declares no
    published one: htmldate's guess on such pages reads teaser cards and cited studies. Of
    27 such WCXB dev pages, 26 get the same day from htmldate and 1 the truth only this way."""
    if modified is None or modified.source not in ("json-ld", "meta", "visible"):
        return None  # a sitemap's lastmod is when the site last touched the page, not the post
    return dataclasses.replace(modified, why=f"the page declares only when it was modified ({modified.source}), "
                                             "no published date")


def month_only(published: DateValue, url: str | None) -> bool:
    """A date read from a URL that names only a year and month (/2023/3/): its day is a stand-in."""
    match = _DATE_IN_URL.search(url or "")
    return published.source == "url" and match is not None and match.group(3) is None


def day_in_month(published: DateValue | None, guessed: DateValue | None) -> DateValue | None:
    """The guess where nothing dated the post, or where it names a day of the month we have."""
    if published is None or (guessed and guessed.value[:7] == published.value[:7]):
        return guessed or published
    return published


def find_modified(page: Page, elsewhere: Elsewhere | None = None) -> DateValue | None:
    node = article_node(page) or {}
    return (
        _dated(node.get("dateModified"), "json-ld")
        or _dated(page.first_meta("article:modified_time", "og:updated_time", "datemodified",
                                  "dcterms.modified"), "meta")
        or _visible_date(page, elsewhere or Elsewhere(page), modified=True)
    )


def find_reviewed(page: Page) -> DateValue | None:
    """When the post was medically reviewed: JSON-LD lastReviewed, else a "Reviewed on ..." label."""
    for node in (webpage_node(page) or {}, article_node(page) or {}):
        value = _dated(node.get("lastReviewed"), "json-ld")
        if value:
            return value
    if "eviewed o" not in page.text and "eviewed i" not in page.text:
        return None
    for element in page.tree.xpath("//*[self::p or self::span or self::div or self::li]"
                                   "[contains(., 'eviewed on') or contains(., 'eviewed in')]"):
        text = text_of(element)
        if len(text) <= 160 and vocab.REVIEWED_LABEL.search(text):
            match = _DATE_IN_TEXT.search(text[vocab.REVIEWED_LABEL.search(text).end():])
            if match:
                return _dated(match.group(0), "visible")
    return None


def _visible_date(page: Page, other_posts: Elsewhere, modified: bool) -> DateValue | None:
    """A date shown with the post (not in teasers or the footer), told apart by its label ('Updated:')."""
    for element in page.scan.by_purpose["dated"]:
        if element in other_posts or element.tag in ("html", "body") or _in_other_dates(element):
            continue
        label_text = text_of(element)
        if len(label_text) > 120:  # a date label, not a wrapper whose class mentions "date"
            continue
        # WordPress classes a never-edited post's date "entry-date published updated": published.
        classes = element.get("class") or ""
        labelled = bool(vocab.MODIFIED_LABELS.search(_label_before(element))
                        or (vocab.MODIFIED_LABELS.search(classes) and not re.search(r"\bpublished\b", classes)))
        label = vocab.MODIFIED_LABELS.search(label_text)
        if not labelled and label and _DATE_IN_TEXT.search(label_text[:label.start()]):
            # "May 1, 2024 · Updated: June 2, 2025" in one element: a date on each side of the label
            part = label_text[label.end():] if modified else label_text[:label.start()]
        elif labelled or label:
            part = label_text if modified else None
        else:
            part = None if modified else label_text
        if part is None:
            continue
        value = _stated_day(element) if element.tag == "time" and part is label_text else None
        if value is None:
            match = _DATE_IN_TEXT.search(part)
            value = _with_time(element, _dated(match.group(0), "visible")) if match else None
        if value:
            return value
    return None


def _stated_day(time) -> DateValue | None:
    """A <time>'s datetime, unless its text shows the day beside it: the datetime is then a
    UTC timestamp ("2026-02-24T04:13:00Z" shown as "February 23, 2026"), and the text the
    day in the site's time zone, which its readers see."""
    stated = _dated(time.get("datetime"), "visible")
    match = _DATE_IN_TEXT.search(text_of(time)) if stated else None
    shown = _dated(match.group(0), "visible") if match else None
    if shown is None or abs((date.fromisoformat(stated.value[:10]) - date.fromisoformat(shown.value[:10])).days) != 1:
        return stated
    return dataclasses.replace(shown, why=f"the day the <time> shows; its datetime {stated.value} is in UTC")


def _with_time(element, shown: DateValue | None) -> DateValue | None:
    """The shown day as the <time datetime> inside its element states it, with the time and
    the site's offset ("2025-10-27T21:30:00-05:00" for "October 27, 2025"): the day alone is
    a day early or late in UTC for evening posts."""
    if shown is None:
        return None
    for time in element.iter("time"):
        stated = _dated(time.get("datetime"), "visible")
        if stated and "T" in stated.value and stated.value[:10] == shown.value:
            return stated
    return shown


def _in_other_dates(element) -> bool:
    """Inside a comment or another post's card (vocab.OTHER_DATES_CLASSES), below <body>."""
    region = element
    while region is not None and region.tag not in ("body", "html"):
        if vocab.OTHER_DATES_CLASSES.search(region.get("class") or ""):
            return True
        region = region.getparent()
    return False


def _date_under_heading(page: Page) -> DateValue | None:
    """A date standing alone in an element just after the <h1> ("<p>January 31, 2024</p>"),
    or just above it in the h1's hero (an eyebrow "<h5>January 23, 2025</h5>"), as headless
    CMS themes print it without a date class; a reading time may stand beside it
    ("December 18, 2025 · 3 min read")."""
    try:
        heading = next(page.tree.iter("h1"))
        start = page.elements.index(heading)
    except (StopIteration, ValueError):
        return None
    hero = list(itertools.islice(heading.iterancestors(), 2))[-1]  # themes wrap the h1 alone, or with a subtitle
    above = [e for e in page.elements[max(0, start - DATE_ABOVE_HEADING_ELEMENTS):start] if hero in e.iterancestors()]
    for element in above + page.elements[start + 1:start + 1 + DATE_UNDER_HEADING_ELEMENTS]:
        if not isinstance(element.tag, str) or sum(isinstance(c.tag, str) for c in element) > 1:
            continue
        text = text_of(element)
        text = _READING_TIME.sub(" ", text).strip() if len(text) <= 60 else ""
        match = _DATE_IN_TEXT.fullmatch(text) if len(text) <= 40 else None
        if match and not vocab.MODIFIED_LABELS.search(_label_before(element)) and not _in_other_dates(element):
            return _with_time(element, _dated(match.group(0), "visible"))
    return None


def _label_before(element) -> str:
    """The words just before a date element: "Updated:" in <p>Posted <time/> · Updated: <time/></p>."""
    previous = element.getprevious()
    if previous is not None:
        own_text = text_of(previous) if isinstance(previous.tag, str) else ""  # comments have no text_content
        return f"{own_text} {previous.tail or ''}"[-40:]
    parent = element.getparent()
    return (parent.text or "")[-40:] if parent is not None else ""


def _url_date(url: str | None) -> DateValue | None:
    match = _DATE_IN_URL.search(url or "")
    if not match:
        return None
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3) or 1)
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    return DateValue(f"{year}-{month:02d}-{day:02d}", "url")


def dated_text(text: str, source: str) -> DateValue | None:
    """A date written in text ("Posted March 4, 2024"), or an ISO value, as a DateValue."""
    value = _dated(text, source)
    if value is None:
        match = _DATE_IN_TEXT.search(text or "")
        value = _dated(match.group(0), source) if match else None
    return value


def _foreign_day(match: re.Match, source: str) -> DateValue | None:
    """A _FOREIGN_DATE match as a DateValue: its day, month and year in ISO order."""
    if match["year"]:
        day, month, year = int(match["day"]), vocab.MONTH_NUMBERS[match["month"].lower()], int(match["year"])
    else:
        day, month, year = int(match["nday"]), int(match["nmonth"]), int(match["nyear"])
    try:
        found = date(year, month, day)
    except ValueError:  # 31.02.2020
        return None
    return DateValue(found.isoformat(), source) if found.year >= 1995 else None


def _dated(value: Any, source: str) -> DateValue | None:
    """An ISO 8601 date from a metadata value; None for anything unparseable."""
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    foreign = _FOREIGN_DATE.fullmatch(value)
    if foreign:
        return _foreign_day(foreign, source)
    try:
        parsed = dateparser.isoparse(value)
    except ValueError:
        try:
            with warnings.catch_warnings():  # unknown zone names ("CET") only cost the offset
                warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
                parsed = dateparser.parse(value, default=datetime(1900, 1, 1))
        except (ValueError, OverflowError):
            return None
    if parsed.year < 1995:
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", value))
    return DateValue(parsed.isoformat() if has_time else parsed.date().isoformat(), source)


def _strip_site_name(title: str | None) -> str | None:
    if not title:
        return None
    parts = _TITLE_SEPARATORS.split(title)
    return max(parts, key=len) if len(parts) > 1 else title


def _clean(value: Any) -> str | None:
    """Whitespace-collapsed text; JSON-LD strings often carry HTML entities (&amp;)."""
    if isinstance(value, str) and value.strip():
        return " ".join(html.unescape(value).split())
    return None


def _key(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()
