"""A real headless Chromium over `clinic-archive serve`, reading a compromised clinic's post.

The archive holds tests/pages/hostile-post-v*.html, whose payloads set window.__pwned if they
ever run. The test walks what an analyst does (table, search box, ranked results, article,
diff, health, chart) and at each step checks that nothing ran, no alert opened, and no element
carries an event handler or a javascript: URL. Screenshots go to test-artifacts/browser/.

Needs Debian's chromium and chromium-driver; CI sets CLINIC_ARCHIVE_REQUIRE_BROWSER=1 so a
missing browser fails there instead of skipping.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.hostile import build_hostile_archive

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_HINT = "apt-get install -y chromium chromium-driver"
DB = "archive"
TITLE = "Knee Cartilage Repair Without Surgery <script>window.__pwned=1</script>"
# Run in every new document before the page's own scripts: record CSP violations, so a
# payload that CSP blocked (rather than the sanitiser removing it) still fails the test.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(
    {directive: e.effectiveDirective, blocked: e.blockedURI, line: e.lineNumber, sample: e.sample}));
"""
# Every attribute a browser would run: event handlers, and script URLs anywhere.
LIVE_ATTRIBUTES = """
return [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes]
    .filter((a) => a.name.toLowerCase().startsWith('on') || /^\\s*(javascript|vbscript):/i.test(a.value))
    .map((a) => `<${el.tagName.toLowerCase()} ${a.name}="${a.value}">`));
"""
PAGE_SCRIPTS = "return [...document.scripts].map((s) => s.src || s.text);"


def require_browser() -> None:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return
    message = f"{' and '.join(missing)} not found; install them with: {INSTALL_HINT}"
    if os.environ.get("CLINIC_ARCHIVE_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"clinic-archive serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"clinic-archive serve did not answer {url} within {timeout}s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def server(tmp_path):
    require_browser()
    db_path = tmp_path / f"{DB}.db"
    article_id = build_hostile_archive(db_path)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "clinic_archive.cli", "serve", "--db", str(db_path), "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(f"{base}/-/versions.json", process, log)
        yield {"base": base, "id": article_id, "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def driver(tmp_path):
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", f"--user-data-dir={tmp_path / 'chromium-profile'}",
                     "--window-size=1280,1600"]:
        options.add_argument(argument)
    # The driver path is given, so Selenium Manager never looks for (or downloads) one.
    browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    browser.set_page_load_timeout(30)
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield browser
    finally:
        browser.quit()


def wait_for(condition, timeout: float = 10, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {message or condition}")


def assert_nothing_ran(driver, step: str) -> None:
    """What the analyst would notice if a payload ran, checked on the page as it is now."""
    from selenium.common.exceptions import NoAlertPresentException

    driver.save_screenshot(str(ARTIFACTS / f"{step}.png"))
    assert driver.execute_script("return window.__pwned") is None, step
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 - reading it is the check
    assert driver.execute_script(LIVE_ATTRIBUTES) == [], step
    assert [s for s in driver.execute_script(PAGE_SCRIPTS) if "__pwned" in s] == [], step
    violations = driver.execute_script("return window.__violations") or []
    # Our pages block all script, Datasette's own inline menu script included (script-src-elem,
    # 'inline'); an event handler blocked by CSP would show as script-src-attr.
    assert [v for v in violations if v["directive"] != "script-src-elem" or v["blocked"] != "inline"] == [], step
    inline_scripts = [s for s in driver.execute_script(PAGE_SCRIPTS) if s and not s.startswith("http")]
    assert len(violations) <= len(inline_scripts), (step, violations)


def path_and_query(driver) -> str:
    parts = urlsplit(driver.current_url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_search_box_on_the_articles_table_opens_the_ranked_search(server, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(f"{server['base']}/{DB}/articles")
    driver.find_element(By.ID, "_search").send_keys("cartilage", Keys.ENTER)
    wait_for(lambda: "cartilage" in driver.current_url, message="the search to be submitted")
    # Datasette's table form keeps the table's default sort (metadata sort_desc: published) and
    # submits ?_search=cartilage&_sort_desc=published: the default sort, so still the ranked search.
    assert path_and_query(driver) == f"/{DB}/search?q=cartilage", (
        f"the articles search box led to {path_and_query(driver)} ({driver.title!r}), "
        "not to the ranked search")
    assert_nothing_ran(driver, "00-articles-search-box")


def test_reading_a_hostile_post_runs_none_of_its_scripts(server, driver):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, article = server["base"], f"/{DB}/-/article/{server['id']}"

    driver.get(f"{base}/{DB}/articles")
    assert driver.title.startswith(f"{DB}: articles")
    assert TITLE in [a.text for a in driver.find_elements(By.CSS_SELECTOR, "td.col-title a")]
    driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, "_search"))
    assert_nothing_ran(driver, "01-articles-table")

    driver.get(f"{base}/{DB}/search")
    driver.find_element(By.NAME, "q").send_keys("cartilage", Keys.ENTER)
    wait_for(lambda: "q=cartilage" in driver.current_url, message="the ranked search results")
    parts = urlsplit(driver.current_url)
    assert parts.path == f"/{DB}/search" and parse_qs(parts.query)["q"] == ["cartilage"]
    assert driver.find_element(By.TAG_NAME, "h1").text == "Search articles"
    rows = driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    assert len(rows) == 2
    [hostile_row] = [row for row in rows if row.find_element(By.CSS_SELECTOR, "td.col-title a").text == TITLE]
    marks = {m.text.lower() for m in hostile_row.find_elements(By.CSS_SELECTOR, "td.col-snippet mark")}
    assert marks == {"cartilage"}
    assert_nothing_ran(driver, "02-search-results")

    hostile_row.find_element(By.CSS_SELECTOR, "td.col-title a").click()
    wait_for(lambda: urlsplit(driver.current_url).path == article, message="the reading view")
    assert driver.title == TITLE
    assert driver.find_element(By.TAG_NAME, "h1").text == TITLE
    body = driver.find_element(By.CSS_SELECTOR, "div.body").text
    assert '<img src=x onerror="window.__pwned=2">' in body
    assert_nothing_ran(driver, "03-article")

    driver.find_element(By.LINK_TEXT, "diff with 1").click()
    wait_for(lambda: urlsplit(driver.current_url).query == "from=1&to=2", message="the diff")
    assert urlsplit(driver.current_url).fragment == "changes"
    assert driver.title == TITLE
    diff = driver.find_element(By.CSS_SELECTOR, "div.diff")
    assert [e.text for e in diff.find_elements(By.TAG_NAME, "ins")][:2] == ["very", "and often not"]
    assert [e.text for e in diff.find_elements(By.TAG_NAME, "del")][:1] == ["if"]
    assert driver.find_element(By.ID, "changes").text == "Changes from version 1 to 2"
    assert_nothing_ran(driver, "04-diff")


def test_health_page_and_posts_per_month_chart(server, driver):
    from selenium.webdriver.common.by import By

    base = server["base"]
    driver.get(f"{base}/{DB}/-/health")
    assert driver.title == "Extraction health"
    sites = [row.find_element(By.TAG_NAME, "td").text
             for row in driver.find_elements(By.CSS_SELECTOR, "table.plain tr") if row.find_elements(By.TAG_NAME, "td")]
    assert {"Hostile Clinic", "Front Range Spine"} <= set(sites)
    assert driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert_nothing_ran(driver, "05-health")

    driver.get(f"{base}/{DB}/posts_per_month")
    assert driver.title == "Posts per site per month"
    assert driver.find_element(By.TAG_NAME, "h1").text == "Posts per site per month"
    [chart] = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert chart.size["width"] > 0 and chart.find_elements(By.TAG_NAME, "rect")
    legend = {t.text for t in chart.find_elements(By.TAG_NAME, "text")}
    assert {"Hostile Clinic", "Front Range Spine"} <= legend
    assert_nothing_ran(driver, "06-posts-per-month")
