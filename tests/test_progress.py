"""Crawl progress: plain log lines without a terminal, a live per-site block on one."""

import os
import pty
import subprocess
import sys

from tests.conftest import ROOT

SITE = "frontrange-spine"


def test_without_a_terminal_progress_is_logged_as_plain_lines(own_sites):
    result = own_sites.crawl("-s", "LOG_LEVEL=INFO", "-s", "ARCHIVE_PROGRESS_INTERVAL=0.5",
                             sites_file=own_sites.sites_file(only=[SITE]))
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if "progress frontrange-spine:" in line]
    assert lines and "\x1b[" not in result.stderr
    assert lines[-1].endswith("frontrange-spine: 15 discovered, 14 fetched, 7 new, 0 changed, 0 unchanged, "
                              "1 skipped, 0 gone, 0 failed")


def test_on_a_terminal_progress_is_redrawn_in_place(own_sites):
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "clinic_archive.cli", "crawl", "--sites",
               str(own_sites.sites_file(only=[SITE])), "--db", str(own_sites.db), "-s", "DOWNLOAD_DELAY=0.2",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]  # 15 pages 0.2 s apart: redrawn
    crawl = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the crawl closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert crawl.wait(timeout=120) == 0
    text = output.decode("utf-8", "replace")
    assert "frontrange-spine: 15 discovered, 14 fetched" in text
    assert "\x1b[1F\x1b[J" in text  # the block was redrawn, not appended
