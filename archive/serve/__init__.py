"""Serve an archive with Datasette, using the bundled metadata.yml and the plugin in plugin.py."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import yaml

from archive.store import ArchiveLock, fold_wal, open_archive

SETTINGS = {
    "sql_time_limit_ms": 2000,    # an analyst's runaway query stops, the server stays up
    "facet_time_limit_ms": 1000,  # array facets over 100k rows need more than the default 200
    "suggest_facets": False,  # suggestions probe every column on every table view: 7 s at 100k articles
    "truncate_cells_html": 300,
    "default_page_size": 50,
    "allow_download": False,  # serve query results, not the whole file
}
PLUGIN = "clinic-archive"


def load_metadata(db_path: str | Path, expose_captures: bool = False) -> dict:
    """metadata.yml with its database entry renamed to the served file's name."""
    metadata = yaml.safe_load(resources.files("archive.serve").joinpath("metadata.yml").read_text())
    name = Path(db_path).stem
    metadata["databases"] = {name: metadata["databases"]["archive"]}
    metadata["description_html"] = metadata["description_html"].replace("/archive/", f"/{name}/")
    metadata["plugins"] = {PLUGIN: {"expose_captures": expose_captures}}
    return metadata


def make_datasette(db_path: str | Path, *, expose_captures: bool = False, immutable: bool = False):
    """A Datasette instance for the archive, as `clinic-archive serve` runs it."""
    # Imported here: datasette.app loads plugins, and our plugin lives in this package.
    from datasette.app import Datasette

    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such archive; run `clinic-archive crawl` first")
    open_archive(path).close()  # an archive from an older version gets the columns the pages use
    metadata = load_metadata(path, expose_captures)
    if immutable:
        return Datasette(immutables=[str(path)], inspect_data=inspect_finished(path),
                         metadata=metadata, settings=SETTINGS)
    return Datasette([str(path)], metadata=metadata, settings=SETTINGS)


def inspect_finished(path: Path) -> dict:
    """Fold the WAL into the file and count its tables, as `datasette inspect` does.

    Immutable mode reads the main file only and trusts these counts, so no crawl may be
    writing: taking the archive's lock proves it (ArchiveLocked otherwise).
    """
    from datasette.cli import inspect_

    with ArchiveLock(path):
        fold_wal(path)
    inspect_file = path.with_name(path.name + ".inspect.json")
    with ThreadPoolExecutor(1) as pool:  # callers may already be inside an event loop
        data = pool.submit(asyncio.run, inspect_([str(path)], None)).result()
    inspect_file.write_text(json.dumps(data, indent=2))
    return data


def serve(db_path: str | Path, port: int = 8001, host: str = "127.0.0.1", **options) -> None:
    """Run Datasette over HTTP until interrupted."""
    import uvicorn

    datasette = make_datasette(db_path, **options)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")
