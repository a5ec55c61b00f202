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
    "article",
    "main",
]

# Removed from the page before looking for the body: chrome, forms, promotions.
BOILERPLATE_SELECTORS = [
    "script", "style", "noscript", "template", "iframe", "svg", "button", "select", "textarea",
    "form", "[class*=gform_]", "[class*=wixui-form]",
    "nav", "header:not(article header)", "footer", "aside",
    "[role=navigation]", "[role=banner]", "[role=contentinfo]", "[role=complementary]",
    "[class*=cookie]", "[id*=cookie]", "[class*=consent]", "[id*=consent]",
    "[class*=share]", "[class*=social]", "[class*=sharedaddy]",
    "[class*=author-box]", "[class*=author-bio]", "[class*=about-author]", "[class*=post-author]",
    "[class*=related]", "[class*=recent-posts]", "[data-hook=related-posts]",
    "[class*=sidebar]", "[class*=widget-area]", "[class*=newsletter]", "[class*=subscribe]",
    "[id=comments]", "[class*=comments]", "[class*=comment-respond]",
    "[class*=call-to-action]", "[class*=cta-]", "[class*=-cta]", "[class*=disclaimer]",
    "[class*=breadcrumb]", "[class*=pagination]", "[class*=post-navigation]",
    "[class*=BlogItem-pagination]", "[class*=BlogItem-comments]", "[data-hook=post-footer]",
    "[class*=entry-meta]", "[class*=post-meta]", "[class*=blog-meta]", "[class*=byline]",
    "[class*=entry-footer]", "[class*=tags-links]", "[class*=cat-links]",
    "[hidden]", "[aria-hidden=true]",
    "[id*=ez-toc]", "[class*=ez-toc]", "[id=toc_container]", "[class*=table-of-contents]", ".toc",
]

# Elements whose whole text is a byline ("By Sarah Lee, PT, DPT" or just the name).
BYLINE_SELECTORS = [
    "[class*=byline]", "[rel=author]", "[class*=author-name]", "[class*=entry-author]",
    "[class*=blog-author]", "[data-hook=user-name]", "[itemprop=author]", "[class*=reviewer]",
    "[class*=reviewed]", "[class*=post-author]",
]
# Post meta bars mixing people, dates and terms: only text after a role phrase names people.
BYLINE_CONTAINER_SELECTORS = [
    ".elementor-post-info", ".entry-meta", ".post-meta", ".blog-meta", ".Blog-meta",
    ".blog-item-meta", "[data-hook=post-metadata]",
]

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

ARTICLE_TYPES = {
    "Article", "BlogPosting", "NewsArticle", "MedicalScholarlyArticle", "Report",
    "ScholarlyArticle", "TechArticle", "SocialMediaPosting", "AnalysisNewsArticle",
}
LISTING_TYPES = {"CollectionPage", "Blog", "ItemList", "ProfilePage", "SearchResultsPage"}

# Role phrases, longest first, so "Medically reviewed by" wins over "by".
ROLE_PHRASES = [
    ("medically reviewed by", "reviewer"),
    ("clinically reviewed by", "reviewer"),
    ("fact checked by", "reviewer"),
    ("fact-checked by", "reviewer"),
    ("reviewed by", "reviewer"),
    ("written by", "author"),
    ("posted by", "author"),
    ("authored by", "author"),
    ("author:", "author"),
    ("by", "author"),
]
ROLE_PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(p) for p, _ in ROLE_PHRASES) + r")(?=[\s:])\s*:?",
    re.IGNORECASE,
)
ROLE_OF_PHRASE = dict(ROLE_PHRASES)

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

# Visible date labels.
MODIFIED_LABELS = re.compile(r"\b(updated|modified|last reviewed|revised)\b", re.IGNORECASE)
PUBLISHED_LABELS = re.compile(r"\b(published|posted|written)\b", re.IGNORECASE)
