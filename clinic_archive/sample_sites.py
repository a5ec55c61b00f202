"""Serve the bundled sample clinic sites on 127.0.0.1, one origin (port) per site.

Files use the placeholder origin https://SLUG.test; the server rewrites it to the real
http://127.0.0.1:PORT so sitemaps, canonicals and links point at the running copy.
Each site gets its own port because robots.txt and sitemaps are per origin.

Beyond static files, the server behaves enough like a real host to test a polite crawler:
validators and conditional GET (ETag, Last-Modified, 304), a timed request log
(`SampleSite.log`), scripted error and redirect responses from `_responses.json`, and,
for a site with `wp-json/wp/v2/posts.json`, the WordPress REST posts collection.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import threading
import time
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import formatdate, parsedate_to_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples" / "sample-clinics"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml",
                 ".txt": "text/plain; charset=utf-8", ".json": "application/json; charset=UTF-8"}
# Read on every request, so a test can script responses while the server runs
# (write it whole, e.g. write then rename, if a crawl is mid-flight).
SCRIPT_FILE = "_responses.json"
WP_POSTS_ROUTE = "/wp-json/wp/v2/posts"
WP_POSTS_FILE = Path("wp-json", "wp", "v2", "posts.json")
WP_MAX_PER_PAGE = 100
# The sample WordPress sites keep US Central time (UTC-6), as many clinics' do: WordPress reads
# a date query without an offset in the site's zone, so a crawler that drops the offset misses edits.
WP_SITE_TIMEZONE = timezone(timedelta(hours=-6))


@dataclass(frozen=True)
class LoggedRequest:
    """One request as a sample site answered it."""
    path: str  # as sent, query included
    time: float  # time.monotonic() when the request arrived
    status: int
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str | None
    method: str = "GET"


@dataclass
class SampleSite:
    slug: str
    root: Path
    placeholder: str
    origin: str = ""
    requests: list[str] = field(default_factory=list)
    user_agents: set[str] = field(default_factory=set)
    log: list[LoggedRequest] = field(default_factory=list)
    scripted_served: dict[str, int] = field(default_factory=dict)  # path -> responses used
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def localise(self, text: str) -> str:
        return text.replace(self.placeholder, self.origin)

    def next_scripted(self, path: str) -> dict | None:
        """The next unused scripted response for this exact request path, or None."""
        script_file = self.root / SCRIPT_FILE
        if not script_file.is_file():
            return None
        script = json.loads(script_file.read_text(encoding="utf-8")).get(path, [])
        with self.lock:
            used = self.scripted_served.get(path, 0)
            if used >= len(script):
                return None
            self.scripted_served[path] = used + 1
        return script[used]


def resolve(root: Path, path: str, query: str) -> Path | None:
    """The file that serves a URL: /a/ -> a/index.html (or .xml, .json), /a -> a, a.html or
    a/index.html, /a?q -> a/@q.html or a/@q.xml."""
    path = unquote(path).lstrip("/")
    if ".." in Path(path).parts or path == SCRIPT_FILE:
        return None
    base = root / path
    if query:
        candidates = [base / f"@{query}{ext}" for ext in (".html", ".xml")]
    elif not path or path.endswith("/"):
        candidates = [base / "index.html", base / "index.xml", base / "index.json"]
    else:
        candidates = [base, base.with_name(base.name + ".html"), base / "index.html"]
    return next((c for c in candidates if c.is_file()), None)


def entity_tag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def is_not_modified(if_none_match: str | None, if_modified_since: str | None,
                    etag: str, mtime: float) -> bool:
    """Whether a conditional GET gets 304. If-None-Match wins when present (RFC 9110 13.2.2)."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False  # an unparseable date is ignored, as the RFC says
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return int(mtime) <= since.timestamp()  # HTTP dates have whole seconds


def wp_error(status: int, code: str, message: str, **data) -> tuple[int, dict, dict]:
    return status, {"code": code, "message": message, "data": {"status": status, **data}}, {}


def parse_wp_datetime(value: str, local: timezone = UTC) -> datetime:
    """A naive UTC datetime from an ISO 8601 value. A value without an offset is in `local`,
    the site's time zone, as WordPress reads its date queries."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local)
    return moment.astimezone(UTC).replace(tzinfo=None)


def wordpress_posts(posts: list[dict], query: str) -> tuple[int, object, dict[str, str]]:
    """Answer GET /wp-json/wp/v2/posts?QUERY as WordPress does, for the arguments a crawler
    uses: per_page (1-100, default 10), page, modified_after and _fields. Returns
    (status, JSON payload, headers); posts come newest first, WordPress's default order.

    Example: wordpress_posts(posts, "per_page=2&page=1&_fields=link,modified_gmt")
    -> (200, [{"link": ..., "modified_gmt": ...}, ...], {"X-WP-Total": "7", "X-WP-TotalPages": "4"})
    """
    args = parse_qs(query)
    try:
        per_page = int(args.get("per_page", ["10"])[0])
        page = int(args.get("page", ["1"])[0])
    except ValueError:
        return wp_error(400, "rest_invalid_param", "Invalid parameter(s): per_page, page")
    if not 1 <= per_page <= WP_MAX_PER_PAGE:
        return wp_error(400, "rest_invalid_param", "Invalid parameter(s): per_page", params={
            "per_page": f"per_page must be between 1 (inclusive) and {WP_MAX_PER_PAGE} (inclusive)"})
    if page < 1:
        return wp_error(400, "rest_invalid_param", "Invalid parameter(s): page",
                        params={"page": "page must be greater than or equal to 1"})
    chosen = sorted(posts, key=lambda post: (post["date_gmt"], post["id"]), reverse=True)
    if "modified_after" in args:
        try:
            after = parse_wp_datetime(args["modified_after"][0], WP_SITE_TIMEZONE)
        except ValueError:
            return wp_error(400, "rest_invalid_param", "Invalid parameter(s): modified_after",
                            params={"modified_after": "Invalid date."})
        chosen = [post for post in chosen if parse_wp_datetime(post["modified_gmt"]) > after]
    total, total_pages = len(chosen), math.ceil(len(chosen) / per_page)
    # WordPress answers an empty collection with [] but a page past a non-empty one with 400.
    if page > total_pages and total > 0:
        return wp_error(400, "rest_post_invalid_page_number",
                        "The page number requested is larger than the number of pages available.")
    shown = chosen[(page - 1) * per_page: page * per_page]
    fields = [name.strip() for value in args.get("_fields", []) + args.get("_fields[]", [])
              for name in value.split(",") if name.strip()]
    if fields:
        shown = [{key: post[key] for key in fields if key in post} for post in shown]
    return 200, shown, {"X-WP-Total": str(total), "X-WP-TotalPages": str(total_pages)}


def _handler(site: SampleSite):
    class Handler(SimpleHTTPRequestHandler):
        server_version = "SampleClinic/1.0"

        def do_GET(self):
            self.answer(include_body=True)

        def do_HEAD(self):  # the inherited one would serve the process's working directory
            self.answer(include_body=False)

        def answer(self, include_body: bool):
            self.arrived = time.monotonic()
            with site.lock:
                site.requests.append(self.path)
                site.user_agents.add(self.headers.get("User-Agent", ""))
            scripted = site.next_scripted(self.path)
            if scripted is not None:
                self.send_scripted(scripted, include_body)
                return
            parts = urlsplit(self.path)
            posts_file = site.root / WP_POSTS_FILE
            if parts.path.rstrip("/") == WP_POSTS_ROUTE and posts_file.is_file():
                posts = json.loads(site.localise(posts_file.read_text(encoding="utf-8")))
                status, payload, headers = wordpress_posts(posts, parts.query)
                body = json.dumps(payload).encode("utf-8")
                if status == 200:
                    self.send_validated(body, CONTENT_TYPES[".json"], posts_file.stat().st_mtime,
                                        include_body, headers)
                else:
                    self.send_plain(status, body, CONTENT_TYPES[".json"], include_body)
                return
            target = resolve(site.root, parts.path, parts.query)
            if target is None:
                self.send_error(404, "Not Found")
                return
            body = target.read_bytes()
            content_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
            if target.suffix in CONTENT_TYPES or target.name == "robots.txt":
                body = site.localise(body.decode("utf-8")).encode("utf-8")
                content_type = CONTENT_TYPES.get(target.suffix, CONTENT_TYPES[".txt"])
            self.send_validated(body, content_type, target.stat().st_mtime, include_body)

        def send_response(self, code, message=None):
            # Logged before any byte goes out, so a client holding an answer finds it in the log.
            # A malformed request or unsupported method is refused before do_GET ran.
            headers = getattr(self, "headers", None) or {}
            entry = LoggedRequest(path=getattr(self, "path", ""),
                                  time=getattr(self, "arrived", time.monotonic()), status=int(code),
                                  if_none_match=headers.get("If-None-Match"),
                                  if_modified_since=headers.get("If-Modified-Since"),
                                  user_agent=headers.get("User-Agent"), method=self.command or "")
            with site.lock:
                site.log.append(entry)
            super().send_response(code, message)

        def send_validated(self, body: bytes, content_type: str, mtime: float,
                           include_body: bool, headers: dict[str, str] | None = None):
            """200 with ETag and Last-Modified, or 304 when the request's validators match."""
            etag = entity_tag(body)
            validators = {"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)}
            if is_not_modified(self.headers.get("If-None-Match"),
                               self.headers.get("If-Modified-Since"), etag, mtime):
                self.send_response(304)
                for name, value in validators.items():
                    self.send_header(name, value)
                self.end_headers()
                return
            self.send_plain(200, body, content_type, include_body, {**validators, **(headers or {})})

        def send_scripted(self, scripted: dict, include_body: bool):
            status = int(scripted["status"])
            headers = {}
            if "retry_after" in scripted:
                headers["Retry-After"] = str(scripted["retry_after"])
            if "location" in scripted:
                headers["Location"] = site.localise(scripted["location"])
            phrase = self.responses.get(status, ("",))[0]
            body = f"{status} {phrase} (scripted)\n".encode()
            self.send_plain(status, body, CONTENT_TYPES[".txt"], include_body, headers)

        def send_plain(self, status: int, body: bytes, content_type: str, include_body: bool,
                       headers: dict[str, str] | None = None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if include_body:
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
            # shutdown() waits out one poll; the 0.5 s default made each test's teardown slow.
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             daemon=True).start()
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
