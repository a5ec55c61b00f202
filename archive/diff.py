"""Word-level differences between two versions of an article.

The output reads like `git diff --word-diff=plain`: unchanged words as they are, removed
words in [-...-] and added words in {+...+}, so an analyst sees exactly what a clinic
edited without re-reading the whole post.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass

import sqlite_utils

from archive.store.versions import changed_parts

_TOKENS = re.compile(r"\S+\s*")  # each word with the whitespace after it


class VersionNotFound(LookupError):
    """The article or one of the asked-for versions is not in the archive."""


def word_diff_ops(old: str, new: str) -> list[tuple[str, str]]:
    """The new text as runs of ("equal" | "delete" | "insert", text), word by word."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    words_a, words_b = [t.rstrip() for t in a], [t.rstrip() for t in b]
    ops = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=words_a, b=words_b, autojunk=False).get_opcodes():
        if op == "equal":
            ops.append(("equal", "".join(b[j1:j2])))
            continue
        last = b[j2 - 1] if j2 > j1 else a[i2 - 1]
        if i2 > i1:
            ops.append(("delete", " ".join(words_a[i1:i2])))
        if j2 > j1:
            ops.append(("insert", " ".join(words_b[j1:j2])))
        ops.append(("equal", last[len(last.rstrip()):]))
    return ops


_PLAIN_MARKS = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}


def word_diff(old: str, new: str) -> str:
    """Both texts with removals as [-...-] and additions as {+...+}; unchanged words as they are."""
    return "".join(_PLAIN_MARKS[op].format(text) for op, text in word_diff_ops(old, new))


@dataclass
class VersionDiff:
    article_id: str
    old: dict
    new: dict

    @property
    def changed(self) -> list[str]:
        """What differs between the two versions: title, body, dates, people, references."""
        return changed_parts(self.old, self.new)

    def render(self) -> str:
        old, new = self.old, self.new
        lines = [f"article {self.article_id}: version {old['version']} ({old['seen_at']}, {old['source']}) "
                 f"-> version {new['version']} ({new['seen_at']}, {new['source']})",
                 f"changed: {', '.join(self.changed) or 'nothing'}"]
        for column in ("title", "published", "modified", "authors", "reviewers"):
            if old[column] != new[column]:
                lines.append(f"{column}: {old[column]} -> {new[column]}")
        old_refs, new_refs = json.loads(old["references"] or "[]"), json.loads(new["references"] or "[]")
        lines += [f"reference removed: {r}" for r in old_refs if r not in new_refs]
        lines += [f"reference added: {r}" for r in new_refs if r not in old_refs]
        lines += ["", word_diff(old["body_text"], new["body_text"])]
        return "\n".join(lines)


def version_diff(db: sqlite_utils.Database, article_id: str, old: int | None = None,
                 new: int | None = None) -> VersionDiff:
    """The difference between two versions; by default the one before the latest, and the latest."""
    versions = {row["version"]: row for row in db.query(
        "select * from article_versions where article_id = ? order by version", [article_id])}
    if not versions:
        raise VersionNotFound(f"no article {article_id!r} in the archive")
    new = new if new is not None else max(versions)
    old = old if old is not None else max(new - 1, min(versions))
    for number in (old, new):
        if number not in versions:
            raise VersionNotFound(f"article {article_id} has versions {sorted(versions)}, not {number}")
    return VersionDiff(article_id, versions[old], versions[new])
