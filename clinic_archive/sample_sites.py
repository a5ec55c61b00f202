"""Serve the bundled sample clinic sites on 127.0.0.1, one origin (port) per site.

Files use the placeholder origin https://SLUG.test; the server rewrites it to the real
http://127.0.0.1:PORT so sitemaps, canonicals and links point at the running copy.
Each site gets its own port because robots.txt and sitemaps are per origin.
"""

from __future__ import annotations

import contextlib
import threading
import tomllib
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples" / "sample-clinics"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml",
                 ".txt": "text/plain; charset=utf-8"}


@dataclass
class SampleSite:
    slug: str
    root: Path
    placeholder: str
    origin: str = ""
    requests: list[str] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)

    def localise(self, text: str) -> str:
        return text.replace(self.placeholder, self.origin)


def resolve(root: Path, path: str, query: str) -> Path | None:
    """The file that serves a URL: /a/ -> a/index.html, /a -> a, a.html or a/index.html,
    /a?q -> a/@q.html or a/@q.xml."""
    path = unquote(path).lstrip("/")
    if ".." in Path(path).parts:
        return None
    base = root / path
    if query:
        candidates = [base / f"@{query}{ext}" for ext in (".html", ".xml")]
    elif not path or path.endswith("/"):
        candidates = [base / "index.html", base / "index.xml"]
    else:
        candidates = [base, base.with_name(base.name + ".html"), base / "index.html"]
    return next((c for c in candidates if c.is_file()), None)


def _handler(site: SampleSite):
    class Handler(SimpleHTTPRequestHandler):
        server_version = "SampleClinic/1.0"

        def do_GET(self):
            parts = urlsplit(self.path)
            site.requests.append(self.path)
            site.user_agents.add(self.headers.get("User-Agent", ""))
            target = resolve(site.root, parts.path, parts.query)
            if target is None:
                self.send_error(404, "Not Found")
                return
            body = target.read_bytes()
            content_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
            if target.suffix in CONTENT_TYPES or target.name == "robots.txt":
                body = site.localise(body.decode("utf-8")).encode("utf-8")
                content_type = CONTENT_TYPES.get(target.suffix, CONTENT_TYPES[".txt"])
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # keep test and demo output quiet
            pass

    return Handler


def sample_sites_config(root: Path = SAMPLES_DIR) -> Path:
    return root / "sites.toml"


@contextlib.contextmanager
def serve_sample_sites(root: Path = SAMPLES_DIR):
    """Start one HTTP server per sample site; yields {slug: SampleSite} with live origins."""
    sites: dict[str, SampleSite] = {}
    servers: list[ThreadingHTTPServer] = []
    try:
        for directory in sorted(p for p in root.iterdir() if p.is_dir()):
            site = SampleSite(slug=directory.name, root=directory,
                              placeholder=f"https://{directory.name}.test")
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
            site.origin = f"http://127.0.0.1:{server.server_address[1]}"
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            sites[site.slug] = site
        yield sites
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def write_local_sites_file(sites: dict[str, SampleSite], target: Path,
                           config: Path | None = None) -> Path:
    """Copy the bundled sites.toml with placeholder origins replaced by the live ones."""
    text = (config or sample_sites_config()).read_text(encoding="utf-8")
    for site in sites.values():
        text = site.localise(text)
    tomllib.loads(text)  # fail here, not in the crawler, if the bundled file is broken
    target.write_text(text, encoding="utf-8")
    return target
