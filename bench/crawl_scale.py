"""Crawl throughput and memory at scale (issue 17): bare Scrapy, a naive spider and clinic_blogs.

One generated site of N ~22 KB clinic posts (bench/clinic_site.py) served by nginx on
127.0.0.1; each crawler runs in its own subprocess with the same settings (16 concurrent
requests, 16 per host, no delay, no AutoThrottle). Per crawler:
- pages: posts parsed (baselines) or articles archived (clinic_blogs); each should be N;
- pages/s: N / wall seconds of the whole process, start and exit included, the same for all
  three; "span" is first to last post response where it is known (baselines only);
- peak RSS and peak PSS summed over the process tree (children included), sampled from
  /proc every 0.1 s; PSS is the honest number when forked workers share pages;
- CPU: user+sys seconds of the tree; CPU/wall above 1 means more than one core was used.

    .venv/bin/python bench/crawl_scale.py [--posts 3000] [--only bare,naive,clinic] [--flat]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # run from anywhere: the repo, not bench/, first

from bench.clinic_site import ClinicSite  # noqa: E402
from bench.process_tree import TreeSampler  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=ERROR"]
BASELINES = Path(__file__).with_name("baseline_spiders.py")
LABELS = {"bare": "bare Scrapy (links parsed, nothing stored)",
          "naive": "naive (trafilatura + insert/commit per page)",
          "clinic": "scrapy crawl clinic_blogs"}
SITES_TOML = """[[site]]
name = "Peak Motion PT"
start_urls = ["{origin}/blog/"]
include = ["/blog/"]
max_pages = {max_pages}
delay = 0
"""


@dataclass
class Result:
    crawler: str
    posts: int
    pages: int
    seconds: float
    span: float | None
    cpu: float
    peak_rss: int
    peak_pss: int

    @property
    def rate(self) -> float:
        return self.posts / self.seconds


def run_measured(command: list[str], cwd: Path) -> tuple[float, float, int, int]:
    """Run a command to its end; (wall seconds, CPU seconds of the tree, peak RSS, peak PSS) in bytes."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    before = os.times()
    start = time.perf_counter()
    log = cwd / "stderr.log"  # a file, not a pipe: a pipe nobody reads stalls a chatty crawler
    with open(log, "wb") as err:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
    sampler = TreeSampler(process.pid)
    while process.poll() is None:
        sampler.sample()
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    after = os.times()
    if process.returncode != 0:
        raise RuntimeError(f"{command[:4]} exited {process.returncode}:\n{log.read_text()[-3000:]}")
    # Children's times arrive once waited for, but no one waits for a forkserver's workers:
    # the sampled sum counts those.
    waited = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    cpu = max(waited, sampler.cpu)
    return seconds, cpu, sampler.peak_rss, sampler.peak_pss


def crawl(kind: str, site: ClinicSite, tmp: Path) -> Result:
    db = tmp / f"{kind}.db"
    db.unlink(missing_ok=True)
    span = None
    if kind == "clinic":
        sites = tmp / "sites.toml"
        sites.write_text(SITES_TOML.format(origin=site.origin, max_pages=site.posts + 100))
        command = [sys.executable, "-m", "clinic_archive.cli", "crawl", "--sites", str(sites), "--db", str(db), *FAST]
        seconds, cpu, rss, pss = run_measured(command, tmp)
        with sqlite3.connect(db) as conn:
            pages = conn.execute("select count(*) from articles").fetchone()[0]
    else:
        out = tmp / f"{kind}.json"
        command = [sys.executable, str(BASELINES), kind, f"{site.origin}/robots.txt", str(db), str(out)]
        seconds, cpu, rss, pss = run_measured(command, tmp)
        counted = json.loads(out.read_text())
        pages, span = counted["pages"], counted["last"] - counted["first"]
    return Result(kind, site.posts, pages, seconds, span, cpu, rss, pss)


def print_row(result: Result) -> None:
    span = f"{result.span:6.1f}" if result.span is not None else "     -"
    print(f"{LABELS[result.crawler]:46} {result.posts:>6} {result.pages:>6} {result.seconds:7.1f} {span} "
          f"{result.rate:8.1f} {result.cpu:7.1f} {result.cpu / result.seconds:5.2f} "
          f"{result.peak_rss / 2**20:8.0f} {result.peak_pss / 2**20:8.0f}", flush=True)


def print_ratios(results: dict[str, Result]) -> None:
    clinic = results.get("clinic")
    for base in ("naive", "bare"):
        other = results.get(base)
        if clinic and other:
            print(f"clinic/{base}: pages/s {clinic.rate / other.rate:.2f}x, peak RSS "
                  f"{clinic.peak_rss / other.peak_rss:.2f}x, peak PSS {clinic.peak_pss / other.peak_pss:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--only", default="bare,naive,clinic")
    parser.add_argument("--flat", action="store_true", help="clinic_blogs at 1,000 and 5,000 posts: memory flatness")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{platform.python_implementation()} {platform.python_version()}")
    print(f"{'crawler':46} {'posts':>6} {'pages':>6} {'wall s':>7} {'span s':>6} {'pages/s':>8} "
          f"{'CPU s':>7} {'CPU/w':>5} {'RSS MB':>8} {'PSS MB':>8}", flush=True)
    runs = [("clinic", 1000), ("clinic", 5000)] if args.flat else \
        [(kind, args.posts) for kind in args.only.split(",")]
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="crawl-scale-") as tmp:
        for posts in dict.fromkeys(posts for _, posts in runs):
            with ClinicSite(posts) as site:
                for kind, _ in (run for run in runs if run[1] == posts):
                    results[f"{kind}-{posts}" if args.flat else kind] = result = crawl(kind, site, Path(tmp))
                    print_row(result)
    if args.flat:
        small, large = results["clinic-1000"], results["clinic-5000"]
        print(f"clinic 5000/1000 posts: peak RSS {large.peak_rss / small.peak_rss:.2f}x, "
              f"peak PSS {large.peak_pss / small.peak_pss:.2f}x")
    else:
        print_ratios(results)


if __name__ == "__main__":
    main()
