"""The README must not drift from the CLI and the settings."""

import re
from pathlib import Path

from clinic_archive.cli import cli
from scraper import settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_starts_with_the_two_commands():
    commands = re.findall(r"^make \w+", README.split("```sh", 1)[1].split("```", 1)[0], re.M)
    assert commands == ["make demo", "make test"]


def test_every_cli_command_is_documented():
    missing = [name for name in cli.commands if f"clinic-archive {name}" not in README]
    assert missing == []


def test_every_archive_setting_is_documented():
    names = [name for name in vars(settings) if name.startswith("ARCHIVE_")]
    assert names and [name for name in names if f"`{name}`" not in README] == []
