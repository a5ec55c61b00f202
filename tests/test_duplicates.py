import random
import re

import pytest
import sqlite_utils

from archive.duplicates import (
    MIN_WORDS,
    DuplicateGroup,
    Member,
    body_signature,
    find_duplicate_groups,
    rebuild_duplicate_groups,
    settle_duplicates,
)
from archive.records import Article
from archive.store import mark_for_grouping, open_archive
from archive.store.schema import migrations

VOCABULARY = """
knee shoulder hip spine back neck elbow wrist ankle joint cartilage tendon ligament muscle nerve disc
pain inflammation swelling stiffness arthritis injury strain sprain tear fracture degeneration recovery
patients doctors physicians therapists clinic treatment therapy injection regenerative platelet plasma
stem cells hyaluronic acid steroid surgery replacement rehabilitation exercise stretching strength
mobility posture balance sleep diet weight walking running cycling swimming golf tennis work office
many most some few often usually rarely sometimes daily weekly after before during while because
although however therefore also still only even both either each every other another such which
improves reduces relieves supports restores protects strengthens heals repairs prevents worsens causes
helps allows lets makes keeps shows suggests finds reports notes explains recommends considers
study research trial evidence results outcomes benefits risks options choices goals plans weeks months
years minutes hours the a an of to in on for with without by from about into over under between
your their our its this that these those new older younger active chronic acute mild severe common rare
""".split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(8, 16))]
    return " ".join(words).capitalize() + "."


def post(seed: int, words: int = 300) -> list[str]:
    """Sentences of a made-up clinic post of about `words` words; a seed gives one post."""
    rng = random.Random(seed)
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(sentence(rng))
    return sentences


def text(sentences: list[str]) -> str:
    # Paragraphs of four sentences, as extracted bodies come.
    return "\n\n".join(" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4))


def edited(sentences: list[str], seed: int) -> list[str]:
    """The post with one sentence in the middle rewritten, as a franchise clinic would."""
    copy = list(sentences)
    copy[len(copy) // 2] = sentence(random.Random(seed))
    return copy


SITES = ["Clinic East", "Clinic North", "Clinic South", "Clinic West"]


@pytest.fixture
def db(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    for name in SITES:
        db["sites"].insert({"name": name})
    return db


def add_article(db, article_id: str, site: str, body: str, title: str = "Knee pain explained") -> None:
    url = f"http://{site.lower().replace(' ', '-')}.test/blog/{article_id}/"
    content_hash = Article(url=url, title=title, body_text=body, body_markdown=body).content_hash
    db["articles"].insert({"id": article_id, "site": site, "url": url, "title": title, "body_text": body,
                           "content_hash": content_hash})


def groups_table(db) -> list[dict]:
    return list(db.query("select * from duplicate_groups order by group_id, article_id"))


def test_exact_copy_across_two_sites_is_one_exact_group(db):
    body = text(post(1))
    add_article(db, "a1", "Clinic North", body)
    add_article(db, "b1", "Clinic South", "  " + body.replace("\n\n", "\n") + "\n")  # only whitespace differs
    assert find_duplicate_groups(db) == [
        DuplicateGroup("a1", "exact", [Member("a1", "Clinic North", 1.0), Member("b1", "Clinic South", 1.0)])]


def test_lightly_edited_copy_is_a_near_group(db):
    original = post(2)
    add_article(db, "a1", "Clinic North", text(original))
    add_article(db, "b1", "Clinic South", text(edited(original, seed=102)))
    [group] = find_duplicate_groups(db)
    assert (group.group_id, group.kind) == ("a1", "near")
    assert [(m.article_id, m.site) for m in group.members] == [("a1", "Clinic North"), ("b1", "Clinic South")]
    assert group.members[0].similarity == 1.0
    assert 0.8 <= group.members[1].similarity < 1.0


def test_unrelated_posts_are_not_grouped(db):
    add_article(db, "a1", "Clinic North", text(post(3)))
    add_article(db, "b1", "Clinic South", text(post(4)))
    add_article(db, "c1", "Clinic North", text(post(5)), title="Shoulder pain explained")
    assert find_duplicate_groups(db) == []


def test_short_pages_are_not_near_duplicates(db):
    # The same boilerplate under two titles: different hashes, and too short to compare.
    stub = text(post(6, words=30))
    assert len(stub.split()) < MIN_WORDS
    add_article(db, "a1", "Clinic North", stub, title="Contact our knee team")
    add_article(db, "b1", "Clinic South", stub, title="Contact our spine team")
    assert find_duplicate_groups(db) == []


def test_near_group_leaves_out_articles_of_an_exact_group(db):
    original = post(7)
    add_article(db, "a1", "Clinic North", text(original))
    add_article(db, "b1", "Clinic South", text(original))
    add_article(db, "c1", "Clinic East", text(edited(original, seed=107)))
    add_article(db, "d1", "Clinic West", text(edited(original, seed=207)))
    groups = find_duplicate_groups(db)
    assert [(g.group_id, g.kind, [m.article_id for m in g.members]) for g in groups] == [
        ("a1", "exact", ["a1", "b1"]),
        ("c1", "near", ["c1", "d1"]),
    ]
    assert 0.8 <= groups[1].members[1].similarity < 1.0


def test_lone_edited_copy_of_an_exact_group_is_left_ungrouped(db):
    # Exact wins: c1 is near a1 and b1, but they are taken, and a group of one is no group.
    original = post(8)
    add_article(db, "a1", "Clinic North", text(original))
    add_article(db, "b1", "Clinic South", text(original))
    add_article(db, "c1", "Clinic East", text(edited(original, seed=108)))
    assert [(g.kind, [m.article_id for m in g.members]) for g in find_duplicate_groups(db)] == [
        ("exact", ["a1", "b1"])]


def test_a_group_is_named_by_its_smallest_article_id(db):
    near, exact = post(9), post(10)
    add_article(db, "a1", "Clinic North", text(near))
    add_article(db, "z9", "Clinic South", text(edited(near, seed=109)))
    add_article(db, "c3", "Clinic North", text(exact))
    add_article(db, "b2", "Clinic South", text(exact))
    assert [(g.group_id, g.kind, g.members[0].article_id) for g in find_duplicate_groups(db)] == [
        ("a1", "near", "a1"), ("b2", "exact", "b2")]


def test_rebuild_writes_one_row_per_member(db):
    near, exact = post(11), post(12)
    add_article(db, "a1", "Clinic North", text(exact))
    add_article(db, "b1", "Clinic South", text(exact))
    add_article(db, "c1", "Clinic North", text(near))
    add_article(db, "d1", "Clinic East", text(edited(near, seed=111)))
    add_article(db, "e1", "Clinic West", text(post(13)))
    assert rebuild_duplicate_groups(db) == 2
    rows = groups_table(db)
    assert [(r["group_id"], r["article_id"], r["kind"], r["site"]) for r in rows] == [
        ("a1", "a1", "exact", "Clinic North"), ("a1", "b1", "exact", "Clinic South"),
        ("c1", "c1", "near", "Clinic North"), ("c1", "d1", "near", "Clinic East")]
    assert [r["similarity"] for r in rows[:3]] == [1.0, 1.0, 1.0]
    assert 0.8 <= rows[3]["similarity"] < 1.0
    assert db["duplicate_groups"].pks == ["group_id", "article_id"]


def test_rebuild_again_gives_identical_rows(db):
    original = post(14)
    add_article(db, "a1", "Clinic North", text(original))
    add_article(db, "b1", "Clinic South", text(original))
    add_article(db, "c1", "Clinic East", text(edited(original, seed=114)))
    add_article(db, "d1", "Clinic West", text(edited(original, seed=214)))
    rebuild_duplicate_groups(db)
    first = groups_table(db)
    rebuild_duplicate_groups(db)
    assert groups_table(db) == first
    assert len(first) == 4


def test_rebuild_drops_groups_that_no_longer_hold(db):
    original = post(15)
    add_article(db, "a1", "Clinic North", text(original))
    add_article(db, "b1", "Clinic South", text(original))
    assert rebuild_duplicate_groups(db) == 1
    body = text(post(16))
    db["articles"].update("b1", {"body_text": body, "content_hash": Article(
        url="http://clinic-south.test/blog/b1/", title="Knee pain explained", body_text=body,
        body_markdown=body).content_hash})
    assert rebuild_duplicate_groups(db) == 0
    assert groups_table(db) == []


def test_a_post_syndicated_to_a_second_clinic_site_is_grouped_and_parted_when_rewritten(own_sites):
    source = own_sites.root / "frontrange-spine" / "blog" / "tennis-elbow-prp" / "index.html"
    copy = source.read_text().replace("https://frontrange-spine.test", "https://harbor-physio.test")
    (own_sites.root / "harbor-physio" / "blog" / "tennis-elbow-prp.html").write_text(copy)
    listing = own_sites.root / "harbor-physio" / "blog.html"
    listing.write_text(listing.read_text().replace("</body>", '<a href="/blog/tennis-elbow-prp">PRP</a></body>'))
    result = own_sites.crawl(sites_file=own_sites.sites_file(only=["frontrange-spine", "harbor-physio"]))
    assert result.returncode == 0, result.stderr[-2000:]
    db = sqlite_utils.Database(own_sites.db)
    groups = list(db.query("select group_id, kind, group_concat(site) as sites from duplicate_groups "
                           "group by group_id"))
    assert [(g["kind"], sorted(g["sites"].split(","))) for g in groups] == [
        ("exact", ["frontrange-spine", "harbor-physio"])]
    db.close()
    # The copy's clinic rewrites it into a post of its own; the revisit parts the group.
    sentences = iter(post(50, words=3000))
    (own_sites.root / "harbor-physio" / "blog" / "tennis-elbow-prp.html").write_text(re.sub(
        r"(<p\b[^>]*>)[^<]{40,}", lambda m: m.group(1) + " ".join(next(sentences) for _ in range(3)), copy))
    result = own_sites.crawl("--recheck-all", sites_file=own_sites.sites_file(only=["frontrange-spine",
                                                                                    "harbor-physio"]))
    assert result.returncode == 0, result.stderr[-2000:]
    db = sqlite_utils.Database(own_sites.db)
    assert db.execute("select count(*) from duplicate_groups").fetchone()[0] == 0
    assert db.execute("select count(*) from duplicates_pending").fetchone()[0] == 0
    assert db.execute("select count(*) from article_signatures").fetchone()[0] == db["articles"].count


# --- groups kept as articles change --------------------------------------------------------

def put(db, article_id: str, site: str, body: str, title: str = "Knee pain explained",
        signed: bool = True) -> None:
    """Store (or change) an article and mark it, as Archive.ingest does; `signed` as when an
    extraction worker made its signature, else the writer makes it from the stored body."""
    url = f"http://{site.lower().replace(' ', '-')}.test/blog/{article_id}/"
    content_hash = Article(url=url, title=title, body_text=body, body_markdown=body).content_hash
    db["articles"].upsert({"id": article_id, "site": site, "url": url, "title": title, "body_text": body,
                           "content_hash": content_hash}, pk="id")
    mark_for_grouping(db, article_id, body_signature(body) if signed else None)


def full_grouping(db) -> list[dict]:
    """The rows a grouping of the whole archive from scratch gives."""
    return sorted(({"group_id": group.group_id, "article_id": member.article_id, "kind": group.kind,
                    "similarity": member.similarity, "site": member.site}
                   for group in find_duplicate_groups(db) for member in group.members),
                  key=lambda row: (row["group_id"], row["article_id"]))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_groups_kept_through_random_edits_equal_grouping_the_whole_archive(db, seed):
    rng = random.Random(seed)
    originals = [post(100 + n) for n in range(3)]
    stub = text(post(99, words=30))
    ids = [f"p{n:02}" for n in range(14)]
    for step in range(60):
        article_id = rng.choice(ids)
        choice = rng.random()
        if choice < 0.35:
            body = text(rng.choice(originals))                                  # an exact copy
        elif choice < 0.75:
            body = text(edited(rng.choice(originals), seed=rng.randrange(10**6)))  # a near copy
        elif choice < 0.9:
            body = text(post(rng.randrange(10**6)))                              # a post of its own
        else:
            body = stub                                                          # too short to compare
        put(db, article_id, SITES[ids.index(article_id) % len(SITES)], body, signed=rng.random() < 0.7)
        if rng.random() < 0.4:
            settle_duplicates(db)
            assert groups_table(db) == full_grouping(db), f"after step {step}"
    settle_duplicates(db)
    assert groups_table(db) == full_grouping(db)
    assert groups_table(db), "the edits should leave some groups to compare"


def chain() -> tuple[str, str, str]:
    """Three overlapping windows of one long post: first ~ middle ~ last, first !~ last."""
    sentences = post(40, words=1600)
    return text(sentences[0:100]), text(sentences[8:108]), text(sentences[16:116])


def test_a_changed_article_that_joined_two_copies_parts_them(db):
    first, middle, last = chain()
    put(db, "a1", "Clinic North", first)
    put(db, "b1", "Clinic South", middle)
    put(db, "c1", "Clinic East", last)
    settle_duplicates(db)
    assert [(r["group_id"], r["article_id"]) for r in groups_table(db)] == [
        ("a1", "a1"), ("a1", "b1"), ("a1", "c1")]
    put(db, "b1", "Clinic South", text(post(41)))  # the middle one is rewritten
    assert settle_duplicates(db) == 3
    assert groups_table(db) == [] == full_grouping(db)


def test_an_article_joining_an_exact_pair_as_its_new_first_member_renames_the_group(db):
    body = text(post(42))
    put(db, "m1", "Clinic North", body)
    put(db, "n1", "Clinic South", body)
    settle_duplicates(db)
    put(db, "a0", "Clinic East", body)
    settle_duplicates(db)
    assert [(r["group_id"], r["article_id"]) for r in groups_table(db)] == [
        ("a0", "a0"), ("a0", "m1"), ("a0", "n1")]


def test_nothing_marked_settles_nothing(db):
    put(db, "a1", "Clinic North", text(post(43)))
    assert settle_duplicates(db) == 1
    assert settle_duplicates(db) == 0
    put(db, "a1", "Clinic North", text(post(43)), title="A new title, the same body")
    assert settle_duplicates(db) == 1  # its content hash moved, so its exact peers are looked at


def test_an_archive_grouped_before_the_index_is_grouped_again_by_its_next_writer(tmp_path):
    from archive.runs import ArchiveWriter
    path = tmp_path / "archive.db"
    old = sqlite_utils.Database(path)
    migrations.apply(old, stop_before="m015_duplicate_index")
    for name in SITES:
        old["sites"].insert({"name": name})
    body = text(post(44))
    add_article(old, "a1", "Clinic North", body)
    add_article(old, "b1", "Clinic South", body)
    old["duplicate_groups"].insert_all([{"group_id": 1, "article_id": i, "kind": "exact", "similarity": 1.0,
                                         "site": s} for i, s in (("a1", "Clinic North"), ("b1", "Clinic South"))])
    old.close()
    with ArchiveWriter.open(path):
        pass
    db = sqlite_utils.Database(path)
    assert [(r["group_id"], r["article_id"]) for r in groups_table(db)] == [("a1", "a1"), ("a1", "b1")]
    assert db["duplicates_pending"].count == 0


def test_the_extraction_worker_signs_the_body_and_a_fleet_message_carries_the_signature():
    from archive import wire
    from archive.reading import Job, run_job
    from archive.records import Capture

    body = text(post(51))
    page = (f"<html><head><title>Knee pain</title><meta property='og:type' content='article'></head><body>"
            f"<article><h1>Knee pain</h1><p>{body.replace(chr(10) * 2, '</p><p>')}</p></article></body></html>")
    url = "https://clinic.test/blog/knee-pain/"
    reading, _ = run_job(Job(page.encode(), url))
    assert reading.signature == body_signature(reading.result.body_text) is not None
    capture = Capture(url=url, final_url=url, status=200, headers={}, body=page.encode(),
                      fetched_at="2026-12-03T10:00:00+00:00", site="Clinic", reading=reading)
    assert wire.decode(wire.encode(capture))[1].reading.signature == reading.signature


def test_templated_pages_that_all_match_make_one_group_as_they_arrive_and_part_when_one_changes(db):
    # A franchise's location pages: one template, a sentence edited per clinic.
    template = post(52)
    for n in range(40):
        put(db, f"loc{n:02}", SITES[n % len(SITES)], text(edited(template, seed=5200 + n)))
        if n % 7 == 0:
            settle_duplicates(db)
    settle_duplicates(db)
    assert {(r["group_id"], r["kind"]) for r in groups_table(db)} == {("loc00", "near")}
    assert len(groups_table(db)) == 40
    put(db, "loc00", SITES[0], text(post(53)))  # the first one is rewritten
    settle_duplicates(db)
    assert groups_table(db) == full_grouping(db)
    assert {r["group_id"] for r in groups_table(db)} == {"loc01"}


def test_signatures_and_bands_are_datasketchs_own():
    import zlib

    from datasketch import MinHash, MinHashLSH

    from archive.duplicates import BANDS, LSH_WEIGHTS, NUM_PERM, THRESHOLD, body_hashvalues, shingles

    body = text(post(54))
    theirs = MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32)
    theirs.update_batch(shingle.encode("utf-8") for shingle in shingles(body))
    assert list(body_hashvalues(body)) == list(theirs.hashvalues)
    assert BANDS == MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, weights=LSH_WEIGHTS).hashranges
