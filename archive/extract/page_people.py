"""Find the people behind a post: visible bylines first, then JSON-LD, then <meta name=author>."""

from __future__ import annotations

import functools
import html
import itertools
import re
from typing import Any
from urllib.parse import urlsplit

from archive.extract import vocab
from archive.extract.byline_text import (
    clean_name,
    looks_like_byline,
    merge_people,
    name_key,
    parse_byline,
    undoubled,
    without_dates,
)
from archive.extract.metadata import article_node, find_site_name, webpage_node
from archive.extract.page import Page, jsonld_types
from archive.extract.regions import Elsewhere
from archive.records import Person

_NOT_FREE_LINE_TAGS = {"a", "h1", "h2", "h3", "h4", "h5", "h6"}  # see _free_byline_line
# Class or id tokens of comment threads; theme switches on <body> ("fluida-comment-placeholder")
# and links to the thread ("comments-link") are not threads.
_COMMENT_AREA = re.compile(r"^(?:comments?|commentlist|comment-(?:list|author|body|content|meta|respond)"
                           r"|comments-(?:area|list|section|wrapper)|comment-\d+|respond)$")


def find_people(page: Page, body_container=None) -> tuple[list[Person], list[Person]]:
    """(authors, reviewers) for the page, each merged across sources by name and role."""
    # The post's own <footer> inside its <article> ("Posted by ... on ...") holds its byline.
    elsewhere = Elsewhere(page, body_container, own_footers=True)
    declared = _jsonld_people(page)
    groups = [_visible_bylines(page, elsewhere, body_container, declared), _body_lead_bylines(body_container),
              declared]
    author_meta = page.first_meta("author", "article:author")
    # <meta name=author> naming the site is its publisher, shaped like a name or not ("One Tree
    # Planted"): a person a byline names comes first.
    if author_meta and not author_meta.startswith("http") and author_meta.strip() != find_site_name(page):
        groups.append(_meta_people(parse_byline(author_meta), merge_people(groups)))
    people = _one_role_each(merge_people(groups))
    # A post whose byline names only its reviewer ("Reviewed by Margaret James" beside "By The
    # Investopedia Team") still looks further for its author; the reviewer stays.
    credited = [p for p in people if p.role != "author"]
    if not _has_author(people):
        people = credited + _author_named_byline(page, elsewhere)
    more_meta = _more_meta_authors(page)
    if not _has_author(people):
        people = credited + merge_people([parse_byline(name) for name in more_meta])
    if not _has_author(people):
        people = credited + _role_phrase_line(page, elsewhere)
    if not _has_author(people):
        # Nothing shaped like a personal name anywhere: take the author the page declares in
        # JSON-LD or <meta name=author> as written (a username, "Susan", a brand's team),
        # else the one its byline prints.
        # An organisation declared in JSON-LD comes after the byline, which names who wrote.
        declared = author_meta or next(iter(more_meta), None)
        people = credited + (merge_people([_declared_authors(page, declared)]) or _verbatim_byline(page, elsewhere)
                             or merge_people([_declared_authors(page, declared, organisations=True)]))
    if not any(p.role == "reviewer" for p in people):
        people = people + _reviewer_line(page, elsewhere)
    return ([p for p in people if p.role == "author"], [p for p in people if p.role == "reviewer"])


def _meta_people(meta: list[Person], found: list[Person]) -> list[Person]:
    """The people <meta name=author> names, unless the byline or JSON-LD name authors and it
    names none of them: then it names the publisher ("Prisma Média", "Frankfurter Allgemeine
    Zeitung GmbH") or the site's designer, not a co-author."""
    named = {name_key(p.name) for p in found if p.role == "author"}
    return meta if not named or any(name_key(p.name) in named for p in meta) else []


def _reviewer_line(page: Page, other_posts: Elsewhere) -> list[Person]:
    """The reviewer a short line of this post credits ("Medically reviewed by Sam Lee, DPT",
    "<strong>Reviewed by:</strong> Sam Lee") wherever the theme prints it: page builders (Divi,
    Elementor) put it in a text module of its own, apart from the byline and the body."""
    if "eviewed" not in page.text and "hecked" not in page.text:
        return []
    for element in page.elements:
        lead = element.text
        if not (lead and lead.strip()) and len(element):
            lead = element[0].text  # the phrase in a <strong> that opens the line
        if not lead or not vocab.REVIEWER_START.match(lead) or element.tag in vocab.NOT_BYLINE_TAGS:
            continue
        if not _small(element) or element in other_posts or _in_comments(element):
            continue
        text = spaced_text(element)
        if len(text) <= vocab.MAX_BYLINE_LINE_CHARS:
            reviewers = [p for p in parse_byline(text) if p.role == "reviewer"]
            if reviewers:
                return reviewers
    return []


def _has_author(people: list[Person]) -> bool:
    return any(p.role == "author" for p in people)


def _one_role_each(people: list[Person]) -> list[Person]:
    """Without the author entries of people a byline credits with another role ("Tested by
    Katie Bandurski", then her name alone in an author-name element), unless that leaves no
    author ("By Jane Roe ... Updated by Jane Roe")."""
    others = {p.name for p in people if p.role != "author"}
    kept = [p for p in people if p.role != "author" or p.name not in others]
    return kept if any(p.role == "author" for p in kept) else people


def _visible_bylines(page: Page, other_posts: Elsewhere, body_container=None,
                     declared: list[Person] = ()) -> list[Person]:
    """People in byline elements and meta bars of this post, in page order.

    Once the post's byline has named people, bylines after its body name new people only
    for other posts (related articles, "more from" cards); the post's own author box there
    names the same people again. Where the page declares its authors in JSON-LD and a byline
    element names one of them, byline elements naming none of them are other posts' cards.
    """
    after_body = _following(body_container)
    meta_bars = set(page.scan.by_purpose["meta_bar"])
    per_element: list[list[Person]] = []
    people: list[Person] = []
    seen_texts: set[tuple[str, str | None]] = set()
    for element in page.scan.by_purpose["byline_or_meta_bar"]:
        if element in meta_bars:
            role = None  # dates and terms share the bar: only text after "By ..." names people
        else:
            role = "reviewer" if "review" in (element.get("class") or "").lower() else "author"
        text = _microdata_name(element) or spaced_text(element)
        if not text or len(text) > 300 or (text, role) in seen_texts or element in other_posts \
                or _in_comments(element) or _names_a_card(f"{element.get('class')} {element.get('id')}"):
            continue
        seen_texts.add((text, role))
        found = parse_byline(text, role)
        if people and after_body and _inside(element, after_body):
            known = {p.name for p in people}
            found = [p for p in found if p.name in known]
        people.extend(found)
        per_element.append(found)
    return _declared_elements(per_element, declared) or people


def _declared_elements(per_element: list[list[Person]], declared: list[Person]) -> list[Person]:
    """The people of byline elements that name a JSON-LD author or someone in another role,
    when one names a JSON-LD author; else none. Co-authors share one byline element, and other
    posts' cards each have their own ("Lillyth Quillan", "Alexis C. Madrigal" under a post by
    Scott Samuelson)."""
    names = {name_key(p.name) for p in declared if p.role == "author"}
    if not names or not any(name_key(p.name) in names for found in per_element for p in found):
        return []
    return [p for found in per_element
            if any(name_key(p.name) in names or p.role != "author" for p in found) for p in found]


def _microdata_name(element) -> str | None:
    """The itemprop=name inside an itemprop=author: the rest of it is a bio or a job title."""
    if element.get("itemprop") != "author":
        return None
    # Visible names only: <meta itemprop=name> also fills the hidden microdata of teaser cards.
    name = next(iter(element.xpath(".//*[@itemprop='name'][not(self::meta)][1]")), None)
    return spaced_text(name) if name is not None else None


def _following(element) -> set:
    """Roots of everything after the element in document order (its and its ancestors'
    following siblings)."""
    if element is None:
        return set()
    return {sibling for node in (element, *element.iterancestors()) for sibling in node.itersiblings()}


def _inside(element, roots: set) -> bool:
    return element in roots or any(a in roots for a in element.iterancestors())


def _more_meta_authors(page: Page) -> list[str]:
    """Authors in analytics and citation <meta>s (sailthru.author, citation_author) and in
    Yoast's twitter:label1 "Written by" / twitter:data1 pair."""
    names = [name for key in vocab.AUTHOR_META_NAMES for name in page.all_meta(key)]
    for label, value in (("twitter:label1", "twitter:data1"), ("twitter:label2", "twitter:data2")):
        if (page.first_meta(label) or "").strip().lower() == vocab.WRITTEN_BY_LABEL:
            names += page.all_meta(value)[:1]
    return [name for name in names if not name.startswith("http")]


def _author_named_byline(page: Page, other_posts: Elsewhere) -> list[Person]:
    """People in the first short element of this post whose class or id names an author
    ("td-post-author-name", "authorName", "post-hero__author"): themes name these freely.

    Pages whose author-named elements name many people are reviews or teaser lists, not a
    post's byline: they get none.
    """
    found: list[list[Person]] = []
    for element, names in page.named:
        if not _names_an_author(names) or not _small(element) or element in other_posts \
                or _in_comments(element):
            continue
        text = spaced_text(element)
        if text and len(text) <= vocab.MAX_AUTHOR_ELEMENT_CHARS:
            people = merge_people([parse_byline(text)])
            # A role phrase says the names are people ("Authors: ... , Extension horticulture educators").
            if people and (_mostly_names(text, people) or vocab.ROLE_PATTERN.match(text)):
                found.append(people)
    return _unless_many(found)


def _role_phrase_line(page: Page, other_posts: Elsewhere) -> list[Person]:
    """People in the first short line of this post that starts "By" or "Written by", in
    whatever element a theme prints it; none when such lines name many people (teasers,
    product cards "By Ebern Designs").
    """
    found: list[list[Person]] = []
    for element in page.elements:
        for text in _role_line_texts(element, other_posts):
            people = _line_people(text)
            if people:
                found.append(people)
                break
    return _unless_many(found)


def _role_line_texts(element, other_posts: Elsewhere) -> tuple:
    """The readings of an element whose own text starts "By" or is a byline label, best first:
    the name after the label, the link after "By", the whole line; none for other elements."""
    lead = element.text
    if not lead or not vocab.BYLINE_START.match(lead) and not vocab.BYLINE_LABEL.match(lead) \
            or element.tag in vocab.NOT_BYLINE_TAGS:
        return ()
    if not _small(element) or element in other_posts or _in_comments(element):
        return ()
    return _labelled_name(element, lead), _linked_name(element, lead), spaced_text(element)


def _line_people(text: str | None) -> list[Person]:
    """People of a line that starts with a role phrase (or another language's lead, "Von"), the
    name right after the phrase: "By submitting, you accept our Privacy Policy" names no one."""
    start = (vocab.ROLE_PATTERN.match(text) or vocab.FOREIGN_BYLINE_LEAD.match(text)) if text else None
    if start is None or len(text) > vocab.MAX_BYLINE_LINE_CHARS:
        return []
    people = merge_people([parse_byline(text)])
    return people if people and clean_name(text[start.end():]).startswith(people[0].name) else []


def _labelled_name(element, lead: str) -> str | None:
    """"By <name>" for a label element alone ("Written by", "Author:") followed by the name:
    in its tail, or in the first element after it that has text."""
    if not vocab.BYLINE_LABEL.match(lead) or len(element) or not (element.tail or "").strip() \
            and element.getnext() is None:
        return None
    name = (element.tail or "").strip()
    sibling = element.getnext()
    for _ in range(vocab.MAX_LABEL_SIBLINGS):
        if name or sibling is None or not _small(sibling):
            break
        name = spaced_text(sibling)
        sibling = sibling.getnext()
    return f"By {name}" if name else None


def _linked_name(element, lead: str) -> str | None:
    """"By <name>" when a link right after the label holds the name and other text follows
    it ("By <a>A. J. Neal</a> <a>View In Digital Edition</a>")."""
    if len(element) and element[0].tag == "a" and vocab.BYLINE_LABEL.match(lead):
        return f"By {spaced_text(element[0])}"
    return None


def _unless_many(found: list[list[Person]]) -> list[Person]:
    """The first element's people, unless the others name more than one more person."""
    if not found:
        return []
    first = {_first_word(p.name) for p in found[0]}
    others = {_first_word(p.name) for people in found for p in people} - first
    return found[0] if len(others) <= vocab.MAX_OTHER_AUTHOR_NAMES else []


def _verbatim_byline(page: Page, other_posts: Elsewhere) -> list[Person]:
    """The byline of this post as printed when it names someone not shaped like a personal
    name: a team, a brand, a username ("By BeauHD on Friday", "The Investopedia Team").

    Only from elements naming an author (class, rel or itemprop), other byline elements that
    start "By", or lines of their own that start "By" in any element ("By Marketing Team");
    none when they name several such: those are reviews or teasers.
    """
    bylines = set(page.scan.by_purpose["byline"])
    named_author = {e for e, names in page.named if _names_an_author(names)}
    found: list[str] = []
    for element in page.elements:
        free_line = element not in bylines and element not in named_author
        if free_line:
            text = _free_byline_line(element, page, other_posts)
            specific = False
        elif element in other_posts or _in_comments(element) or not _small(element):
            continue
        else:
            specific = element in named_author or element.get("rel") == "author" \
                or element.get("itemprop") == "author"
            text = spaced_text(element)
        if not text:
            continue
        match = vocab.VERBATIM_BYLINE.match(text) if len(text) <= vocab.MAX_BYLINE_LINE_CHARS else None
        if match is None or not (specific or match["lead"]):
            continue
        if match["tail"] and not match["lead"] and match["tail"].split()[0] not in vocab.BYLINE_SEPARATORS:
            continue  # "One Week in Japan: Kyoto" is a title, "Silverback Strategies | Oct 15" a byline
        if free_line and match["tail"] and match["tail"].split()[0] not in vocab.BYLINE_SEPARATORS \
                and without_dates(match["tail"]) == match["tail"]:
            continue  # "By focusing on the best CRM ..." is a sentence, "By Jane Roe on May 3, 2023" a byline
        name = clean_name(undoubled(match["name"].strip(" .,:")))
        if name and not any(c.isdigit() for c in name) and name.lower() not in vocab.NOT_NAMES \
                and vocab.BYLINE_LABEL_WORDS.isdisjoint(name.lower().split()) and name not in found:
            found.append(name)
    if len(found) > vocab.MAX_VERBATIM_BYLINES:
        return []
    return [Person(found[0], [], None, "author", "author")] if found else []


def _free_byline_line(element, page: Page, other_posts: Elsewhere) -> str | None:
    """A line of its own in an element of no byline class that starts "By" or is a label ("By
    The Meetingnotes Team", <small>Written by</small><p>NETGEAR Orbi Team</p>); not words
    inside a sentence ("... paid by project. In your proposal"), a heading or a link ("By
    business type", <a>By Manufacturer</a>: a filter's choices), a lead-in ending in a colon
    (<strong>By the numbers:</strong>) or a credit to another site ("by <a
    href=https://tsun.ec>Tsun</a>")."""
    texts = _role_line_texts(element, other_posts)
    if not texts or (element.tail or "").strip() or element.tag in _NOT_FREE_LINE_TAGS \
            or _credits_another_site(element, page):
        return None
    text = next((t for t in texts if t), None)
    return None if text is None or text.endswith(":") else text


def _credits_another_site(element, page: Page) -> bool:
    """Whether the element, or the element after it, links to another site: "Powered by",
    "Theme by" credits name a vendor, not who wrote the post."""
    host = (urlsplit(page.url or "").hostname or "").removeprefix("www.")
    for link in element.xpath(".//a | following-sibling::*[1]/descendant-or-self::a")[:2]:
        other = (urlsplit(link.get("href") or "").hostname or "").removeprefix("www.")
        if other and host and not (other.endswith(host) or host.endswith(other)):
            return True  # blog.example.com is example.com's
    return False


def _small(element) -> bool:
    """Few enough elements to be a byline: <body class="...-show-author-name"> is not one, and
    reading its whole text would cost a pass over the page."""
    return sum(1 for _ in itertools.islice(element.iter(), vocab.MAX_BYLINE_ELEMENTS + 1)) \
        <= vocab.MAX_BYLINE_ELEMENTS


@functools.lru_cache(maxsize=8192)
def _names_an_author(names: str) -> bool:
    """Whether a class-and-id string names an author; pages repeat these strings, hence the cache."""
    return vocab.AUTHOR_CLASS_PART in names.lower() and not _names_a_card(names)


@functools.lru_cache(maxsize=8192)
def _names_a_card(names: str) -> bool:
    """Whether a class-and-id string names a card about someone else (a testimonial's
    "testimonial-author-name", a review card)."""
    lowered = names.lower()
    return any(p in lowered for p in vocab.NOT_BYLINE_PARTS)


def _mostly_names(text: str, people: list[Person]) -> bool:
    """Whether names and credentials make up most of the words: not a post title that happens
    to end in a capitalised pair ("... Kyoto, Tokyo, Nara, Mt. Fuji")."""
    named = sum(len(p.name.split()) + len(p.credentials) for p in people)
    return named * 2 >= len(without_dates(text).split())


def _first_word(name: str) -> str:
    return name.split()[0].lower()


def spaced_text(element) -> str:
    """Text with a space at every element boundary, as a browser separates a name's <span>
    from the job title's <div> ("Stephen Jesudunsin" + "AI Writer", not "JesudunsinAI")."""
    parts: list[str] = []

    def walk(node):
        if not isinstance(node.tag, str):  # comments and processing instructions
            parts.append(node.tail or "")
            return
        if node.tag in ("script", "style", "noscript", "template"):
            parts.append(" ")
        else:
            parts.append(" " + (node.text or ""))
            for child in node:
                walk(child)
            parts.append(" ")
        if node is not element:
            parts.append(node.tail or "")

    walk(element)
    return " ".join("".join(parts).split())


def _in_comments(element) -> bool:
    """Inside a comment thread (WordPress #comments, .comment-list, .comment-author, ...):
    commenters are never the post's authors."""
    for node in (element, *element.iterancestors()):
        tokens = (node.get("class") or "").lower().split() + [(node.get("id") or "").lower()]
        if any(_COMMENT_AREA.match(token) for token in tokens):
            return True
    return False


def _declared_authors(page: Page, author_meta: str | None, organisations: bool = False) -> list[Person]:
    """JSON-LD and meta authors kept verbatim when they are not a person's name by shape;
    JSON-LD organisations only with `organisations`."""
    names: list[tuple[str, str | None]] = []
    for node in (article_node(page) or {}, webpage_node(page) or {}):
        for entry in _as_list(node.get("author")):
            if _is_organisation(entry, page) == organisations:
                names.append(_name_and_url(entry, page))
    if author_meta and not organisations:
        names.append((author_meta, None))
    people = []
    for name, url in names:
        name = clean_name(name or "")
        if name and not name.startswith("http") and len(name) <= 60 \
                and name.lower() not in vocab.NOT_NAMES:
            people.append(Person(name, [], url, "author", "author"))
    return people[:1]


def _body_lead_bylines(container) -> list[Person]:
    """Bylines typed as the first paragraphs of the body (Squarespace and Wix posts)."""
    if container is None:
        return []
    people: list[Person] = []
    for paragraph in list(container.iter("p"))[:8]:
        text = spaced_text(paragraph)
        if looks_like_byline(text):
            people.extend(parse_byline(text))
    return people


def _jsonld_people(page: Page) -> list[Person]:
    people: list[Person] = []
    article = article_node(page) or {}
    page_node = webpage_node(page) or {}
    for value, role in ((article.get("author"), "author"), (page_node.get("author"), "author"),
                        (article.get("reviewedBy"), "reviewer"), (page_node.get("reviewedBy"), "reviewer")):
        for entry in _as_list(value):
            name, url = _name_and_url(entry, page)
            if name and not _is_organisation(entry, page):
                for person in parse_byline(name, role):
                    person.url = person.url or url
                    person.role = role
                    people.append(person)
    return people


def _name_and_url(entry: Any, page: Page) -> tuple[str | None, str | None]:
    if isinstance(entry, str):
        return (None, entry) if entry.startswith("http") else (entry, None)
    if not isinstance(entry, dict):
        return None, None
    entry = _resolved(entry, page)
    name = entry.get("name")
    url = entry.get("url")
    return (html.unescape(name) if isinstance(name, str) else None), (url if isinstance(url, str) else None)


def _resolved(entry: dict, page: Page) -> dict:
    """The node an {"@id": ...} reference points at."""
    if "name" not in entry and "@id" in entry:
        return next((n for n in page.jsonld if n.get("@id") == entry["@id"]), entry)
    return entry


def _is_organisation(entry: Any, page: Page) -> bool:
    """A JSON-LD author typed as an organisation ("Instructables", "Morgan & Morgan")."""
    return isinstance(entry, dict) and bool(jsonld_types(_resolved(entry, page)) & vocab.ORGANISATION_TYPES)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
