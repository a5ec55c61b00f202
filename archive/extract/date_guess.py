"""htmldate's guess at a post's date, reading free text in the page's own language.

htmldate hands dates written out in words to dateparser with all of its ~200 locales, and each
new string compiles the regexes of every locale it tries: on 370 WCXB pages that was 4 of 18 s
of extraction, and 45 MB more in each worker. Told the page's languages and English, dateparser
finds the same dates on both development sets (tests/test_dates.py) at a tenth of the cost.
"""

from __future__ import annotations

import contextvars
import functools

import dateparser
import htmldate
import htmldate.extractors

from archive.extract.page import Page
from archive.records import DateValue

# htmldate 1.11's own settings for its external parser (extractors.get_external_parser).
_SETTINGS = {
    "NORMALIZE": True,
    "PARSERS": ["custom-formats", "absolute-time"],
    "PREFER_DATES_FROM": "past",
    "PREFER_LOCALE_DATE_ORDER": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    "STRICT_PARSING": True,
}
_languages: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar("date_languages", default=None)
_all_languages = getattr(htmldate.extractors, "get_external_parser", None)


@functools.lru_cache(maxsize=64)
def _parser(languages: tuple[str, ...]) -> dateparser.DateDataParser:
    try:
        return dateparser.DateDataParser(languages=list(languages), settings=_SETTINGS)
    except ValueError:  # a language dateparser doesn't know ("tl", "haw")
        return _parser(("en",))


def _external_parser() -> dateparser.DateDataParser:
    """The parser htmldate asks for: ours while guess_published runs, else its own, so that
    trafilatura's date extraction in the same process is untouched."""
    languages = _languages.get()
    return _parser(languages) if languages else _all_languages()


if _all_languages is not None:  # read by extractors._external_date at each call; a later htmldate may differ
    htmldate.extractors.get_external_parser = _external_parser


def guess_published(page: Page, languages: tuple[str | None, ...] = ()) -> DateValue | None:
    """htmldate's reading of the page (<time> and <abbr> elements, date classes, dates in the
    text), for posts our rules can't date; source "htmldate". It reads a copy of the whole
    tree (page.whole_tree()), so page.tree stays as it is. A guess: service pages carry such
    dates too, so it is no evidence that a page is a post. languages: the page's declared one
    and the one its text reads as, which differ where a template declares lang="en" everywhere."""
    token = _languages.set(tuple(dict.fromkeys(lang for lang in (*languages, "en") if lang)))
    try:
        found = htmldate.find_date(page.whole_tree(), url=page.url, original_date=True, extensive_search=True,
                                   outputformat="%Y-%m-%d")
    except (ValueError, TypeError):
        return None
    finally:
        _languages.reset(token)
    if not found or found.endswith("-01-01"):
        return None  # January 1st is its reading of a copyright year: wrong on all 49 WCXB pages
    return DateValue(found, "htmldate", "no date in the post's markup or byline; htmldate's reading of the page")
