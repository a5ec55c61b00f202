"""The archive schema, applied as migrations (each once, recorded in _sqlite_migrations)."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("clinic_archive")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db["sites"].create(
        {"name": str, "start_urls": str, "allowed_domains": str, "first_crawled": str,
         "last_crawled": str},
        pk="name",
    )
    db["runs"].create(
        {"id": int, "started": str, "finished": str, "status": str, "sites": str, "stats": str},
        pk="id",
    )
    db["articles"].create(
        {   # analysts read left to right: what, who, when first; provenance last
            "id": str, "title": str, "site": str, "authors": str, "reviewers": str,
            "published": str, "modified": str, "url": str, "word_count": int, "description": str,
            "body_text": str, "body_markdown": str, "published_source": str,
            "modified_source": str, "canonical_url": str, "language": str, "site_name": str,
            "content_hash": str, "extractor_version": str, "capture_id": int,
            "capture_sha256": str, "first_seen": str, "last_seen": str, "run_id": int,
        },
        pk="id",
        foreign_keys=[("site", "sites", "name"), ("run_id", "runs", "id")],
    )
    db["articles"].create_index(["site"])
    db["articles"].create_index(["published"])
    db["people"].create({"id": int, "name": str, "credentials": str, "url": str}, pk="id")
    db["people"].create_index(["name"], unique=True)
    db["article_people"].create(
        {"article_id": str, "person_id": int, "role": str, "position": int, "credentials": str},
        pk=("article_id", "person_id", "role"),
        foreign_keys=[("article_id", "articles", "id"), ("person_id", "people", "id")],
    )
    db["article_people"].create_index(["person_id"])
    db["urls"].create(
        {"url": str, "site": str, "kind": str, "reason": str, "status": int,
         "last_fetched": str, "capture_id": int, "article_id": str, "run_id": int},
        pk="url",
        foreign_keys=[("site", "sites", "name")],
    )
    db["articles"].enable_fts(["title", "body_text"], create_triggers=True, tokenize="porter")


@migrations()
def m002_article_fields(db: sqlite_utils.Database) -> None:
    """Fields of extractor 0.2: terms, review date, promotions, and what each post cites and links."""
    articles = db["articles"]
    for column, kind in [("categories", str), ("tags", str), ("reviewed", str), ("reviewed_source", str),
                         ("image", str), ("disclaimer", str), ("ctas", str)]:
        articles.add_column(column, kind)
    db["article_people"].add_column("role_label", str)
    db["citations"].create(
        {"article_id": str, "position": int, "text": str, "doi": str, "pmid": str, "pmcid": str,
         "url": str, "year": int},
        pk=("article_id", "position"), foreign_keys=[("article_id", "articles", "id")],
    )
    for column in ("doi", "pmid"):
        db["citations"].create_index([column])
    db["links"].create(
        {"article_id": str, "url": str, "text": str, "kind": str},
        pk=("article_id", "url"), foreign_keys=[("article_id", "articles", "id")],
    )
    db["links"].create_index(["kind"])


@migrations()
def m003_extraction_errors(db: sqlite_utils.Database) -> None:
    """Extractor 0.3 keeps a record when one field's step fails, and says which field and why."""
    db["articles"].add_column("extraction_errors", str)


@migrations()
def m004_crawl_state(db: sqlite_utils.Database) -> None:
    """Per-URL state for incremental, resumable crawls; deleted posts; each failed fetch per run."""
    urls = db["urls"]
    for column, kind in [("first_seen", str), ("depth", int), ("etag", str), ("last_modified", str),
                         ("content_sha256", str), ("last_checked", str), ("next_check", str),
                         ("check_interval", int), ("unchanged_checks", int),
                         ("gone_since", str), ("last_outcome", str)]:
        urls.add_column(column, kind)
    urls.create_index(["site", "kind"])
    urls.create_index(["next_check"])
    db["articles"].add_column("gone_since", str)
    db["sites"].add_column("extract_selectors", str)
    db["sites"].add_column("wp_api", str)
    db["fetch_errors"].create(
        {"id": int, "run_id": int, "site": str, "url": str, "status": int, "reason": str, "at": str},
        pk="id", foreign_keys=[("run_id", "runs", "id"), ("site", "sites", "name")],
    )
    db["fetch_errors"].create_index(["run_id"])
    db["fetch_errors"].create_index(["url"])


@migrations()
def m005_article_versions(db: sqlite_utils.Database) -> None:
    """Every distinct version of each article; existing articles start at version 1."""
    db["article_versions"].create(
        {"article_id": str, "version": int, "seen_at": str, "source": str, "changed": str, "title": str,
         "published": str, "modified": str, "authors": str, "reviewers": str, "references": str,
         "body_text": str, "body_markdown": str, "version_hash": str, "capture_id": int, "run_id": int,
         "extractor_version": str},
        pk=("article_id", "version"), foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_versions"].create_index(["seen_at"])
    from archive.store.versions import version_fields, version_hash  # a helper of this migration only

    for row in db.query("select * from articles"):
        references = [r["text"] for r in db.query(
            "select text from citations where article_id = ? order by position", [row["id"]])]
        fields = version_fields(row, references)
        db["article_versions"].insert({
            "article_id": row["id"], "version": 1, "seen_at": row["first_seen"], "source": "site",
            "changed": "[]", **fields, "version_hash": version_hash(fields), "capture_id": row["capture_id"],
            "run_id": row["run_id"], "extractor_version": row["extractor_version"]})


@migrations()
def m006_duplicate_groups(db: sqlite_utils.Database) -> None:
    """Groups of the same post across URLs and sites; rebuilt after every crawl and reprocess."""
    db["duplicate_groups"].create(
        {"group_id": int, "article_id": str, "kind": str, "similarity": float, "site": str},
        pk=("group_id", "article_id"),
    )
    db["duplicate_groups"].create_index(["article_id"], unique=True)  # one group per article


@migrations()
def m007_images(db: sqlite_utils.Database) -> None:
    """Each post's body images with alt text and caption; existing posts fill in when next saved."""
    db["images"].create(
        {"article_id": str, "position": int, "src": str, "alt": str, "caption": str},
        pk=("article_id", "position"), foreign_keys=[("article_id", "articles", "id")],
    )


@migrations()
def m008_article_year(db: sqlite_utils.Database) -> None:
    """A year to facet and group by, computed from published: nothing extra to keep in sync."""
    db.execute("alter table articles add column year integer generated always as "
               "(cast(nullif(substr(published, 1, 4), '') as integer)) virtual")


@migrations()
def m009_facet_indexes(db: sqlite_utils.Database) -> None:
    """Datasette's facets read one column of every row; an index holds it without the bodies."""
    for column in ("authors", "reviewers", "categories", "tags", "year"):
        db.execute(f"create index if not exists articles_{column} on articles({column})")


@migrations()
def m010_health_columns(db: sqlite_utils.Database) -> None:
    """The health page's per-run body lengths and per-site shares, without reading post bodies."""
    db["article_versions"].add_column("word_count", int)
    db["article_versions"].add_column("reference_count", int)
    db.register_function(lambda text: len((text or "").split()), name="words_in", deterministic=True)
    db.execute("update article_versions set word_count = words_in(body_text), "
               "reference_count = json_array_length(coalesce(nullif([references], ''), '[]'))")
    # Covering indexes: the page reads these columns of every row, never the bodies beside them.
    db.execute("create index if not exists article_versions_health on article_versions"
               "(run_id, article_id, word_count, reference_count, authors, published)")
    db.execute("create index if not exists articles_health on articles"
               "(site, id, authors, published, word_count, extraction_errors, gone_since)")


@migrations()
def m011_crawl_evidence(db: sqlite_utils.Database) -> None:
    """Where the site lists each URL and when it said the page changed: extraction evidence
    that `reprocess` must see as the crawl did."""
    for column in ("listed_in", "site_modified", "site_modified_source"):
        db["urls"].add_column(column, str)


@migrations()
def m012_site_profiles(db: sqlite_utils.Database) -> None:
    """What each site's pages taught extraction: repeated body blocks, templates of its posts."""
    db["site_profiles"].create(
        {"site": str, "learned_at": str, "pages": int, "posts": int, "boilerplate_blocks": int,
         "post_templates": int, "profile": str, "sample": str},
        pk="site", foreign_keys=[("site", "sites", "name")],
    )


@migrations()
def m013_date_reasons(db: sqlite_utils.Database) -> None:
    """Why a rule chose the published or modified date it did, where one chose among dates."""
    for column in ("published_why", "modified_why"):
        db["articles"].add_column(column, str)


@migrations()
def m014_wordpress_api_evidence(db: sqlite_utils.Database) -> None:
    """What the WordPress API says of a post: when it was published (date_gmt), its author's
    name and its categories and tags (JSON lists), for extraction and `reprocess` to weigh;
    and, per article, where the API stood on its authors and terms (field_sources)."""
    for column in ("site_published", "site_authors", "site_categories", "site_tags"):
        db["urls"].add_column(column, str)
    db["articles"].add_column("field_sources", str)



@migrations()
def m015_duplicate_index(db: sqlite_utils.Database) -> None:
    """Duplicate groups kept up to date as articles change (archive.duplicates), instead of
    rebuilt over the whole archive after every crawl: each article's MinHash signature and
    LSH band keys and near-copy component, and the articles whose groups wait to be settled. A group is named by its
    first member's article id, which stays while that member does; every article is grouped
    afresh by the next writer."""
    db["article_signatures"].create(
        {"article_id": str, "content_hash": str, "signature": bytes, "component": int}, pk="article_id")
    db["article_signatures"].create_index(["content_hash"])
    db["article_signatures"].create_index(["component"])
    db["signature_bands"].create({"band_key": int, "article_id": str})
    db["signature_bands"].create_index(["band_key"])
    db["signature_bands"].create_index(["article_id"])
    db["duplicates_pending"].create({"article_id": str, "signature": bytes}, pk="article_id")
    db["duplicate_groups"].drop()
    db["duplicate_groups"].create(
        {"group_id": str, "article_id": str, "kind": str, "similarity": float, "site": str},
        pk=("group_id", "article_id"),
    )
    db["duplicate_groups"].create_index(["article_id"], unique=True)  # one group per article
    db.execute("insert into duplicates_pending (article_id) select id from articles")

def open_archive(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) an archive database and bring its schema up to date."""
    db = sqlite_utils.Database(path)
    db.enable_wal()
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db


def fold_wal(path: str | Path) -> None:
    """Fold the WAL into the main file and leave WAL mode, for readers that trust the main file
    alone (Datasette's immutable mode). The caller holds the archive lock: no crawl is writing."""
    db = open_archive(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode = DELETE")  # readers of an immutable file ignore a WAL
    finally:
        db.close()
