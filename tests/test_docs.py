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


def test_every_archive_setting_the_code_reads_is_declared_in_the_settings_module():
    root = Path(__file__).resolve().parent.parent
    read = {name for package in ("archive", "scraper", "clinic_archive") for path in (root / package).rglob("*.py")
            for name in re.findall(r'"(ARCHIVE_[A-Z_]+)"', path.read_text())}
    assert read and sorted(read - set(vars(settings))) == []


def test_every_archive_setting_is_documented():
    names = [name for name in vars(settings) if name.startswith("ARCHIVE_")]
    assert names and [name for name in names if f"`{name}`" not in README] == []


def test_every_table_and_column_has_a_datasette_description(tmp_path):
    from archive.serve import load_metadata
    from archive.store import open_archive

    db = open_archive(tmp_path / "archive.db")
    tables = load_metadata(tmp_path / "archive.db")["databases"]["archive"]["tables"]
    missing = [
        f"{table}.{column}" if column else table
        for table in db.table_names()
        if not table.startswith(("articles_fts", "_sqlite"))
        for column in [None, *db[table].columns_dict]
        if (column is None and not tables.get(table, {}).get("description"))
        or (column and column not in tables.get(table, {}).get("columns", {}))
    ]
    assert missing == []
