"""Posts published more than once: one post syndicated across a franchise's clinic sites,
or reachable at several URLs of one site.

Exact copies share a content_hash. Near copies (a clinic name swapped, a sentence edited)
are found with MinHash over word 5-shingles, indexed in an LSH so that only likely pairs
are compared rather than every pair in the archive.

The groups are kept as articles change, never rebuilt over the whole archive: a new or
changed article is marked (archive.store.mark_for_grouping, with the signature its
extraction worker made), and at the writer's next commit `settle_duplicates` files it in
the index and regroups only the components of near copies and the content hashes it
touches. The result is the same as grouping the whole archive afresh
(`find_duplicate_groups`, which tests hold it to).
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import sqlite_utils

from archive.store.duplicates import (
    article_contents,
    article_sites,
    awaiting_grouping,
    clear_duplicate_index,
    component_members,
    merge_components,
    new_component,
    regroup,
    same_content,
    save_signature,
    set_component,
    settled,
    sharing_bands,
    stored_signatures,
)

if TYPE_CHECKING:
    from datasketch import MinHash

logger = logging.getLogger(__name__)

NUM_PERM = 128
SHINGLE_WORDS = 5
THRESHOLD = 0.8  # estimated Jaccard of two bodies' shingles from which they are near copies
# Shorter bodies are mostly boilerplate (contact stubs, "coming soon") and would all match.
MIN_WORDS = 50
# How LSH weighs (false candidates, missed pairs). A false candidate costs one comparison,
# since every candidate is checked against the threshold; a missed pair is a lost group.
# At threshold 0.8, datasketch's even default (0.5, 0.5) finds 40% of pairs at 0.8 and 69%
# at 0.85; these weights find 87% and 97%.
LSH_WEIGHTS = (0.1, 0.9)
# Signatures are datasketch's MinHash values, computed here with numpy alone: importing
# datasketch brings scipy, 47 MB in every process of a crawl. Its permutations for its
# default seed, drawn as it draws them:
_MERSENNE_PRIME, _MAX_HASH = np.uint64((1 << 61) - 1), np.uint64((1 << 32) - 1)
_draw = np.random.RandomState(1)
_A, _B = np.array([(_draw.randint(1, _MERSENNE_PRIME, dtype=np.uint64),
                    _draw.randint(0, _MERSENNE_PRIME, dtype=np.uint64)) for _ in range(NUM_PERM)], dtype=np.uint64).T
# The LSH bands, which slices of a signature two articles must share to be compared: datasketch's
# MinHashLSH(THRESHOLD, NUM_PERM, LSH_WEIGHTS) picks 14 bands of 9 (tests/test_duplicates.py checks).
BANDS = [(band * 9, band * 9 + 9) for band in range(14)]
_SETTLE_CHUNK = 500  # articles read and signed at a time, so a first grouping stays small


class Member(NamedTuple):
    article_id: str
    site: str
    similarity: float  # estimated Jaccard against the group's first member; 1.0 for exact copies


@dataclass
class DuplicateGroup:
    """Articles that are copies of one post. kind is 'exact' (same content_hash) or 'near'
    (MinHash similarity); members are ordered by article id, the first being the reference,
    whose id names the group."""

    group_id: str
    kind: str
    members: list[Member]


def body_signature(text: str) -> bytes | None:
    """The body's MinHash as stored (128 little-endian uint32), or None when it is too short
    to compare. Extraction workers make it, so the writer doesn't."""
    if len(text.split()) < MIN_WORDS:
        return None
    return body_hashvalues(text).astype("<u4").tobytes()


def band_keys(signature: bytes) -> list[int]:
    """One 64-bit key per LSH band: articles that share a key are candidates."""
    values = np.frombuffer(signature, dtype="<u4")
    return [int.from_bytes(hashlib.blake2b(bytes([band]) + values[start:end].tobytes(), digest_size=8).digest(),
                           "little", signed=True) for band, (start, end) in enumerate(BANDS)]


def settle_duplicates(db: sqlite_utils.Database) -> int:
    """Regroup what the articles marked since the last settling touch, in one transaction
    (a savepoint in the writer's batch); returns how many articles were regrouped.

    Each indexed article belongs to a component of near copies (connected by pairs at
    THRESHOLD or above). A new article joins the components of the articles it matches, so
    adding costs one band look-up and a comparison with its candidates; only a component an
    article left (its body changed) is worked out again from its members.

    Example:
        mark_for_grouping(db, article_id, body_signature(article.body_text))
        settle_duplicates(db)
    """
    with db.atomic():
        waiting = awaiting_grouping(db)
        work = _Work(db)
        for start in range(0, len(waiting), _SETTLE_CHUNK):
            work.index(waiting[start:start + _SETTLE_CHUNK])
        settled(db, [article_id for article_id, _ in waiting])
        for component in work.left:
            work.joined |= _split(db, component, work)
        if not work.joined and not work.hashes:
            return 0
        region, components = _region(db, work.joined, work.hashes)
        regroup(db, region, _group_rows(db, _groups(db, region, components, work)))
    logger.debug("duplicates: %s marked articles regrouped %s", len(waiting), len(region))
    return len(region)


def rebuild_duplicate_groups(db: sqlite_utils.Database) -> int:
    """Forget the index and group every article afresh; returns how many groups there are.
    Only for an index that is suspect: settle_duplicates keeps it as articles change.

    Example:
        rebuild_duplicate_groups(open_archive("archive.db"))
    """
    with db.atomic():
        clear_duplicate_index(db)
        settle_duplicates(db)
    return db.execute("select count(distinct group_id) from duplicate_groups").fetchone()[0]


def find_duplicate_groups(db: sqlite_utils.Database, threshold: float = THRESHOLD) -> list[DuplicateGroup]:
    """Every group of two or more copies of one post, from the articles' bodies alone (no
    index), in order of each group's first article id: what the kept groups must equal.

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
    return [DuplicateGroup(members[0].article_id, kind, members) for kind, members in found]


class _Work:
    """One settling: the signatures read so far, and what it touched."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.signatures: dict[str, bytes | None] = {}
        self.left: set[int] = set()     # components an article left: may have come apart
        self.joined: set[int] = set()   # components whose groups are to be made again
        self.hashes: set[str] = set()   # content hashes an article took or gave up

    def index(self, waiting: list[tuple[str, bytes | None]]) -> None:
        """Store the marked articles' signatures, each in the component of what it matches."""
        db = self.db
        ids = [article_id for article_id, _ in waiting]
        before = stored_signatures(db, ids)
        contents = article_contents(db, ids, with_text=False)
        contents.update(article_contents(db, [i for i, signature in waiting if signature is None], with_text=True))
        for article_id, signature in waiting:
            content_hash, body = contents.get(article_id, (None, None))
            if signature is None and body is not None:
                signature = body_signature(body)
            old = before.get(article_id)
            if old is not None and old[:2] == (content_hash, signature):
                continue  # what it reads as changed, not what it is compared by
            if old is not None:
                self.hashes.add(old[0])
                self.left.add(old[2])
            if content_hash is None:  # gone
                save_signature(db, article_id, None, None, [])
                continue
            self.hashes.add(content_hash)
            component = new_component(db)
            save_signature(db, article_id, content_hash, signature, band_keys(signature) if signature else [],
                           component)
            self.signatures[article_id] = signature
            if signature is not None:
                matched = {row[2] for row in stored_signatures(db, self.matches(article_id, signature)).values()}
                if matched:
                    component = merge_components(db, matched | {component})
            self.joined.add(component)

    def matches(self, article_id: str, signature: bytes, among: set[str] | None = None) -> list[str]:
        """The indexed articles (of `among`, if given) whose signatures reach THRESHOLD against this one."""
        candidates = [other for other in sharing_bands(self.db, band_keys(signature))
                      if other != article_id and (among is None or other in among)]
        self.load(candidates)
        signed = [other for other in candidates if self.signatures[other] is not None]
        if not signed:
            return []
        scores = _similarities(signature, [self.signatures[other] for other in signed])
        return [other for other, score in zip(signed, scores) if score >= THRESHOLD]

    def load(self, article_ids) -> None:
        missing = [article_id for article_id in article_ids if article_id not in self.signatures]
        for article_id, (_, signature, _) in stored_signatures(self.db, missing).items():
            self.signatures[article_id] = signature


def _similarities(signature: bytes, others: list[bytes]) -> np.ndarray:
    """Estimated Jaccard of one signature with each of the others, as datasketch's
    MinHash.jaccard estimates it."""
    matrix = np.frombuffer(b"".join(others), dtype="<u4").reshape(len(others), NUM_PERM)
    return np.count_nonzero(matrix == np.frombuffer(signature, dtype="<u4"), axis=1) / NUM_PERM


def _split(db: sqlite_utils.Database, component: int, work: _Work) -> set[int]:
    """Work a component out again from its members' pairs, after one of them left or changed;
    returns the components it is now."""
    members = component_members(db, [component]).get(component, [])
    if len(members) < 2:
        return {component} if members else set()
    within = set(members)
    work.load(members)
    edges = [(article_id, other) for article_id in members if work.signatures[article_id] is not None
             for other in work.matches(article_id, work.signatures[article_id], within)]
    parts = sorted(_components(members, edges, smallest=1), key=len, reverse=True)
    found = {component}
    for part in parts[1:]:  # the largest keeps the number
        number = new_component(db)
        set_component(db, part, number)
        found.add(number)
    return found


def _region(db: sqlite_utils.Database, components: set[int], hashes: set[str]) -> tuple[set[str], set[int]]:
    """The articles whose groups may change: the touched components' members and the articles
    of the touched content hashes, closed over both (an article's group depends on its
    component and on whether its content is shared). Groups outside stay as they are."""
    region: set[str] = set()
    components, hashes = set(components), set(hashes)
    new_components, new_hashes = set(components), set(hashes)
    while new_components or new_hashes:
        found = {i for ids in component_members(db, new_components).values() for i in ids}
        found |= {i for ids in same_content(db, new_hashes).values() for i in ids}
        found -= region
        region |= found
        indexed = stored_signatures(db, found)
        new_components = {row[2] for row in indexed.values()} - components
        new_hashes = {row[0] for row in indexed.values()} - hashes
        components |= new_components
        hashes |= new_hashes
    return region, components


def _groups(db: sqlite_utils.Database, region: set[str], components: set[int], work: _Work,
            ) -> list[tuple[str, list[tuple[str, float]]]]:
    """(kind, [(article id, similarity)]) of each group in the region, as find_duplicate_groups
    would make them: exact copies first, near components of the rest."""
    indexed = stored_signatures(db, region)
    by_hash: dict[str, list[str]] = {}
    for article_id in sorted(region):
        by_hash.setdefault(indexed[article_id][0], []).append(article_id)
    exact = [ids for ids in by_hash.values() if len(ids) > 1]
    in_exact = {article_id for ids in exact for article_id in ids}
    groups = [("exact", [(article_id, 1.0) for article_id in ids]) for ids in exact]
    for members in component_members(db, components).values():
        ids = [article_id for article_id in members if article_id not in in_exact]
        if len(ids) > 1:
            work.load(ids)
            scores = _similarities(work.signatures[ids[0]], [work.signatures[i] for i in ids])
            groups.append(("near", [(i, float(score)) for i, score in zip(ids, scores)]))
    return groups


def _group_rows(db: sqlite_utils.Database, groups: list[tuple[str, list[tuple[str, float]]]]) -> list[dict]:
    sites = article_sites(db, [article_id for _, members in groups for article_id, _ in members])
    return [{"group_id": members[0][0], "article_id": article_id, "kind": kind, "similarity": score,
             "site": sites.get(article_id)}
            for kind, members in groups for article_id, score in members]


def _components(nodes, edges: list[tuple[str, str]], smallest: int = 2) -> list[list[str]]:
    """Connected components of `smallest` nodes or more (union-find)."""
    parent = {node: node for node in nodes}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for first, second in edges:
        low, high = sorted((root(first), root(second)))
        parent[high] = low
    components: dict[str, list[str]] = {}
    for node in parent:
        components.setdefault(root(node), []).append(node)
    return [ids for ids in components.values() if len(ids) >= smallest]


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The runs of `size` consecutive words of the lower-cased, whitespace-normalised text."""
    words = text.lower().split()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def body_hashvalues(text: str) -> np.ndarray:
    """The MinHash values of the body's shingles, as datasketch's MinHash(hashfunc=zlib.crc32)
    gives them. CRC-32 rather than datasketch's SHA-1 per shingle: the permutations do the
    mixing, and it takes a third less of each extraction worker's time."""
    hashed = np.array([zlib.crc32(shingle.encode("utf-8")) for shingle in shingles(text)], dtype=np.uint64, ndmin=2).T
    if hashed.size == 0:
        return np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
    return np.bitwise_and((hashed * _A + _B) % _MERSENNE_PRIME, _MAX_HASH).min(axis=0)


def body_minhash(text: str) -> MinHash:
    """The body's datasketch MinHash (for the from-scratch grouping)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, hashvalues=body_hashvalues(text))


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
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
    for article_id, signature in signatures.items():
        lsh.insert(article_id, signature.minhash)
    edges = [(article_id, other)
             for article_id, signature in signatures.items()
             # LSH candidates include misses; the estimate decides.
             for other in lsh.query(signature.minhash)
             if other > article_id and signature.minhash.jaccard(signatures[other].minhash) >= threshold]
    return _components(signatures, edges)
