"""Links and images of the post body, and its main image."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from archive.extract import vocab
from archive.extract.markdown import inline_text
from archive.extract.metadata import article_node
from archive.extract.page import Page, text_of
from archive.records import Image, Link


def body_links(main, page_url: str | None) -> list[Link]:
    """Every distinct link in the body, kind 'study', 'internal' or 'external'."""
    links: dict[str, Link] = {}
    for ref in main.iter("ref"):
        target = (ref.get("target") or "").strip()
        if not target or target.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = urljoin(page_url or "", target)
        if urlsplit(url).scheme in ("http", "https") and url not in links:
            links[url] = Link(url=url, text=inline_text(ref), kind=link_kind(url, page_url))
    return list(links.values())


def link_kind(url: str, page_url: str | None) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if vocab.STUDY_HOSTS.search(host) and not parts.path.startswith(vocab.NOT_STUDY_PATHS):
        return "study"
    page_host = (urlsplit(page_url or "").hostname or "").lower()
    same_site = page_host and (host == page_host or host.removeprefix("www.") == page_host.removeprefix("www."))
    return "internal" if same_site else "external"


def body_images(container, page_url: str | None) -> list[Image]:
    """Images inside the post body container, with alt text and figure captions."""
    if container is None:
        return []
    images: dict[str, Image] = {}
    for img in container.iter("img"):
        src = img.get("src") or img.get("data-src") or ""
        if not src or src.startswith("data:"):
            continue
        src = urljoin(page_url or "", src.strip())
        figure = next((a for a in img.iterancestors() if a.tag == "figure"), None)
        caption = figure.find(".//figcaption") if figure is not None else None
        images.setdefault(src, Image(src=src, alt=img.get("alt") or None,
                                     caption=text_of(caption) or None if caption is not None else None))
    return list(images.values())


def find_image(page: Page) -> str | None:
    """The post's main image: og:image, else the JSON-LD image."""
    image = page.first_meta("og:image", "og:image:url", "twitter:image")
    if image:
        return image
    return _url_of((article_node(page) or {}).get("image"))


def _url_of(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id")
    return value if isinstance(value, str) and value else None
