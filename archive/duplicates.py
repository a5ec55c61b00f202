"""Posts published more than once: one post syndicated across a franchise's clinic sites,
or reachable at several URLs of one site.

Exact copies share a content_hash. Near copies (a clinic name swapped, a sentence edited)
are found with MinHash over word 5-shingles, indexed in an LSH so that only likely pairs
are compared rather than every pair in the archive.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import NamedTuple

import sqlite_utils
from datasketch import MinHash, MinHashLSH

from archive.store import replace_duplicate_groups

logger = logging.getLogger(__name__)

NUM_PERM = 128
SHINGLE_WORDS = 5
# Shorter bodies are mostly boilerplate (contact stubs, "coming soon") and would all match.
MIN_WORDS = 50
# How LSH weighs (false candidates, missed pairs). A false candidate costs one comparison,
# since every candidate is checked against the threshold; a missed pair is a lost group.
# At threshold 0.8, datasketch's even default (0.5, 0.5) finds 40% of pairs at 0.8 and 69%
# at 0.85; these weights find 87% and 97%.
LSH_WEIGHTS = (0.1, 0.9)
# MinHash draws the same permutations from its seed every time; draw them once and share them.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM).permutations


class Member(NamedTuple):
    article_id: str
    site: str
    similarity: float  # estimated Jaccard against the group's first member; 1.0 for exact copies


@dataclass
class DuplicateGroup:
    """Articles that are copies of one post. kind is 'exact' (same content_hash) or 'near'
    (MinHash similarity); members are ordered by article id, the first being the reference."""

    group_id: int
    kind: str
    members: list[Member]


def find_duplicate_groups(db: sqlite_utils.Database, threshold: float = 0.8) -> list[DuplicateGroup]:
    """Every group of two or more copies of one post, numbered from 1 in order of each group's
    smallest article id, so the same archive always gives the same groups.

    An article is in at most one group: an exact group wins, and a near group keeps only the
    members that are not in any exact group (dropped when fewer than two remain).
    """
    exact = _exact_groups(db)
    in_exact = {member.article_id for members in exact for member in members}
    signatures = _signatures(db)
    near = []
    for component in _near_components(signatures, threshold):
        ids = sorted(set(component) - in_exact)
        if len(ids) > 1:
            reference = signatures[ids[0]].minhash
            near.append([Member(i, signatures[i].site, reference.jaccard(signatures[i].minhash)) for i in ids])
    found = [("exact", members) for members in exact] + [("near", members) for members in near]
    found.sort(key=lambda kind_members: kind_members[1][0].article_id)
    logger.info("duplicates: %s exact and %s near groups among %s comparable articles",
                len(exact), len(near), len(signatures))
    return [DuplicateGroup(number, kind, members) for number, (kind, members) in enumerate(found, start=1)]


def rebuild_duplicate_groups(db: sqlite_utils.Database, threshold: float = 0.8) -> int:
    """Replace the duplicate_groups table with the groups found now; returns how many.

    Example:
        rebuild_duplicate_groups(open_archive("archive.db"))
    """
    groups = find_duplicate_groups(db, threshold)
    rows = [
        {"group_id": group.group_id, "article_id": member.article_id, "kind": group.kind,
         "similarity": member.similarity, "site": member.site}
        for group in groups for member in group.members
    ]
    # Found before the transaction: hashing a large archive shouldn't hold the write lock.
    replace_duplicate_groups(db, rows)
    return len(groups)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The runs of `size` consecutive words of the lower-cased, whitespace-normalised text."""
    words = text.lower().split()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def body_minhash(text: str) -> MinHash:
    minhash = MinHash(num_perm=NUM_PERM, permutations=_PERMUTATIONS)
    minhash.update_batch(shingle.encode("utf-8") for shingle in shingles(text))
    return minhash


class _Signature(NamedTuple):
    site: str
    minhash: MinHash


def _exact_groups(db: sqlite_utils.Database) -> list[list[Member]]:
    groups: dict[str, list[Member]] = {}
    for row in db.query(
        "select content_hash, id, site from articles where content_hash in ("
        " select content_hash from articles where content_hash is not null"
        " group by content_hash having count(*) > 1)"
        " order by content_hash, id"
    ):
        groups.setdefault(row["content_hash"], []).append(Member(row["id"], row["site"], 1.0))
    return list(groups.values())


def _signatures(db: sqlite_utils.Database) -> dict[str, _Signature]:
    """A MinHash of each article long enough to compare; bodies are read one row at a time."""
    signatures = {}
    for row in db.query("select id, site, body_text from articles order by id"):
        body = row["body_text"] or ""
        if len(body.split()) >= MIN_WORDS:
            signatures[row["id"]] = _Signature(row["site"], body_minhash(body))
    return signatures


def _near_components(signatures: dict[str, _Signature], threshold: float) -> list[list[str]]:
    """Connected components of the pairs whose estimated Jaccard reaches the threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
    for article_id, signature in signatures.items():
        lsh.insert(article_id, signature.minhash)
    parent = {article_id: article_id for article_id in signatures}

    def root(article_id: str) -> str:
        while parent[article_id] != article_id:
            parent[article_id] = parent[parent[article_id]]
            article_id = parent[article_id]
        return article_id

    for article_id, signature in signatures.items():
        # LSH candidates include misses; the estimate decides.
        for other in lsh.query(signature.minhash):
            if other > article_id and signature.minhash.jaccard(signatures[other].minhash) >= threshold:
                first, second = sorted((root(article_id), root(other)))
                parent[second] = first
    components: dict[str, list[str]] = {}
    for article_id in signatures:
        components.setdefault(root(article_id), []).append(article_id)
    return [ids for ids in components.values() if len(ids) > 1]
