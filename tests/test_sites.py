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
