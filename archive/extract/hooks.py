"""Per-site extraction hooks: a user's Python function, given a BeautifulSoup of the page.

A site's `extract.hooks` in sites.toml names functions as "module:function" or
"path/to/file.py:function". Each is called as `hook(soup, article)` after the generic rules
and the CSS overrides, with a fresh BeautifulSoup of the page and the Article so far, and
returns None or a dict of the fields it sets:

    def divi_reviewer(soup, article):
        module = soup.select_one(".et_pb_text:-soup-contains('Medically reviewed by')")
        return {"reviewers": [module.get_text(" ", strip=True)]} if module else None

`title` and `description` take a string; `authors` and `reviewers` a list of bylines
("Jane Roe, MD", read like any byline); `published`, `modified` and `reviewed` a date string
(source 'hook'); `categories` and `tags` a list of strings. A hook that raises or returns
anything else costs only its own change: the error is kept in the record's extraction_errors.
BeautifulSoup is for these hooks, off the hot path: a page is parsed for them only when its
site has hooks.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from archive.extract.byline_text import merge_people, parse_byline
from archive.extract.metadata import dated_text
from archive.records import Article

SOURCE = "hook"
_TEXT_FIELDS = ("title", "description")
_PEOPLE_FIELDS = {"authors": "author", "reviewers": "reviewer"}
_DATE_FIELDS = ("published", "modified", "reviewed")
_TERM_FIELDS = ("categories", "tags")
FIELDS = (*_TEXT_FIELDS, *_PEOPLE_FIELDS, *_DATE_FIELDS, *_TERM_FIELDS)


class HookError(ValueError):
    """A hook named in sites.toml that cannot be loaded, or that returned something unusable."""


def load_hook(spec: str, relative_to: Path | None = None) -> Callable:
    """The function a spec names: "package.module:function" or "file.py:function" (a relative
    file is found beside `relative_to`, the sites file). Raises HookError saying what is wrong."""
    target, _, name = spec.rpartition(":")
    if not target or not name:
        raise HookError(f"hook {spec!r}: write it as module:function or path/to/file.py:function")
    try:
        if target.endswith(".py"):
            path = Path(target)
            if not path.is_absolute() and relative_to is not None:
                path = relative_to / path
            module_spec = importlib.util.spec_from_file_location(f"clinic_archive_hook_{path.stem}", path)
            if module_spec is None or not path.is_file():
                raise HookError(f"hook {spec!r}: file {path} not found")
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(target)
    except HookError:
        raise
    except Exception as err:  # the user's module failed to import: say which and why
        raise HookError(f"hook {spec!r}: cannot load {target}: {type(err).__name__}: {err}") from None
    function = getattr(module, name, None)
    if not callable(function):
        raise HookError(f"hook {spec!r}: {target} has no function {name!r}")
    return function


@functools.cache
def _loaded(spec: str) -> Callable:
    return load_hook(spec)  # once per process: a hook file's module is built on first use


def apply_hooks(html: str, article: Article, specs: list[str]) -> Article:
    """The article with each hook's fields set in turn; failures go to extraction_errors."""
    soup = BeautifulSoup(html, "lxml")
    for spec in specs:
        try:
            changes = _loaded(spec)(soup, article)
            if changes is not None:
                article = dataclasses.replace(article, **_fields(changes))
        except Exception as err:  # user code: its failure is recorded, not raised into the crawl
            article.extraction_errors.append(f"hook {spec}: {type(err).__name__}: {err}")
    return article


def _fields(changes) -> dict:
    if not isinstance(changes, dict):
        raise HookError(f"returned {type(changes).__name__}; return None or a dict of fields")
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise HookError(f"unknown field {unknown[0]!r}; hooks may set {', '.join(FIELDS)}")
    fields = {}
    for key, value in changes.items():
        if key in _TEXT_FIELDS:
            fields[key] = _text(key, value)
        elif key in _PEOPLE_FIELDS:
            fields[key] = merge_people(parse_byline(_text(key, line), _PEOPLE_FIELDS[key])
                                       for line in _list(key, value))
        elif key in _DATE_FIELDS:
            fields[key] = dated_text(_text(key, value), SOURCE)
            if fields[key] is None:
                raise HookError(f"{key}: {value!r} is not a date")
        else:
            fields[key] = [_text(key, term) for term in _list(key, value)]
    return fields


def _text(key: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise HookError(f"{key}: expected a non-empty string, got {value!r}")
    return value.strip()


def _list(key: str, value) -> list:
    if not isinstance(value, list):
        raise HookError(f"{key}: expected a list of strings, got {type(value).__name__}")
    return value
