"""Serve an archive with Datasette, using the bundled metadata.yml."""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path

import yaml
from datasette.app import Datasette

SETTINGS = {
    "sql_time_limit_ms": 3000,
    "truncate_cells_html": 300,
    "default_page_size": 50,
    "allow_download": False,  # serve query results, not the whole file
}


def load_metadata(db_path: str | Path) -> dict:
    """metadata.yml with its database entry renamed to the served file's name."""
    metadata = yaml.safe_load(resources.files("archive.serve").joinpath("metadata.yml").read_text())
    name = Path(db_path).stem
    metadata["databases"] = {name: metadata["databases"]["archive"]}
    metadata["description_html"] = metadata["description_html"].replace("/archive/", f"/{name}/")
    return metadata


def make_datasette(db_path: str | Path) -> Datasette:
    """A Datasette instance for the archive, as `clinic-archive serve` runs it."""
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such archive; run `clinic-archive crawl` first")
    return Datasette([str(path)], metadata=load_metadata(path), settings=SETTINGS)


def serve(db_path: str | Path, port: int = 8001, host: str = "127.0.0.1") -> None:
    """Run Datasette over HTTP until interrupted."""
    import uvicorn

    datasette = make_datasette(db_path)
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")
