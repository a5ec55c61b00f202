"""Per-site extraction hooks: a user's function given a BeautifulSoup of the page, named in sites.toml."""

import pytest
import sqlite_utils

from archive.extract import extract
from scraper.sites import SitesConfigError, load_sites
from tests.conftest import run_cli

# A page builder (Divi) prints the reviewer in a module of its own, away from the byline.
DIVI_POST = """<!doctype html><html><head><title>Knee Injections Compared</title>
<meta property="og:type" content="article"></head><body>
<article><h1>Knee Injections Compared</h1><p class="byline">By Ann Wu, PT</p>
<p>""" + "Steroid, hyaluronic acid and PRP injections each help some knees for a while. " * 8 + """</p>
</article><div class="et_pb_module et_pb_text"><div class="et_pb_text_inner">Medically reviewed by
<strong>Jane Roe, MD</strong> on <span>March 4, 2025</span></div></div></body></html>"""

HOOKS = '''
def divi_reviewer(soup, article):
    module = soup.select_one(".et_pb_text_inner")
    if module is None:
        return None
    return {"reviewers": [module.strong.get_text(strip=True)], "reviewed": module.span.get_text()}


def broken(soup, article):
    return 1 / 0


def wrong_field(soup, article):
    return {"author": "Someone"}
'''


@pytest.fixture
def hooks_file(tmp_path):
    path = tmp_path / "clinic_hooks.py"
    path.write_text(HOOKS)
    return path


def sites_file(tmp_path, hooks):
    path = tmp_path / "sites.toml"
    path.write_text('[[site]]\nname = "Clinic"\nstart_urls = ["https://clinic.test/blog/"]\n'
                    f'[site.extract]\nhooks = {hooks!r}\n'.replace("'", '"'))
    return path


def test_a_hook_sets_the_reviewer_a_page_builder_module_holds(hooks_file):
    url = "https://clinic.test/blog/knee-injections/"
    plain = extract(DIVI_POST, url)  # the reviewer line alone is read without a hook; its date is not
    assert [p.name for p in plain.reviewers] == ["Jane Roe"] and plain.reviewed is None
    article = extract(DIVI_POST, url, {"hooks": [f"{hooks_file}:divi_reviewer"]})
    assert [(p.name, p.credentials, p.role) for p in article.reviewers] == [("Jane Roe", ["MD"], "reviewer")]
    assert (article.reviewed.value, article.reviewed.source) == ("2025-03-04", "hook")
    assert [p.name for p in article.authors] == ["Ann Wu"]  # what the hook didn't set stays
    assert article.extraction_errors == []


def test_a_failing_hook_costs_only_its_change_and_says_why(hooks_file):
    article = extract(DIVI_POST, "https://clinic.test/blog/k/",
                      {"hooks": [f"{hooks_file}:broken", f"{hooks_file}:wrong_field", f"{hooks_file}:divi_reviewer"]})
    assert article.title == "Knee Injections Compared"
    assert [p.name for p in article.reviewers] == ["Jane Roe"]
    assert article.extraction_errors == [
        f"hook {hooks_file}:broken: ZeroDivisionError: division by zero",
        f"hook {hooks_file}:wrong_field: HookError: unknown field 'author'; hooks may set title, description, "
        "authors, reviewers, published, modified, reviewed, categories, tags",
    ]


def test_sites_file_resolves_hook_files_beside_it_and_rejects_a_missing_function(tmp_path, hooks_file):
    [site] = load_sites(sites_file(tmp_path, ["clinic_hooks.py:divi_reviewer"]))
    assert site.extract["hooks"] == [f"{hooks_file.resolve()}:divi_reviewer"]
    with pytest.raises(SitesConfigError) as error:
        load_sites(sites_file(tmp_path, ["clinic_hooks.py:no_such"]))
    assert str(error.value) == (f"{tmp_path / 'sites.toml'}: site 'Clinic': key 'extract.hooks': hook "
                                f"'{hooks_file.resolve()}:no_such': {hooks_file.resolve()} has no function 'no_such'")
    with pytest.raises(SitesConfigError, match="key 'extract.hooks': hook '.*/missing.py:f': file .*/missing.py not found"):
        load_sites(sites_file(tmp_path, ["missing.py:f"]))


def test_a_crawl_and_reprocess_run_the_sites_hooks(own_sites, hooks_file):
    site = "frontrange-spine"
    post = own_sites.root / site / "blog" / "tennis-elbow-prp" / "index.html"
    post.write_text(post.read_text().replace(
        "</body>", '<div class="et_pb_text_inner">Medically reviewed by <strong>Zed Example, DO</strong> '
                   'on <span>May 5, 2024</span></div></body>'))
    query = "select reviewers, reviewed, reviewed_source from articles where url like '%/blog/tennis-elbow-prp/'"
    assert own_sites.crawl(sites_file=own_sites.sites_file(only=[site])).returncode == 0
    assert '"Zed Example, DO"' not in sqlite_utils.Database(own_sites.db).execute(query).fetchone()[0]
    # the hook added later: the crawl saves it with the site, reprocess reads the stored page with it
    extra = {site: f'extract = {{ hooks = ["{hooks_file}:divi_reviewer"] }}\n'}
    result = own_sites.crawl(sites_file=own_sites.sites_file(extra, only=[site]))
    assert result.returncode == 0, result.stderr[-3000:]
    assert run_cli("reprocess", "--db", str(own_sites.db)).returncode == 0
    [row] = sqlite_utils.Database(own_sites.db).query(query)
    assert '"Zed Example, DO"' in row["reviewers"]
    assert (row["reviewed"], row["reviewed_source"]) == ("2024-05-05", "hook")
