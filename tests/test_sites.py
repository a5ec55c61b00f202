from pathlib import Path

import pytest

from scraper.sites import SitesConfigError, load_sites
from tests.conftest import run_cli


def write(tmp_path, text):
    path = tmp_path / "sites.toml"
    path.write_text(text)
    return path


def test_smallest_sites_file_defaults_allowed_domains_to_start_hosts_with_ports(tmp_path):
    path = write(tmp_path, '[[site]]\nname = "Front Range Spine"\n'
                           'start_urls = ["http://127.0.0.1:8123/blog/"]\n')
    [site] = load_sites(path)
    assert site.allowed_domains == ["127.0.0.1:8123"]
    assert site.allows("http://127.0.0.1:8123/blog/post/")
    assert not site.allows("http://127.0.0.1:8124/blog/post/")
    assert not site.allows("http://example.org/")


def test_domain_without_port_allows_subdomains(tmp_path):
    path = write(tmp_path, '[[site]]\nname = "A"\nstart_urls = ["https://a.test/blog/"]\n'
                           'allowed_domains = ["a.test"]\n')
    [site] = load_sites(path)
    assert site.allows("https://www.a.test/x") and not site.allows("https://evil-a.test/x")


@pytest.mark.parametrize("text, message", [
    ('[[site]]\nstart_urls = ["https://a.test/"]\n', "site #1: key 'name': required, a non-empty string"),
    ('[[site]]\nname = "A"\n', "site 'A': key 'start_urls': required, a list of http(s) URLs"),
    ('[[site]]\nname = "A"\nstart_urls = ["ftp://a.test/"]\n',
     "site 'A': key 'start_urls': required, a list of http(s) URLs"),
    ('[[site]]\nname = "A"\nstart_urls = ["https://a.test/"]\nstart_url = "x"\n',
     "site 'A': key 'start_url': unknown; known keys are allowed_domains, contact_url, delay, exclude, extract, include, max_depth, max_pages, name, start_urls"),
    ('[[site]]\nname = "A"\nstart_urls = ["https://a.test/"]\n[[site]]\nname = "A"\n'
     'start_urls = ["https://b.test/"]\n', "site name 'A' is used twice; names must be unique"),
    ("title = 'no sites'\n", "no [[site]] tables; add at least one with name and start_urls"),
    ('[[site]]\nname = "A"\nstart_urls = ["https://a.test/"]\ninclude = ["/blog/("]\n',
     "site 'A': key 'include': '/blog/(' is not a valid regex"),
    ('[[site]]\nname = "A"\nstart_urls = ["https://a.test/"]\nexclude = "/wp-admin/"\n',
     "site 'A': key 'exclude': a list of URL regular expressions"),
    ('[[site]]\nname = "A"\nstart_urls = ["https://a.test/"]\nmax_pages = 0\n',
     "site 'A': key 'max_pages': a whole number, at least 1"),
    ('[[site]]\nname = "A"\nstart_urls = ["https://a.test/"]\ndelay = "2s"\n',
     "site 'A': key 'delay': a number of seconds, at least 0"),
    ('[[site]]\nname = "A"\nstart_urls = ["https://a.test/"]\ncontact_url = "me"\n',
     "site 'A': key 'contact_url': an http(s) or mailto: URL"),
    ('[[site]]\nname = "A"\nstart_urls = ["https://a.test/"]\n[site.extract]\nbody = "div[["\n',
     "site 'A': key 'extract.body': not a valid CSS selector"),
    ('[[site]]\nname = "A"\nstart_urls = ["https://a.test/"]\n[site.extract]\ntitle = "h1"\n',
     "site 'A': key 'extract.title': unknown; known keys are author, body, date"),
    ("[[site]\n", "not valid TOML"),
])
def test_invalid_config_names_file_site_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(SitesConfigError) as error:
        load_sites(path)
    assert str(error.value).startswith(f"{path}: ")
    assert message in str(error.value)


def test_crawl_with_bad_config_exits_with_one_line_error(tmp_path):
    path = write(tmp_path, '[[site]]\nname = "A"\n')
    result = run_cli("crawl", "--sites", str(path), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"Error: {path}: site 'A': key 'start_urls': required, a list of http(s) URLs")
    assert not (tmp_path / "a.db").exists()


def test_full_site_table_is_read(tmp_path):
    path = write(tmp_path, '[[site]]\nname = "A"\nstart_urls = ["https://a.test/blog/"]\n'
                           'include = ["/blog/"]\nexclude = ["/tag/"]\nmax_pages = 50\nmax_depth = 2\n'
                           'delay = 2.5\ncontact_url = "https://us.test/bot"\n'
                           '[site.extract]\nbody = ".post-body"\n')
    [site] = load_sites(path)
    assert (site.max_pages, site.max_depth, site.delay, site.contact_url) == (50, 2, 2.5, "https://us.test/bot")
    assert site.extract == {"body": ".post-body"}
    assert site.wants("https://a.test/blog/post/")
    assert not site.wants("https://a.test/blog/tag/knee/")  # excluded
    assert not site.wants("https://a.test/about/")  # not included
    assert not site.wants("https://b.test/blog/post/")  # another domain


def test_example_sites_file_is_valid():
    [site] = load_sites(Path(__file__).resolve().parent.parent / "sites.example.toml")
    assert site.include and site.exclude and site.extract
