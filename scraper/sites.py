"""Load and validate the sites config (TOML); errors name the file, the site and the key."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

KNOWN_KEYS = {"name", "start_urls", "allowed_domains"}


class SitesConfigError(ValueError):
    """The sites file is missing, unreadable or invalid; the message says where and how to fix it."""


@dataclass(frozen=True)
class Site:
    name: str
    start_urls: list[str]
    allowed_domains: list[str] = field(default_factory=list)

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
    return Site(name=name.strip(), start_urls=start_urls, allowed_domains=[d.lower() for d in domains])
