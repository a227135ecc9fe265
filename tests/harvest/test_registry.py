"""The site registry (``sites.toml``): reading with file:line errors, editing with comments kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.sites import PROFILES, builtin_entries, get_profile
from newscrawl.sites.registry import (
    RegistryError,
    add_site,
    load_registry,
    parse_registry,
    remove_site,
)

BIN = Path(sys.executable).parent
GOOD = """\
# county portals
[sites.county]   # the county's news
urls = ["http://news.example.cn/", "http://news.example.cn/list.php?cid=3"]
every = "6h"
timezone = "Asia/Shanghai"
revisit = "1d=0,*=7d"
delay = 1.5
concurrency = 2
counters = true
timeout = "2h"

[sites.county.settings]
RETRY_TIMES = 5
"""


def test_an_entry_becomes_start_urls_schedule_and_scrapy_settings() -> None:
    entry = parse_registry(GOOD, Path("sites.toml"))["county"]
    assert entry.urls == ("http://news.example.cn/", "http://news.example.cn/list.php?cid=3")
    assert entry.every == 6 * 3600
    assert dict(entry.settings) == {
        "NEWSCRAWL_TZ": "Asia/Shanghai",
        "NEWSCRAWL_REVISIT": "1d=0,*=7d",
        "DOWNLOAD_DELAY": 1.5,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "NEWSCRAWL_FETCH_COUNTERS": True,
        "CLOSESPIDER_TIMEOUT": 7200.0,
        "RETRY_TIMES": 5,
    }
    assert entry.origin == "sites.toml:2"


BAD = [
    ('[sites.a]\nurls = ["http://a/"]\ncolour = "red"\n', 3, "unknown key 'colour'"),
    ('[sites.a]\nurls = ["http://a/"]\n\n[sites.b]\nurls = ["htp:/b"]\n', 5, "not an http(s) URL"),
    ('[sites.a]\nurls = ["http://a/"]\n\n[sites.a]\nurls = ["http://b/"]\n', 4, "duplicate"),
    ('[sites.a]\nurls = ["http://a/"]\n[sites.b]\nurls = ["http://a/"]\n', 4, "duplicate site"),
    ('[sites.a]\nurls = ["http://a/"]\n[sites.A]\nurls = ["http://b/"]\n', 3, "duplicate site"),
    ('[sites.a]\nurls = ["http://a/"]\nevery = "often"\n', 3, "every: not a duration"),
    ('[sites.a]\nurls = ["http://a/"]\n\nrevisit = "7d=1d,1d=0"\n', 4, "ages must grow"),
    ('[sites.a]\nurls = ["http://a/"]\ntimezone = "Mars/Base"\n', 3, "unknown time zone"),
    ('[site.a]\nurls = ["http://a/"]\n', 1, "unknown key 'site'"),
    ('[sites.a]\nurls = "http://a/\n', 2, "not valid TOML"),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD)
def test_a_bad_registry_is_one_error_naming_file_and_line(text: str, line: int, words: str) -> None:
    with pytest.raises(RegistryError) as caught:
        parse_registry(text, Path("/srv/sites.toml"))
    message = str(caught.value)
    assert message.startswith(f"/srv/sites.toml:{line}: "), message
    assert words in message
    assert "\n" not in message


def test_the_builtin_profiles_are_registry_entries() -> None:
    entries = builtin_entries()
    assert set(entries) == set(PROFILES) == {"xingyuyle"}
    assert PROFILES["xingyuyle"].start_urls == entries["xingyuyle"].urls
    assert entries["xingyuyle"].origin.endswith("builtin.toml:5")


def test_get_profile_finds_a_registry_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mine.toml").write_text('[sites.mine]\nurls = ["http://mine.cn/"]\n')
    monkeypatch.setenv("NEWSCRAWL_REGISTRY", str(tmp_path / "mine.toml"))
    assert get_profile("mine").start_urls == ("http://mine.cn/",)


def test_add_and_remove_keep_the_files_comments(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(GOOD)
    add_site(path, "school", ["http://school.cn/"], {"every": "1h", "RETRY_TIMES": "2"})
    text = path.read_text()
    assert text.startswith(GOOD)  # the comments and the first entry untouched
    entry = load_registry(path)["school"]
    assert entry.every == 3600
    assert entry.settings == {"RETRY_TIMES": 2}
    remove_site(path, "county")
    assert "# county portals" in path.read_text()
    assert set(load_registry(path)) == {"school"}


def test_add_refuses_a_duplicate_and_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(GOOD)
    with pytest.raises(RegistryError, match="in the registry already"):
        add_site(path, "county", ["http://other.cn/"], {})
    with pytest.raises(RegistryError, match="every: not a duration"):
        add_site(path, "other", ["http://other.cn/"], {"every": "soon"})
    assert path.read_text() == GOOD


def sites_cmd(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "newscrawl"), "sites", *args],
        cwd=cwd, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_sites_commands_edit_the_registry_in_the_working_directory(tmp_path: Path) -> None:
    added = sites_cmd("add", "a", "--url", "http://a.cn/", "-s", "delay=2", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    listed = sites_cmd("list", "--json", cwd=tmp_path)
    sites = json.loads(listed.stdout)
    assert [s["name"] for s in sites] == ["a", "xingyuyle"]
    assert sites[0]["settings"] == {"DOWNLOAD_DELAY": 2.0}
    assert sites_cmd("remove", "a", cwd=tmp_path).returncode == 0
    assert "[sites.a]" not in (tmp_path / "sites.toml").read_text()


@pytest.mark.parametrize(
    "args",
    [
        ["add", "b", "--url", "ftp://b.cn/"],
        ["add", "b", "--url", "http://b.cn/", "-s", "nonsense"],
        ["remove", "nobody"],
    ],
)
@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_sites_command_errors_are_one_line_exit_2(args: list[str], tmp_path: Path) -> None:
    (tmp_path / "sites.toml").write_text('[sites.a]\nurls = ["http://a.cn/"]\n')
    result = sites_cmd(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1
    assert (tmp_path / "sites.toml").read_text() == '[sites.a]\nurls = ["http://a.cn/"]\n'


def test_scrapy_crawl_with_a_registry_site_takes_its_settings_under_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``scrapy crawl cms -a site=NAME`` crawls with the entry's settings, as
    ``newscrawl harvest --site NAME`` does; a ``-s`` of the command line still wins."""
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

    from newscrawl.spiders.cms import CmsSpider

    (tmp_path / "sites.toml").write_text(GOOD)
    monkeypatch.setenv("NEWSCRAWL_REGISTRY", str(tmp_path / "sites.toml"))
    settings = Settings()
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 7, priority="cmdline")
    crawler = Crawler(CmsSpider, settings)  # as `scrapy crawl` makes it: not frozen yet
    spider = CmsSpider.from_crawler(crawler, site="county")
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 1.5
    assert crawler.settings.getint("RETRY_TIMES") == 5
    assert crawler.settings.getbool("NEWSCRAWL_FETCH_COUNTERS") is True
    assert spider.fetch_counters is True  # read after the entry's settings
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 7  # -s wins
    spider.extractor.close()

    plain = Crawler(CmsSpider, Settings())
    CmsSpider.from_crawler(plain, start_urls="http://news.example.cn/")
    assert plain.settings.getint("RETRY_TIMES") != 5
