"""Selectors and vocabularies the extractor uses, kept as data (cf. trafilatura's xpaths.py).

Everything a page-layout fix is likely to touch lives here, referred to by name.
"""

import re

# Containers that hold the post body on the CMSs clinics use, most specific first.
BODY_SELECTORS = [
    ".elementor-widget-theme-post-content",
    "[itemprop=articleBody]",
    ".entry-content",
    ".post-content",
    ".blog-item-content",
    "[data-id=rich-content-viewer]",
    "[data-hook=post-description]",
    ".hs_cos_wrapper_type_rich_text",
    ".post-body",
]

# Removed from the page before looking for the body: chrome, forms, promotions. Elements go
# by tag, by role/data-hook, or by a class or id token containing one of BOILERPLATE_NAMES.
# trafilatura's main extractor drops nav, footer and menu too; dropped here, its fallbacks
# (readability, jusText) don't see them either. Not <aside>: some sites put the post in one.
BOILERPLATE_TAGS = {
    "script", "style", "noscript", "template", "iframe", "svg", "button", "select", "textarea",
    "form", "input", "label", "nav", "footer", "menu",
}
BOILERPLATE_ROLES = {"dialog", "alertdialog"}
BOILERPLATE_HOOKS = {"related-posts", "post-footer"}
BOILERPLATE_NAMES = [
    "cookie", "consent", "share", "sharing", "social", "author-box", "authorbox", "author-bio",
    "about-author", "post-author", "related", "recent-posts", "recentposts", "newsletter",
    "subscribe", "call-to-action", "cta", "disclaimer", "breadcrumb", "pagination",
    "post-navigation", "entry-meta", "post-meta", "blog-meta", "byline", "entry-footer",
    "tags-links", "cat-links", "ez-toc", "table-of-contents", "toc", "gform_", "wixui-form",
    "popup", "modal", "promo",
]
# "cta" and "toc" hide inside ordinary words ("doctor", "factor"): they count only as a whole
# token or a dash-separated part of one.
SHORT_NAMES = {"cta", "toc"}
BOILERPLATE_NAME = re.compile(
    "|".join(re.escape(n) for n in BOILERPLATE_NAMES if n not in SHORT_NAMES)
    + "|" + "|".join(rf"(?:^|[-_]){n}(?:$|[-_])" for n in sorted(SHORT_NAMES)),
    re.IGNORECASE,
)
# WordPress post_class() tokens name the post's own terms ("category-newsletter", "tag-social"):
# they describe the post, not a widget, so they never make an element boilerplate.
TAXONOMY_CLASS = re.compile(r"^(?:category|tag|type|status|format|postid)-|^post-\d+$", re.IGNORECASE)

# Elements whose whole text is a byline ("By Sarah Lee, PT, DPT" or just the name).
BYLINE_SELECTORS = [
    "[class*=byline]", "[rel=author]", "[class*=author-name]", "[class*=entry-author]",
    "[class*=blog-author]", "[data-hook=user-name]", "[itemprop=author]", "[class*=reviewer]",
    "[class*=reviewed]", "[class*=post-author]",
]
# Failing those, the first short element whose class or id contains this names the author:
# long ones are bios and author boxes.
AUTHOR_CLASS_PART = "author"
MAX_AUTHOR_ELEMENT_CHARS = 80
MAX_BYLINE_ELEMENTS = 40  # elements inside one, a bound on the text read
# ... unless they are cards naming someone else: a product review's reviewer, a linked page's
# author in a Ghost bookmark card, a testimonial.
NOT_BYLINE_PARTS = ("review-card", "bookmark", "testimonial", "authoriz")
# JSON-LD types of an author that is no person: publishers name themselves the author of every
# post, while the byline names who wrote it.
ORGANISATION_TYPES = frozenset({"Organization", "Corporation", "NewsMediaOrganization", "LocalBusiness",
                                "MedicalOrganization", "MedicalClinic", "EducationalOrganization",
                                "WebSite", "Brand"})
# More people than this in other author-named elements: reviews or a list of posts.
MAX_OTHER_AUTHOR_NAMES = 1
# Failing those too, these <meta>s name authors (citation_author once per author).
AUTHOR_META_NAMES = ["sailthru.author", "parsely-author", "cxenseparse:author", "citation_author",
                     "citation_authors", "dc.creator"]
WRITTEN_BY_LABEL = "written by"  # Yoast's twitter:label1, with the author in twitter:data1
# A byline's lead in German, French, Spanish, Portuguese, Italian or Dutch ("von Heiko", "Par Chokri
# GHARBI", "Veröffentlicht von HansG", "Autor: przepisy.pl"): 45 of trafilatura-eval's 134 wrong
# bylines kept it in the name. Only at the start: "von" inside a name is a particle. Not the bare
# Dutch "door", an English word ("Door View Cam").
_FOREIGN_LEAD = (
    r"(?:(?:(?:geschrieben|veröffentlicht|eingestellt|gespeichert|erstellt|verfasst|(?:ein\s+|blog[-\s]?)?(?:beitrag|artikel)"
    r"|text)\s+)?von:?|(?:(?:écrit|publié|rédigé)\s+)?par|(?:(?:escrito|publicado)\s+)?por"
    r"|(?:scritto|pubblicato)\s+da|geschreven\s+door|(?:autor|autorin|auteur|auteure|autrice|autore)\s*:)")
FOREIGN_BYLINE_LEAD = re.compile(rf"^{_FOREIGN_LEAD}(?:\s+|$)", re.IGNORECASE)
# A byline printed as is: up to four words, after "By" (or a lead above) and before " on <date>"
# or a separator (a tail of words only after a lead, else after a separator).
VERBATIM_BYLINE = re.compile(
    rf"^(?P<lead>(?:(?:(?:written|posted|authored)\s+)?by\s*:?|{_FOREIGN_LEAD})\s+)?"
    r"(?P<name>[^\s|·•,]+(?:\s+[^\s|·•,]+){0,3}?)(?P<tail>\s+(?:on|in|at|am|um|le|à|el|-|\||·|•)\s.*)?$",
    re.IGNORECASE)
# Labels around a byline in German, French and Spanish ("Über Steffi", "Veröffentlicht am 3. Mai",
# "Datum: 19.11.2021 Autor: Fritz Imhof", "Sara Zinnecker Stand: 4. Mai"): never part of a name.
FOREIGN_LABEL_WORDS = frozenset({
    "über", "veröffentlicht", "aktualisiert", "stand", "datum", "uhr", "quelle", "autor", "beiträge", "publié",
    "auteur", "publicado", "actualizado",
})
# Words of widget labels, never of a byline ("About the Author", "View all posts").
BYLINE_LABEL_WORDS = frozenset({
    "author", "authors", "by", "written", "posted", "about", "more", "view", "all", "posts",
    "articles", "share", "follow", "read", "min", "updated", "published", "profile", "bio",
    "contact", "email", "comments", "comment", "reply", "search", "menu", "home", "sign", "log",
    "reviewed", "reviewer",
    "category",  # "By Category": a filter's label (WCXB dev 0132)
}) | FOREIGN_LABEL_WORDS
BYLINE_SEPARATORS = {"|", "·", "•", "-"}
MAX_BYLINE_LINE_CHARS = 160
# Own text that opens a byline line in any element.
BYLINE_START = re.compile(rf"\s*(?:(?:(?:written|posted|authored)\s+)?by\b|{_FOREIGN_LEAD}(?=\s))", re.IGNORECASE)
REVIEWER_START = re.compile(r"\s*(?:(?:medically|clinically)\s+)?(?:reviewed|fact[- ]checked)\s+by\b", re.IGNORECASE)
# An element holding only a byline's label, with the name in the element after it
# (<p>Written by</p><p>Edzel Tabing</p>, <h3>Author</h3><p>Lisa D. Ellis</p>).
BYLINE_LABEL = re.compile(r"\s*(?:(?:(?:written|posted|authored|article)\s+)?by|authors?)\s*:?\s*$", re.IGNORECASE)
MAX_LABEL_SIBLINGS = 3  # elements after the label looked at for the name (an avatar may come first)
NOT_BYLINE_TAGS = {"script", "style", "title", "option", "pre", "code", "figcaption", "blockquote"}
MAX_VERBATIM_BYLINES = 2  # different ones on a page: more are reviews or teasers
# Where a post may show its date: <time>, and elements whose class names a date or a meta bar.
DATE_SELECTORS = ["time", "[class*=date]", "[class*=meta]", "[class*=datum]", "[class*=fecha]"]  # German, Spanish
# Post meta bars mixing people, dates and terms: only text after a role phrase names people.
BYLINE_CONTAINER_SELECTORS = [
    ".elementor-post-info", ".entry-meta", ".post-meta", ".blog-meta", ".Blog-meta",
    ".blog-item-meta", "[data-hook=post-metadata]",
]

# Regions whose bylines and dates belong to other posts (teasers) or to the site, not this post.
ELSEWHERE_SELECTORS = (
    "nav", "footer", "aside", "[class*=related]", "[class*=recent]", "[class*=sidebar]",
    ".widget", "[class*=widget-area]", "[data-hook=related-posts]", "[class*=BlogList]",
    "[class*=post-list]", "[class*=pagination]", "[class*=BlogItem-pagination]",
)

# Containers of post teasers. One platform teaser on a page without article markup makes a
# listing (an author page with one post); generic containers need two.
PLATFORM_TEASER_SELECTORS = [
    ".BlogList-item", "[data-hook=post-list-item__article]", ".elementor-post", ".summary-item",
    ".blog-item", ".post-list-item",
]
GENERIC_TEASER_SELECTORS = ["article", ".post", ".hentry", ".type-post"]
# URL paths and queries of blog indexes, archives, categories, tags and author pages.
LISTING_URL = re.compile(
    r"/(?:author|authors|profile|category|categories|tag|tags|topic|topics|archive|archives)(?:/|$)"
    r"|/page/\d+/?$|[?&](?:category|tag|author|offset|page)=",
    re.IGNORECASE,
)
# A post's own dated permalink (/2025/12/16/vibe-coding.html): a listing word before it ("/archives/")
# names where the post is filed, not an index.
DATED_PERMALINK = re.compile(r"/(?:19|20)\d{2}/\d{1,2}/\d{1,2}/[^/]*[a-z][^/]*/?$", re.IGNORECASE)
# The path of a section page itself: the section word and its name, nothing after ("/category/gadgets/").
SECTION_PAGE_PATH = re.compile(r"/(?:category|categories|tag|tags|topic|topics)/[^/]+/?$", re.IGNORECASE)

# Query parameters that only say where a click came from, never which page it is: the crawl
# drops them from URLs, and a home page URL holding only them is still the home page.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "srsltid",
    "mc_cid", "mc_eid", "_ga", "_gl", "ref_src", "_hsenc", "_hsmi", "mkt_tok",
})
TRACKING_PREFIXES = ("utm_", "hsa_")

ARTICLE_TYPES = {
    "Article", "BlogPosting", "NewsArticle", "MedicalScholarlyArticle", "Report",
    "ScholarlyArticle", "TechArticle", "SocialMediaPosting", "AnalysisNewsArticle",
}
LISTING_TYPES = {"CollectionPage", "Blog", "ItemList", "ProfilePage", "SearchResultsPage"}
# <body> classes of archive templates: WordPress prints "archive" with the archive's kind
# (category, tag, tax-product_cat, author, date, post-type-archive), Drupal its taxonomy path.
ARCHIVE_TEMPLATE_KINDS = re.compile(r"^(?:category|tag|tax-[\w-]+|author|date|post-type-archive(?:-[\w-]+)?)$")
TAXONOMY_TEMPLATE_CLASSES = {"path-taxonomy", "page-taxonomy-term", "search-results"}

# Role phrases, longest first, so "Medically reviewed by" wins over "by": (phrase, role, label).
ROLE_PHRASES = [
    ("medically reviewed by", "reviewer", "medical reviewer"),
    ("clinically reviewed by", "reviewer", "clinical reviewer"),
    ("fact checked by", "reviewer", "fact checker"),
    ("fact-checked by", "reviewer", "fact checker"),
    ("reviewed by", "reviewer", "reviewer"),
    # People credited for other work than writing the post: neither authors nor reviewers.
    ("updated by", "contributor", "updater"),
    ("tested by", "contributor", "tester"),
    ("researched by", "contributor", "researcher"),
    ("edited by", "contributor", "editor"),
    ("photos by", "contributor", "photographer"),
    ("photography by", "contributor", "photographer"),
    ("illustrations by", "contributor", "illustrator"),
    ("written by", "author", "author"),
    ("posted by", "author", "author"),
    ("authored by", "author", "author"),
    ("authors:", "author", "author"),
    ("author:", "author", "author"),
    ("by", "author", "author"),
]
ROLE_PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(p) for p, _, _ in ROLE_PHRASES) + r")(?=[\s:])\s*:?",
    re.IGNORECASE,
)
ROLE_OF_PHRASE = {phrase: (role, label) for phrase, role, label in ROLE_PHRASES}

# Month names of German, French, Spanish, Italian, Portuguese and Dutch, which dateutil can't read
# (and English ones, written day first with a dot: "19. September 2019").
MONTH_NUMBERS = {
    name: number for number, names in enumerate((
        "januar jänner janvier enero gennaio janeiro januari", "februar février febrero febbraio fevereiro februari",
        "märz mars marzo março maart", "april avril abril aprile", "mai mayo maggio maio mei",
        "juni juin junio giugno junho", "juli juillet julio luglio julho", "august août agosto augustus",
        "september septembre septiembre settembre setembro", "oktober octobre octubre ottobre outubro",
        "november novembre noviembre novembro", "dezember décembre diciembre dicembre dezembro december",
    ), start=1) for name in names.split()
}

# Post-nominal credentials seen on clinic sites; anything else all-caps and short counts too.
CREDENTIALS = {
    "MD", "DO", "PT", "DPT", "PhD", "RN", "NP", "PA", "PA-C", "ND", "NMD", "DC", "RD", "RDN",
    "LDN", "LD", "MS", "MSc", "MPH", "MBA", "FNP", "FNP-BC", "FNP-C", "DNP", "APRN", "BSN", "MSN",
    "CSCS", "ATC", "OCS", "SCS", "FAAOS", "FACS", "FAAPMR", "FAAFP", "LAc", "LMT", "OTR/L", "OT",
    "CNS", "CPT", "DPM", "DDS", "DMD", "PharmD", "IFMCP", "CCN", "CDN", "CDCES", "CDE", "LPC",
    "LCSW", "PsyD", "EdD", "MSPT", "MBBS", "MRCP", "FRCS", "CISSN", "FAIHM", "ABOIM", "FAARFM",
    "CFMP", "MA", "BA", "BS", "BSc", "MScPT", "COMT", "FAAOMPT", "CMPT", "CMTPT", "RYT", "Jr", "Sr",
}
CREDENTIAL_PATTERN = re.compile(r"^[A-Z][A-Za-z]{0,2}[A-Z](?:[-/][A-Z][A-Za-z]?)?\.?$")
NAME_PREFIXES = re.compile(r"^(?:dr|doctor|prof|professor|mr|mrs|ms|mx)\.?\s+", re.IGNORECASE)

# Byline text that is not a person.
NOT_NAMES = {
    "admin", "administrator", "staff", "editor", "editorial team", "team", "guest",
    "follow author", "follow", "author", "anonymous", "unknown", "webmaster", "marketing",
}

# <meta> names of a post's publication date, after Open Graph's: news and CMS plugins
# (Parse.ly, Sailthru, cXense), Google Scholar's citation_*, Dublin Core.
PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "date", "dc.date", "dcterms.created",
    "og:article:published_time", "article:first_published_time", "citation_publication_date",
    "citation_date", "citation_online_date", "parsely-pub-date", "sailthru.date", "cxenseparse:publishtime",
    "pubdate", "publish_date", "publish-date", "published-date", "publisheddate", "published", "dc.date.issued",
)

# Visible date labels.
MODIFIED_LABELS = re.compile(r"\b(updated|modified|last reviewed|revised)\b", re.IGNORECASE)
# Classes of the regions whose dates are a comment's or another post's card, never this post's.
OTHER_DATES_CLASSES = re.compile(r"comment|card|latest|views-row", re.IGNORECASE)

# Links to a post's own categories and tags, on any CMS.
CATEGORY_HREF = re.compile(r"/(?:category|categories|topics?|section)/|[?&]category=", re.IGNORECASE)
TAG_HREF = re.compile(r"/(?:tag|tags|hashtags?)/|[?&]tag=", re.IGNORECASE)

# Headings that open a references list.
REFERENCE_HEADINGS = re.compile(
    r"^\s*(references?|sources?|citations?|bibliography|works cited|literature( cited)?|studies cited"
    r"|research|further reading|quellen|literatur|références|fuentes)\s*:?\s*$",
    re.IGNORECASE,
)
# Text that looks like a citation: "J Orthop Res. 2017;35(3):1-9", "(2019)", "et al", a DOI or PMID.
CITATION_HINTS = re.compile(
    r"\b(?:19|20)\d{2}\s*[;:(]|\((?:19|20)\d{2}\)|\bet al\b|\bdoi\b|10\.\d{4,9}/|\bPMID\b|\bPMC\d+",
    re.IGNORECASE,
)
# Hosts whose links point at studies.
STUDY_HOSTS = re.compile(
    r"(?:^|\.)(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov|doi\.org|europepmc\.org"
    r"|sciencedirect\.com|springer\.com|link\.springer\.com|wiley\.com|jamanetwork\.com|nejm\.org"
    r"|thelancet\.com|bmj\.com|nature\.com|frontiersin\.org|mdpi\.com|plos\.org|cochranelibrary\.com"
    r"|tandfonline\.com|sagepub\.com|academic\.oup\.com|journals\.lww\.com|jospt\.org|ahajournals\.org"
    r"|clinicaltrials\.gov|biomedcentral\.com|cell\.com|science\.org|karger\.com|thieme-connect\.com)$",
    re.IGNORECASE,
)

# Reference works on study hosts (NCBI Bookshelf, e.g. StatPearls) are not studies.
NOT_STUDY_PATHS = ("/books/",)

# Calls to action: a class/id token or Squarespace layout label naming one.
# Divi's call-to-action module is "et_pb_promo"; other themes say "promo-block", "promo-banner".
CTA_NAME = re.compile(r"(?:^|[-_])(?:cta|promo)(?:$|[-_])|call-to-action|calltoaction", re.IGNORECASE)
DISCLAIMER_NAME = re.compile(r"disclaimer", re.IGNORECASE)
# "This article is for informational purposes only", "The information in this post is provided
# for general education": a statement of what the post is for, not part of it. (On WCXB dev no
# annotated main text holds one; paragraphs headed "Disclaimer:" it sometimes does.)
DISCLAIMER_STATEMENT = re.compile(
    r"^\s*(?:the\s+|all\s+)?(?:this|information|content|material)\b[\w\s,'’-]{0,60}?\b(?:is|are)\s+"
    r"(?:provided\s+|offered\s+|shared\s+|written\s+|intended\s+|meant\s+|designed\s+)?"
    r"(?:solely\s+|only\s+|strictly\s+)?(?:for|as)\s+(?:general\s+)?(?:informational?|educational?|education)\b",
    re.IGNORECASE)
DISCLAIMER_TEXT = re.compile(rf"^\s*(?:medical\s+)?disclaimer\b|{DISCLAIMER_STATEMENT.pattern}", re.IGNORECASE)
REVIEWED_LABEL = re.compile(r"\breviewed\s+(?:on|in)\b", re.IGNORECASE)
