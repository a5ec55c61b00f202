"""archive/ is everything after the fetch and must run without Scrapy."""

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
