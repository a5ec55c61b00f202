"""What the site's WordPress API says of a post (CrawlEvidence), weighed against its page.

The page comes first for people and dates: its byline names the writer and reviewer with
their credentials, while the API's author is the account that posted, often "admin" or an
office manager. For categories and tags the API is WordPress's own record, where a page
mixes in a widget's terms, so it wins. `sources` says, per field, where the API stood.
"""

from __future__ import annotations

from archive.extract.byline_text import parse_byline
from archive.records import CrawlEvidence, DateValue, Person

# WordPress accounts that post for someone else: their name is nobody's byline
ACCOUNT_NAMES = frozenset({"admin", "administrator", "webmaster", "wordpress", "editor", "user", "website"})
CONFIRMED = "page, confirmed by api"


def api_published(found: DateValue | None, crawl: CrawlEvidence) -> DateValue | None:
    """The API's date_gmt for a post whose page shows no date, or only its URL's."""
    if (found is None or found.source == "url") and crawl.published:
        return DateValue(crawl.published, "api", "the page shows no date; the site's WordPress API says when "
                                                 "the post was published")
    return found


def weigh_api(crawl: CrawlEvidence, authors: list[Person], categories: list[str], tags: list[str],
              ) -> tuple[list[Person], list[str], list[str], dict[str, str]]:
    """(authors, categories, tags, sources): sources maps a field to 'api' where the API's
    value was taken, or to 'page, confirmed by api' where both agree."""
    sources: dict[str, str] = {}
    named = [name for name in crawl.authors or () if name.lower() not in ACCOUNT_NAMES]
    if named and not authors:
        authors = [person for name in named for person in parse_byline(name)] or [Person(name) for name in named]
        sources["authors"] = "api"
    elif named and {p.display() for p in authors} & set(named):
        sources["authors"] = CONFIRMED
    terms = {"categories": categories, "tags": tags}
    for field, said in (("categories", crawl.categories), ("tags", crawl.tags)):
        if said is None:
            continue
        if sorted(terms[field]) == sorted(said):
            if said:
                sources[field] = CONFIRMED
        else:
            terms[field] = list(said)
            sources[field] = "api"
    return authors, terms["categories"], terms["tags"], sources
