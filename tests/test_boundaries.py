"""archive/ is everything after the fetch and must run without Scrapy; only archive.store writes
SQLite or reads the captures file."""

import ast
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parent.parent / "archive"


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_archive_never_imports_scrapy_or_scraper():
    offenders = [
        f"{path.relative_to(ARCHIVE.parent)}: {module}"
        for path in sorted(ARCHIVE.rglob("*.py"))
        for module in imported_modules(path)
        if module.split(".")[0] in {"scrapy", "scraper", "twisted"}
    ]
    assert offenders == []


ROOT = ARCHIVE.parent
WRITES = {"insert", "insert_all", "upsert", "upsert_all", "update", "delete", "delete_where", "create", "drop"}
WRITE_SQL = ("insert", "update", "delete", "replace", "create", "drop", "alter", "pragma journal_mode",
             "pragma wal_checkpoint")


def store_bypasses(path):
    """Writes to SQLite (a sqlite-utils table's write methods, or write SQL) and reads of the
    captures file, in one module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            if node.func.attr in WRITES and isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
                yield f"line {node.lineno}: [{target.slice.value!r}].{node.func.attr}()"
            if node.func.attr in ("execute", "executemany", "executescript") and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) \
                    and node.args[0].value.lstrip().lower().startswith(WRITE_SQL):
                yield f"line {node.lineno}: {node.args[0].value[:40]!r}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and " from captures" in node.value.lower():
            yield f"line {node.lineno}: reads captures: {node.value[:40]!r}"


def test_only_archive_store_writes_sqlite_or_reads_captures():
    offenders = [
        f"{path.relative_to(ROOT)} {where}"
        for package in ("archive", "scraper", "clinic_archive")
        for path in sorted((ROOT / package).rglob("*.py"))
        if ROOT / "archive" / "store" not in path.parents
        for where in store_bypasses(path)
    ]
    assert offenders == []
