"""Distributed crawling: throughput with 1 and 2 crawler processes, and the fleet-wide host limit.

Starts a private redis-server and generated clinic sites on 127.0.0.1 (each post is a bundled
sample post under a new title; every response waits LATENCY seconds, like a real network),
then runs in this one process, side by side:

1. one site, politeness off: a local crawl (the baseline), then fleets of 1 and 2 crawlers
   with one ingester running alongside;
2. many sites, politeness on (a fixed delay per host): a local crawl, then fleets of 1 and 2
   crawlers. The fleet may not start requests to a host closer together than the delay,
   however many crawlers run.

Usage: .venv/bin/python bench/distributed.py [--posts 400] [--hosts 8] [--host-posts 12] [--delay 0.5]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POST = ROOT / "examples/sample-clinics/frontrange-spine/blog/prp-vs-cortisone-knee-osteoarthritis/index.html"
LATENCY = 0.03
PER_PAGE = 20


class GeneratedSite:
    """/blog/ and /blog/page/N/ list posts; /blog/post-N/ is a sample post retitled."""

    def __init__(self, posts: int):
        self.posts = posts
        self.hits: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        self.template = POST.read_text(encoding="utf-8").replace("https://frontrange-spine.test", "")
        self.title = re.search(r"<h1[^>]*>(.*?)</h1>", self.template, re.S).group(1)

    def page(self, path: str) -> bytes | None:
        if path == "/robots.txt":
            return b"User-agent: *\nAllow: /\n"
        listing = re.fullmatch(r"/blog/(?:page/(\d+)/)?", path)
        if listing:
            number = int(listing.group(1) or 1)
            first = (number - 1) * PER_PAGE
            links = "".join(f'<li><a href="/blog/post-{i}/">Post {i}</a></li>'
                            for i in range(first, min(first + PER_PAGE, self.posts)))
            more = f'<a href="/blog/page/{number + 1}/">Older posts</a>' if first + PER_PAGE < self.posts else ""
            return (f"<html><head><title>Blog</title></head><body><h1>Blog</h1><ul>{links}</ul>{more}"
                    "</body></html>").encode()
        post = re.fullmatch(r"/blog/post-(\d+)/", path)
        if post and int(post.group(1)) < self.posts:
            title = f"Post {post.group(1)}: {self.title}"
            return self.template.replace(self.title, title).encode("utf-8")
        return None

    def serve(self) -> ThreadingHTTPServer:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with site.lock:  # the time the connection was accepted: one request per connection (HTTP/1.0)
                    site.hits.append((self.server.accepted.pop(self.request, time.monotonic()), self.path))
                time.sleep(LATENCY)
                body = site.page(self.path)
                self.send_response(200 if body else 404)
                kind = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
                self.send_header("Content-Type", kind)
                body = body or b"not found"
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = StampingServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


class StampingServer(ThreadingHTTPServer):
    """Notes when each connection is accepted, before a handler thread (slow to start on a
    busy machine) reads the request: the arrival times the gaps are measured from."""

    daemon_threads = True

    def __init__(self, *args):
        super().__init__(*args)
        self.accepted: dict = {}

    def process_request(self, request, client_address):
        self.accepted[request] = time.monotonic()
        super().process_request(request, client_address)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server not found: sudo apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return process, f"redis://127.0.0.1:{port}/0"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "clinic_archive.cli", *args]


def finished_runs(db: Path) -> int:
    if not db.exists():
        return 0
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute("select count(*) from runs where status = 'finished'").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        connection.close()


def count_articles(db: Path) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute("select count(*) from articles").fetchone()[0]
    finally:
        connection.close()


def local_crawl(sites_file: Path, db: Path, settings: list[str]) -> dict:
    start = time.monotonic()
    subprocess.run(cli("crawl", "--sites", str(sites_file), "--db", str(db), *settings), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    elapsed = time.monotonic() - start
    return {"crawl_s": elapsed, "stored_s": elapsed, "articles": count_articles(db)}


def fleet_crawl(sites_file: Path, db: Path, redis_url: str, crawlers: int, settings: list[str]) -> dict:
    import redis

    redis.Redis.from_url(redis_url).flushall()
    ingester = subprocess.Popen(cli("ingest", "--redis", redis_url, "--db", str(db)), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not redis.Redis.from_url(redis_url).exists("clinic-archive:state:published"):
        time.sleep(0.05)
    start = time.monotonic()
    workers = [subprocess.Popen(cli("crawl", "--sites", str(sites_file), "--redis", redis_url,
                                    "-s", f"ARCHIVE_FLEET_WORKER=bench-{n}", *settings),
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for n in range(crawlers)]
    for worker in workers:
        if worker.wait() != 0:
            sys.exit("a crawler failed")
    crawled = time.monotonic() - start
    while finished_runs(db) < 1:
        time.sleep(0.05)
    stored = time.monotonic() - start
    ingester.send_signal(signal.SIGTERM)
    ingester.wait(60)
    return {"crawl_s": crawled, "stored_s": stored, "articles": count_articles(db)}


def write_sites(sites: list[ThreadingHTTPServer], path: Path, delay: float | None = None) -> Path:
    tables = []
    for n, server in enumerate(sites):
        extra = f"\ndelay = {delay}" if delay is not None else ""
        tables.append(f'[[site]]\nname = "site-{n}"\nstart_urls = ["http://127.0.0.1:{server.server_address[1]}/blog/"]{extra}\n')
    path.write_text("\n".join(tables))
    return path


def gaps(site: GeneratedSite, since: float) -> list[float]:
    times = sorted(t for t, _ in site.hits if t >= since)
    return [b - a for a, b in zip(times, times[1:])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=400, help="posts on the one site of part 1")
    parser.add_argument("--hosts", type=int, default=8, help="sites of part 2")
    parser.add_argument("--host-posts", type=int, default=12, help="posts per site in part 2")
    parser.add_argument("--delay", type=float, default=0.5, help="per-host delay in part 2 (seconds)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    redis_server, redis_url = start_redis(work)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"every response waits {LATENCY * 1000:.0f} ms")
    try:
        # --- 1. one site, politeness off ---
        site = GeneratedSite(args.posts)
        server = site.serve()
        sites_file = write_sites([server], work / "one.toml")
        off = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
               "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "-s", "LOG_LEVEL=WARNING"]
        pages = args.posts + -(-args.posts // PER_PAGE)
        print(f"\n1. one site, {pages} pages ({args.posts} posts), politeness off; the ingester runs alongside")
        print(f"{'mode':34} {'crawl s':>8} {'fetch pages/s':>14} {'stored s':>9} {'end-to-end pages/s':>19} "
              f"{'articles':>9}")
        rows = [("local crawl (one process, baseline)", local_crawl(sites_file, work / "local.db", off))]
        for crawlers in (1, 2):
            rows.append((f"fleet: {crawlers} crawler(s) + ingester",
                         fleet_crawl(sites_file, work / f"fleet{crawlers}.db", redis_url, crawlers, off)))
        for name, row in rows:
            print(f"{name:34} {row['crawl_s']:8.1f} {pages / row['crawl_s']:14.1f} {row['stored_s']:9.1f} "
                  f"{pages / row['stored_s']:19.1f} {row['articles']:9}")
        server.shutdown()

        # --- 2. many sites, politeness on ---
        hosts = [GeneratedSite(args.host_posts) for _ in range(args.hosts)]
        servers = [host.serve() for host in hosts]
        sites_file = write_sites(servers, work / "many.toml", delay=args.delay)
        on = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
              "-s", "LOG_LEVEL=WARNING"]  # DOWNLOAD_DELAY=0: each site's own delay is the one in force
        per_host = args.host_posts + -(-args.host_posts // PER_PAGE) + 1  # posts, listings, robots.txt
        limit = args.hosts / args.delay
        print(f"\n2. {args.hosts} sites x {per_host} requests, delay {args.delay} s and 1 request at a time per host "
              f"(fleet limit {limit:.1f} requests/s)")
        print(f"{'mode':34} {'crawl s':>8} {'requests/s':>11} {'min gap s':>10} {'p5 gap s':>9} {'articles':>9}")
        fifo = ["-s", "SCHEDULER_PRIORITY_QUEUE=scrapy.pqueues.ScrapyPriorityQueue"]
        modes = [("local, Scrapy's default queue", lambda db: local_crawl(sites_file, db, on + fifo)),
                 ("local crawl (our settings)", lambda db: local_crawl(sites_file, db, on))]
        for crawlers in (1, 2):
            modes.append((f"fleet: {crawlers} crawler(s) + ingester",
                          lambda db, n=crawlers: fleet_crawl(sites_file, db, redis_url, n, on)))
        for number, (name, run) in enumerate(modes):
            since = time.monotonic()
            row = run(work / f"polite{number}.db")
            requests = sum(1 for host in hosts for t, _ in host.hits if t >= since)
            all_gaps = sorted(g for host in hosts for g in gaps(host, since))
            p5 = all_gaps[max(0, len(all_gaps) // 20 - 1)]
            print(f"{name:34} {row['crawl_s']:8.1f} {requests / row['crawl_s']:11.1f} {all_gaps[0]:10.3f} "
                  f"{p5:9.3f} {row['articles']:9}")
        print("(gap: time between two requests to one host, from any crawler, robots.txt included)")
        for s in servers:
            s.shutdown()
    finally:
        redis_server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
