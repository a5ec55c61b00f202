"""Load and validate the sites config (TOML); errors name the file, the site and the key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cssselect import GenericTranslator, SelectorSyntaxError

KNOWN_KEYS = {"name", "start_urls", "allowed_domains", "include", "exclude", "max_pages", "max_depth",
              "delay", "contact_url", "extract"}
EXTRACT_KEYS = {"body", "author", "date"}  # CSS selectors; and "hooks", a list of functions
DEFAULT_MAX_PAGES = 5000


class SitesConfigError(ValueError):
    """The sites file is missing, unreadable or invalid; the message says where and how to fix it."""


@dataclass(frozen=True)
class Site:
    name: str
    start_urls: list[str]
    allowed_domains: list[str] = field(default_factory=list)
    include: list[re.Pattern] = field(default_factory=list)  # none: every page on the domains
    exclude: list[re.Pattern] = field(default_factory=list)
    max_pages: int = DEFAULT_MAX_PAGES
    max_depth: int | None = None  # link hops from a start URL; sitemaps and feeds are depth 0
    delay: float | None = None  # seconds between requests; None: the crawl's DOWNLOAD_DELAY
    contact_url: str | None = None
    extract: dict = field(default_factory=dict)  # CSS overrides (body, author, date) and hooks

    def wants(self, url: str) -> bool:
        """A page this site's crawl should fetch: on its domains, matching include, not exclude."""
        if not self.allows(url):
            return False
        if self.include and not any(p.search(url) for p in self.include):
            return False
        return not any(p.search(url) for p in self.exclude)

    def allows(self, url: str) -> bool:
        """True when the URL's host (with port, if any) is one of this site's domains."""
        netloc = urlsplit(url).netloc.lower().rsplit("@", 1)[-1]
        host = netloc.split(":")[0]
        for domain in self.allowed_domains:
            if ":" in domain:
                if netloc == domain:
                    return True
            elif host == domain or host.endswith("." + domain):
                return True
        return False

    def origins(self) -> list[str]:
        """scheme://host[:port] of every start URL, once each, for robots.txt."""
        seen: list[str] = []
        for url in self.start_urls:
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in seen:
                seen.append(origin)
        return seen


def load_sites(path: str | Path) -> list[Site]:
    """Read a sites file; raise SitesConfigError with file, site and key on any problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SitesConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SitesConfigError(f"{path}: cannot read: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise SitesConfigError(f"{path}: not valid TOML: {err}") from None
    entries = data.get("site")
    if not isinstance(entries, list) or not entries:
        raise SitesConfigError(f"{path}: no [[site]] tables; add at least one with name and start_urls")
    sites = [_site(path, index, entry) for index, entry in enumerate(entries, 1)]
    names = [s.name for s in sites]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SitesConfigError(f"{path}: site name {duplicates[0]!r} is used twice; names must be unique")
    return sites


def _site(path: Path, index: int, entry: dict) -> Site:
    name = entry.get("name")
    label = f"site {name!r}" if isinstance(name, str) and name.strip() else f"site #{index}"
    if not isinstance(name, str) or not name.strip():
        raise SitesConfigError(f"{path}: {label}: key 'name': required, a non-empty string")
    unknown = sorted(set(entry) - KNOWN_KEYS)
    if unknown:
        raise SitesConfigError(
            f"{path}: {label}: key {unknown[0]!r}: unknown; known keys are {', '.join(sorted(KNOWN_KEYS))}")
    start_urls = entry.get("start_urls")
    if (not isinstance(start_urls, list) or not start_urls
            or not all(isinstance(u, str) and urlsplit(u).scheme in ("http", "https")
                       and urlsplit(u).netloc for u in start_urls)):
        raise SitesConfigError(
            f"{path}: {label}: key 'start_urls': required, a list of http(s) URLs")
    domains = entry.get("allowed_domains")
    if domains is None:
        domains = list(dict.fromkeys(urlsplit(u).netloc.lower() for u in start_urls))
    elif not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
        raise SitesConfigError(f"{path}: {label}: key 'allowed_domains': a list of host names")
    return Site(
        name=name.strip(), start_urls=start_urls, allowed_domains=[d.lower() for d in domains],
        include=_patterns(path, label, entry, "include"), exclude=_patterns(path, label, entry, "exclude"),
        max_pages=_number(path, label, entry, "max_pages", int, 1, DEFAULT_MAX_PAGES),
        max_depth=_number(path, label, entry, "max_depth", int, 0, None),
        delay=_number(path, label, entry, "delay", (int, float), 0, None),
        contact_url=_contact_url(path, label, entry), extract=_selectors(path, label, entry),
    )


def _patterns(path: Path, label: str, entry: dict, key: str) -> list[re.Pattern]:
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise SitesConfigError(f"{path}: {label}: key {key!r}: a list of URL regular expressions")
    patterns = []
    for value in values:
        try:
            patterns.append(re.compile(value))
        except re.error as err:
            raise SitesConfigError(f"{path}: {label}: key {key!r}: {value!r} is not a valid regex: {err}") from None
    return patterns


def _number(path: Path, label: str, entry: dict, key: str, kind, minimum, default):
    value = entry.get(key, default)
    if value is default:
        return value
    if isinstance(value, bool) or not isinstance(value, kind) or value < minimum:
        what = "a whole number" if kind is int else "a number of seconds"
        raise SitesConfigError(f"{path}: {label}: key {key!r}: {what}, at least {minimum}")
    return value


def _contact_url(path: Path, label: str, entry: dict) -> str | None:
    value = entry.get("contact_url")
    if value is not None and not (isinstance(value, str) and urlsplit(value).scheme in ("http", "https", "mailto")):
        raise SitesConfigError(f"{path}: {label}: key 'contact_url': an http(s) or mailto: URL")
    return value


def _selectors(path: Path, label: str, entry: dict) -> dict:
    table = dict(entry.get("extract", {})) if isinstance(entry.get("extract", {}), dict) else None
    if table is None:
        raise SitesConfigError(f"{path}: {label}: key 'extract': a table with {', '.join(sorted(EXTRACT_KEYS))}, hooks")
    hooks = table.pop("hooks", None)
    for key, css in table.items():
        if key not in EXTRACT_KEYS:
            raise SitesConfigError(f"{path}: {label}: key 'extract.{key}': unknown; known keys are "
                                   f"{', '.join(sorted(EXTRACT_KEYS))}, hooks")
        try:
            if not isinstance(css, str):
                raise SelectorSyntaxError("not a string")
            GenericTranslator().css_to_xpath(css)
        except SelectorSyntaxError as err:
            raise SitesConfigError(f"{path}: {label}: key 'extract.{key}': not a valid CSS selector: {err}") from None
    if hooks is not None:
        table["hooks"] = _hooks(path, label, hooks)
    return table


def _hooks(path: Path, label: str, specs) -> list[str]:
    """Hook specs with file paths made absolute, each loaded once now so a typo fails here."""
    if not isinstance(specs, list) or not all(isinstance(spec, str) for spec in specs):
        raise SitesConfigError(f"{path}: {label}: key 'extract.hooks': a list of \"module:function\" "
                               "or \"file.py:function\" strings")
    from archive.extract.hooks import HookError, load_hook  # the extractor: only a site with hooks needs it here

    resolved = []
    for spec in specs:
        target, _, name = spec.rpartition(":")
        if target.endswith(".py") and not Path(target).is_absolute():
            spec = f"{(path.parent / target).resolve()}:{name}"
        try:
            load_hook(spec)
        except HookError as err:
            raise SitesConfigError(f"{path}: {label}: key 'extract.hooks': {err}") from None
        resolved.append(spec)
    return resolved
