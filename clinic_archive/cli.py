"""The clinic-archive command line: thin click commands over the library."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import click

from archive.store import ArchiveLock, ArchiveLocked, articles_per_site, latest_run, open_archive
from scraper.sites import SitesConfigError, load_sites


@click.group()
@click.version_option(package_name="clinic-archive")
def cli():
    """Archive what health clinics publish on their blogs.

    Crawl clinic sites into a SQLite archive, extract clean article records, and
    search them with Datasette.
    """


@cli.command()
@click.option("--sites", "sites_path", required=True, type=click.Path(dir_okay=False),
              help="Sites config (TOML); see sites.example.toml.")
@click.option("--db", "db_path", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
              help="Archive database to create or update.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or ARCHIVE_* setting, e.g. -s DOWNLOAD_DELAY=2.")
@click.option("--recheck-all", is_flag=True,
              help="Check every known page now, not only those due (conditional GETs still apply).")
@click.option("--redis", "redis_url", metavar="URL",
              help="Crawl as one worker of a fleet sharing this Redis (e.g. redis://10.0.0.5:6379/0); "
                   "captures go to Redis for `clinic-archive ingest`, and --db is unused. "
                   "Needs the 'distributed' extra.")
def crawl(sites_path, db_path, overrides, recheck_all, redis_url):
    """Crawl the configured sites into the archive.

    Pages already archived are fetched again only when due (their check interval doubles
    while they stay unchanged) or when a sitemap or the WordPress API says they changed,
    and then with If-None-Match / If-Modified-Since. A crawl killed halfway resumes from
    what it stored. One crawl at a time may write an archive.

    Example:

        clinic-archive crawl --sites sites.toml --db archive.db
    """
    try:
        load_sites(sites_path)
    except SitesConfigError as err:
        raise click.ClickException(f"{err}\nHint: see sites.example.toml for every option.") from None
    settings = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="-s/--set")
        settings[name] = value
    from scraper.crawl import run_crawl  # Scrapy is heavy; only crawl needs it

    if recheck_all:
        settings["ARCHIVE_RECHECK_ALL"] = "True"
    if redis_url:
        _connect_redis(redis_url)
        settings["ARCHIVE_REDIS_URL"] = redis_url
        stats = run_crawl(sites_path, db_path, settings)
        _print_worker_counts(stats)
        return
    try:
        lock = ArchiveLock(db_path).acquire()
    except ArchiveLocked as err:
        raise click.ClickException(str(err)) from None
    try:
        settings["ARCHIVE_LOCK_HELD"] = "True"
        stats = run_crawl(sites_path, db_path, settings)
    finally:
        lock.release()
    if stats.get("archive/writer_died"):
        raise click.ClickException(f"{stats['archive/writer_died']}, so the crawl stopped. What it committed "
                                   "is kept; run the crawl again to go on from there.")
    db = open_archive(db_path)
    run = latest_run(db)
    per_site = articles_per_site(db)
    db.close()
    _print_counts(per_site, run)
    failed = [site for site in per_site if not _answered(run["stats"].get(site, {}))]
    if failed:
        raise click.ClickException(f"no page could be fetched from: {', '.join(failed)}; "
                                   "see the runs, fetch_errors and urls tables for the reasons")


def _connect_redis(url: str):
    """A Redis client for the fleet, or one clear error."""
    try:
        import redis
    except ImportError:
        raise click.ClickException("distributed crawling needs the 'distributed' extra: "
                                   "pip install 'clinic-archive[distributed]'") from None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)
        client.ping()
    except (redis.RedisError, ValueError) as err:
        raise click.ClickException(f"cannot reach Redis at {url}: {err}\n"
                                   "Hint: start redis-server, or check the URL (redis://HOST:PORT/DB).") from None
    return client


def _print_worker_counts(stats: dict) -> None:
    fetched = stats.get("downloader/response_count", 0)
    reason = stats.get("finish_reason", "finished")
    click.echo(f"worker done ({reason}): {fetched} responses; captures are queued in Redis "
               "for `clinic-archive ingest`")


@cli.command()
@click.option("--redis", "redis_url", required=True, metavar="URL", help="The fleet's Redis.")
@click.option("--db", "db_path", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
              help="Archive database to create or update.")
@click.option("--prefix", default="clinic-archive", show_default=True,
              help="Redis key prefix: the crawlers' ARCHIVE_REDIS_PREFIX.")
@click.option("--until-idle", is_flag=True,
              help="Exit once no capture waits and no crawler is alive, instead of running until "
                   "SIGTERM or Ctrl-C.")
def ingest(redis_url, db_path, prefix, until_idle):
    """Store what a fleet of crawlers queued in Redis: the archive's one writer.

    Same extraction, versions and runs as a local crawl. It holds the archive lock while it
    runs, publishes the archive's crawl state for the crawlers to plan from, and closes a
    run when its last crawler finishes. Killed, it loses nothing: captures wait in Redis.

    Example:

        clinic-archive ingest --redis redis://10.0.0.5:6379/0 --db archive.db
    """
    import logging
    import signal

    from archive.fleet.ingester import Ingester
    from archive.fleet.keys import FleetKeys

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    client = _connect_redis(redis_url)
    stop = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.append(True))
    try:
        with Ingester(client, FleetKeys(prefix), db_path) as ingester:
            summary = ingester.run(until_idle=until_idle, should_stop=lambda: bool(stop))
    except ArchiveLocked as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"stored {summary.stored} items; rejected {summary.rejected}; "
               f"runs finished: {', '.join(map(str, summary.runs_finished)) or 'none'}")


def _answered(counts: dict) -> bool:
    """Whether a site answered this run: pages fetched or unchanged, or none due for a check."""
    skipped = counts.get("skipped_by", {})
    return bool(counts.get("fetched") or counts.get("unchanged") or skipped.get("not due")
                or skipped.get("lastmod"))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--urls", "urls_tsv", type=click.File("r", encoding="utf-8"),
              help="TSV of path<TAB>url, giving each file's original URL.")
def extract(paths, urls_tsv):
    """Extract article records from saved HTML files, one JSON object per line.

    PATHS are .html or .html.gz files, or directories of them.

    Example:

        clinic-archive extract saved-pages/ --urls urls.tsv > records.jsonl
    """
    from archive.extract import UnparseablePage
    from archive.extract import extract as extract_page

    urls = {}
    if urls_tsv:
        for line in urls_tsv:
            if "\t" in line:
                path, url = line.rstrip("\n").split("\t", 1)
                urls[str(Path(path))] = url
    for file in _html_files(paths):
        record = {"file": str(file)}
        try:
            raw = file.read_bytes()
            if file.suffix == ".gz":
                raw = gzip.decompress(raw)
            result = extract_page(raw, urls.get(str(file)))
            record.update(result.to_dict())
        except (OSError, EOFError, UnparseablePage) as err:
            record.update({"kind": "error", "error": str(err)})
        click.echo(json.dumps(record, ensure_ascii=False))


@cli.command()
@click.option("--db", "db_path", default="archive.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Archive database to serve.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port on 127.0.0.1.")
@click.option("--immutable", is_flag=True,
              help="Publish a finished archive: fold in its WAL, count its tables once "
                   "(as `datasette inspect`) and open it immutable. Refused while a crawl writes it.")
@click.option("--expose-captures", is_flag=True,
              help="Also serve each capture's raw HTML, as sandboxed plain text. Off by default.")
def serve(db_path, port, immutable, expose_captures):
    """Serve the archive with Datasette on 127.0.0.1, read-only.

    Search at /DB/search, read an article at /DB/-/article/ID, check extraction
    health at /DB/-/health (DB is the file name without .db).

    Example:

        clinic-archive serve --db archive.db --port 8001
    """
    from archive.serve import serve as run_datasette

    click.echo(f"Serving {db_path} at http://127.0.0.1:{port}/{Path(db_path).stem}/search")
    try:
        run_datasette(db_path, port=port, immutable=immutable, expose_captures=expose_captures)
    except ArchiveLocked as err:
        raise click.ClickException(f"{err}; --immutable needs a finished archive") from None


@cli.command()
@click.option("--db", "db_path", default="demo.db", show_default=True, type=click.Path(dir_okay=False),
              help="Archive database to build.")
@click.option("--no-serve", is_flag=True, help="Stop after building the archive; print counts per site.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port for Datasette.")
def demo(db_path, no_serve, port):
    """Crawl the bundled sample clinic sites, then serve the archive.

    The sample sites are served on free 127.0.0.1 ports (one per site) for the crawl.
    An earlier demo archive at --db is replaced; any other archive is left alone.

    Example:

        clinic-archive demo --no-serve
    """
    from clinic_archive.demo import NotADemoArchive, build_demo_archive

    try:
        result = build_demo_archive(db_path)
    except NotADemoArchive as err:
        raise click.ClickException(str(err)) from None
    _print_counts(result["articles"], result["run"])
    if no_serve:
        return
    from archive.serve import serve as run_datasette

    click.echo(f"Serving {db_path} at http://127.0.0.1:{port}/{Path(db_path).stem}/articles")
    run_datasette(db_path, port=port)


@cli.command()
@click.argument("article_id")
@click.argument("versions", nargs=-1, type=int)
@click.option("--db", "db_path", default="archive.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Archive database.")
def diff(article_id, versions, db_path):
    """Show what changed between two versions of an article, word by word.

    With no VERSIONS, the latest version against the one before it; or give V1 V2.
    Removed words print as [-...-], added words as {+...+}.

    Example:

        clinic-archive diff 3f9a1c2b7d4e5f60 1 3 --db archive.db
    """
    from archive.diff import VersionNotFound, version_diff

    if len(versions) not in (0, 2):
        raise click.BadParameter("give no versions, or two: V1 V2", param_hint="VERSIONS")
    db = open_archive(db_path)
    try:
        click.echo(version_diff(db, article_id, *versions).render())
    except VersionNotFound as err:
        raise click.ClickException(str(err)) from None
    finally:
        db.close()


@cli.command()
@click.option("--db", "db_path", default="archive.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Archive database.")
@click.option("--site", help="Only this site's pages.")
@click.option("--workers", type=click.IntRange(min=1), help="Extraction processes. Default: all cores.")
def reprocess(db_path, site, workers):
    """Re-extract every stored capture with the current extractor; no crawling.

    Each site's profile is learned again first from its latest captures (the blocks its
    posts repeat, the templates that hold posts), and the sites' stored extract settings
    (selectors, hooks) apply. Articles get the new extraction and extractor_version. A
    difference that comes only from the extractor is recorded as a version with source
    're-extraction'. It holds the archive lock, as a crawl does: exits 1 while one runs.
    """
    from archive.reprocess import job_count
    from archive.reprocess import reprocess as run

    try:
        with click.progressbar(length=job_count(db_path, site), label="re-extracting", file=sys.stderr) as bar:
            counts = run(db_path, site=site, workers=workers, progress=bar.update)
    except ArchiveLocked as err:  # a crawl or an ingester is writing: one writer at a time
        raise click.ClickException(str(err)) from None
    for outcome, count in sorted(counts.items()):
        click.echo(f"{outcome:16} {count:>7}")


@cli.command()
@click.option("--db", "db_path", default="archive.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Archive database.")
@click.option("--format", "fmt", required=True, type=click.Choice(["jsonl", "csv", "parquet", "warc"]),
              help="jsonl, csv and parquet hold one row per article; warc holds the raw responses they came from.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write; a datapackage.json describing it is written beside it. "
                   "A .warc.gz name gzips the WARC.")
@click.option("--site", help="Only this site's articles.")
@click.option("--since", metavar="DATE", help="Only articles whose content changed on or after DATE (ISO 8601).")
def export(db_path, fmt, output, site, since):
    """Export articles, streaming with flat memory, plus a Frictionless datapackage.json.

    Example:

        clinic-archive export --db archive.db --format parquet --output articles.parquet
    """
    from archive.export import export as run

    count = run(db_path, fmt, output, site=site, since=since)
    click.echo(f"{count} articles written to {output}")


@cli.command()
@click.option("--db", "db_path", default="archive.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Archive database.")
def check(db_path):
    """Check an archive: SQLite integrity, the search index, orphan rows, capture hashes.

    Prints each problem and exits 1 if there is any; prints "ok" and exits 0 otherwise.
    """
    from archive.store.check import check_archive

    problems = check_archive(db_path)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {db_path}")
    click.echo(f"{db_path}: ok")


def _print_counts(per_site: dict[str, int], run: dict | None) -> None:
    stats = (run or {}).get("stats", {})
    columns = ("fetched", "new", "changed", "unchanged", "skipped", "gone", "failed")
    click.echo(f"{'site':42} {'articles':>8}" + "".join(f" {c:>9}" for c in columns))
    for site, count in per_site.items():
        counts = stats.get(site, {})
        click.echo(f"{site:42} {count:>8}" + "".join(f" {counts.get(c, 0):>9}" for c in columns))
    if run:
        click.echo(f"run {run['id']}: {run['status']}")


def _html_files(paths):
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file()
                              and (p.suffix in {".html", ".htm"} or p.name.endswith((".html.gz", ".htm.gz"))))
        else:
            yield path


if __name__ == "__main__":
    sys.exit(cli())
