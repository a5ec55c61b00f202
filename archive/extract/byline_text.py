"""Authors and reviewers: parse bylines into people with credentials and roles."""

from __future__ import annotations

import re
from collections.abc import Iterable

from archive.extract import vocab
from archive.records import Person

_MONTHS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december",
} | set(vocab.MONTH_NUMBERS)  # and other languages' ("Von X am 3. Mai 2024")
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# A date printed beside the name ends it: "Luke Kim December 17, 2025", "Dec 17, 2025 Julian
# K. Arni", "Andrew Gerrand 4 August 2010". A month counts only with a day or year beside it
# ("April Smith" is a name). Names after the date count only when nothing came before it: there
# a job title or a post's title follows ("By Elaine Chen Dec. 18, 2025 National Biotech Reporter").
_DATE = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?|\b{_MONTH},?\s+\d{{4}}\b"
                   rf"|\b\d{{1,2}}(?:st|nd|rd|th|\.)?\s+{_MONTH},?(?:\s+\d{{4}}\b)?|\b\d{{1,4}}[-./]\d{{1,2}}[-./]\d{{1,4}}\b",
                   re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:;|\||·|⋅|•|—|–|/\s|\n|,?\s+(?:and|und|et|y)\s+|\s+&\s+|\s+with\s+)\s*",
                         re.IGNORECASE)
# Before a date: the words joining it to the name ("Posted by Colin Watson on 2025-12-18",
# "Researched by Oliver Simpson Updated on February 24, 2026"), and
# a phrase after a comma, which is a desk or a publication ("Emily Baron Cadloff, Modern Farmer
# October 10, 2021") unless it starts with a credential ("James Leiber, DO Published: March 18").
_JOINING_DATE = re.compile(r"(?:\s+(?:last\s+)?(?:updated|published|posted|modified|stand|veröffentlicht"
                           r"|aktualisiert|publié|publicado|actualizado))?"
                           r"(?:\s+(?:on|at|am|vom|le|el|del|-|–))?\s*:?\s*$",
                           re.IGNORECASE)
_GLUED_TO_DATE = re.compile(r",\s*(?P<phrase>[^,;|·•\s][^,;|·•]*?)\s*$")
_NOT_NAME_WORDS = _MONTHS | {
    "min", "read", "updated", "published", "posted", "comments", "share", "clinic", "center",
    "centre", "medicine", "health", "team", "staff", "institute", "hospital", "wellness",
    "therapy", "group", "llc", "inc", "blog", "about", "the", "our", "follow", "author", "more",
    # Labels and section names that are capitalised like names ("Fact Checked", "Travel Tips",
    # "Guest Columnists", "Help Net Security Sponsored", "Lifestyle Desk").
    "checked", "fact", "tips", "guides", "resources", "travel", "columnists", "columnist", "guest",
    "sponsored", "desk", "news", "magazine", "foundation", "security", "design", "in", "register",
    # A role phrase with nothing after it ("Written By" closing a line).
    "written", "by",
    "bio",  # an author card's link ("Full Bio", WCXB dev 0044)
} | vocab.FOREIGN_LABEL_WORDS
# Job titles printed after the name in the same byline ("Keith Barry Senior Autos Reporter",
# "Brinda Gulati Content Editor"): the name ends where the title starts.
_TITLE_WORDS = {
    "editor", "writer", "reporter", "contributor", "director", "officer", "analyst", "executive",
    "founder", "manager", "winemaker", "researcher", "researched", "expert", "strategist",
    "correspondent", "journalist", "columnist", "reviewer", "specialist", "consultant",
    "coordinator",
    # German ones ("Christoph Hein Chefredakteur")
    "redakteur", "redakteurin", "chefredakteur", "chefredakteurin", "korrespondent", "korrespondentin",
    "journalistin", "reporterin", "volontär", "volontärin",
}
_TITLE_MODIFIERS = {
    "senior", "sr", "associate", "assistant", "content", "chief", "lead", "head", "staff",
    "managing", "contributing", "executive", "marketing", "deputy", "ai", "freelance", "digital",
    "research", "tech", "former",
}
_PARTICLES = {"de", "van", "von", "der", "den", "da", "del", "della", "la", "le", "di", "bin", "al", "du", "st."}


def parse_byline(text: str, role: str | None = "author") -> list[Person]:
    """People named in a byline, in order, each with credentials and role.

    >>> [p.display() for p in parse_byline("By Sarah Lee, PT, DPT and Mark Ruiz, MD")]
    ['Sarah Lee, PT, DPT', 'Mark Ruiz, MD']
    >>> [(p.name, p.role) for p in parse_byline("James Leiber, DO Medically Reviewed By Ignatios Papas, DO")]
    [('James Leiber', 'author'), ('Ignatios Papas', 'reviewer')]

    With role=None, text before the first role phrase is ignored (meta bars with dates and tags).
    """
    text = " ".join(text.split())
    if lead := vocab.FOREIGN_BYLINE_LEAD.match(text):  # "Von Jule Radeck am 3. Mai 2024"
        text, role = text[lead.end():], role or "author"
    people: list[Person] = []
    position = 0
    label = role
    for match in vocab.ROLE_PATTERN.finditer(text):
        if role is not None:
            people.extend(_people_in(text[position : match.start()], role, label))
        role, label = vocab.ROLE_OF_PHRASE[match.group(1).lower()]
        position = match.end()
    if role is not None:
        people.extend(_people_in(text[position:], role, label))
    return people


def looks_like_byline(text: str, max_words: int = 30) -> bool:
    """A short line that names people: starts with a role phrase, or has a reviewer phrase.

    >>> looks_like_byline("Marcus Hale, DO | Medically reviewed by Laura Brandt, MD")
    True
    >>> looks_like_byline("Pain fell by half in most patients.")
    False
    """
    if not text or len(text.split()) > max_words:
        return False
    match = vocab.ROLE_PATTERN.search(text)
    if match is None:
        return False
    if match.start() > 0 and vocab.ROLE_OF_PHRASE[match.group(1).lower()][0] != "reviewer":
        return False
    return bool(parse_byline(text))


def without_dates(text: str) -> str:
    """'Luke Kim December 17, 2025' -> 'Luke Kim  '."""
    return _DATE.sub(" ", text)


def _people_in(chunk: str, role: str, label: str | None = None) -> list[Person]:
    date = _DATE.search(chunk)
    while date is not None and not chunk[: date.start()].strip(" ,.:·•|-–—"):
        chunk = chunk[date.end():]  # "Dec 17, 2025 Julian K. Arni"
        date = _DATE.search(chunk)
    if date is None:
        return _people_undated(chunk, role, label)
    before = _JOINING_DATE.sub("", chunk[: date.start()])
    glued = _GLUED_TO_DATE.search(before)
    if glued and not normalise_credential(glued["phrase"].split()[0]):
        before = before[: glued.start()]
    return _people_undated(before, role, label)


def _people_undated(chunk: str, role: str, label: str | None) -> list[Person]:
    people: list[Person] = []
    for part in _SEPARATORS.split(chunk):
        current: Person | None = None
        for token in (t.strip(" .:") for t in part.split(",")):
            if not token:
                continue
            words = token.split()
            while words and _leading_credential(words, current):
                if current is not None:  # "DO Published: March 18" -> DO, then a label
                    current.credentials.append(normalise_credential(words[0]))
                words.pop(0)
            token = " ".join(words)
            if not token:
                continue
            if current is not None and _has_job_title(token):
                continue  # "Cara Dumaplin RN, BSN, Certified Pediatric Sleep Consultant"
            name, trailing = _split_trailing_credentials(_without_job_title(undoubled(token)))
            current = Person(clean_name(name), trailing, role=role, role_label=label or role) if is_name(name) else None
            if current is not None:
                people.append(current)
    return people


def _leading_credential(words: list[str], current: Person | None) -> bool:
    """Whether the first word is a credential of the person before it. Before any name, two
    capitals that are not a known credential are initials ("PJ Hamel"); "USA TODAY" is no name."""
    initials = words[0].replace(".", "")
    if current is None and len(words) > 1 and len(initials) <= 2 and initials not in vocab.CREDENTIALS:
        return False
    return bool(normalise_credential(words[0]))


def _has_job_title(token: str) -> bool:
    return any(w.lower().strip(".") in _TITLE_WORDS for w in token.split())


def undoubled(token: str) -> str:
    """'Saru Yeknom Saru Yeknom' -> 'Saru Yeknom': a name printed twice (a visible one and a
    screen-reader one) in the same element."""
    words = token.split()
    half = len(words) // 2
    return " ".join(words[:half]) if half and len(words) % 2 == 0 and words[:half] == words[half:] else token


def _without_job_title(token: str) -> str:
    """'Keith Barry Senior Autos Reporter' -> 'Keith Barry'; a bare title ('Associate Editor',
    'Marketing Director') -> ''."""
    words = token.split()
    title_at = next((i for i, w in enumerate(words) if w.lower().strip(".") in _TITLE_WORDS), None)
    if title_at is None:
        return token
    if title_at < 2 or words[0].lower().strip(".") in _TITLE_MODIFIERS:
        return ""  # "Associate Editor", "Senior Review Analyst"
    # The title starts at its first modifier ("Senior ... Reporter"), never before two name words.
    start = next(i for i in range(2, title_at + 1)
                 if i == title_at or words[i].lower().strip(".") in _TITLE_MODIFIERS)
    return " ".join(words[:start])


def normalise_credential(token: str) -> str | None:
    """'Ph.D.' -> 'PhD', 'DPT' -> 'DPT'; None when the token is not a credential."""
    token = token.strip()
    compact = token.replace(".", "").replace(" ", "")
    if compact in vocab.CREDENTIALS:
        return compact
    for known in vocab.CREDENTIALS:
        if compact.lower() == known.lower() and len(compact) > 2:
            return known
    if vocab.CREDENTIAL_PATTERN.match(token) and sum(c.isupper() for c in token) >= 2:
        return compact
    return None


def _split_trailing_credentials(token: str) -> tuple[str, list[str]]:
    """'James Leiber DO' -> ('James Leiber', ['DO'])."""
    words = token.split()
    trailing: list[str] = []
    while len(words) > 2 and normalise_credential(words[-1]):
        trailing.insert(0, normalise_credential(words.pop()))
    return " ".join(words), trailing


def is_name(text: str) -> bool:
    """A plausible personal name: 2-5 capitalised words, no digits, handles or site words."""
    text = vocab.NAME_PREFIXES.sub("", text.strip())
    if not text or text.lower() in vocab.NOT_NAMES or any(c.isdigit() for c in text):
        return False
    if "@" in text or "http" in text.lower() or len(text) > 60:
        return False
    words = text.split()
    if not 2 <= len(words) <= 5 or any(word.endswith(":") for word in words):
        return False
    for word in words:
        if word.lower().strip(".") in _NOT_NAME_WORDS:
            return False
        if not (word[0].isupper() or word.lower() in _PARTICLES):
            return False
    return True


def clean_name(text: str) -> str:
    return vocab.NAME_PREFIXES.sub("", vocab.FOREIGN_BYLINE_LEAD.sub("", " ".join(text.split())))


def merge_people(groups: Iterable[Iterable[Person]]) -> list[Person]:
    """One entry per (name, role), keeping first-seen order and the union of credentials."""
    merged: dict[tuple[str, str], Person] = {}
    for group in groups:
        for person in group:
            person.name = clean_name(person.name)
            if not person.name:  # a lead alone ("Artikel von")
                continue
            key = (name_key(person.name), person.role)
            known = merged.get(key)
            if known is None:
                merged[key] = Person(person.name, list(person.credentials), person.url, person.role,
                                     person.role_label)
                continue
            known.role_label = known.role_label or person.role_label
            known.credentials += [c for c in person.credentials if c not in known.credentials]
            known.url = known.url or person.url
    return list(merged.values())


def name_key(name: str) -> str:
    return re.sub(r"[^a-z ]", "", name.lower()).strip()
