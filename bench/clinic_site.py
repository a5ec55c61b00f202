"""A generated clinic blog of N posts (~22 KB each), served by a private nginx on 127.0.0.1.

Static files in a temp dir: /robots.txt with a Sitemap: line, /sitemap.xml (an index of post
sitemaps of at most 1,000 URLs), /blog/<slug>/index.html. Text is drawn from a seeded random
generator, so every run builds the same site and no two posts are alike.

    with ClinicSite(posts=3000) as site:
        site.origin, site.post_urls
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.wordpress import AS_ROOT, _free_port, _port_open, _wait_for, binary

WORDS = ("pain knee shoulder spine posture mobility strength recovery therapy exercise stretch tendon "
         "muscle joint injury rehab patient clinic session balance core hip ankle running lifting desk "
         "sleep chronic acute inflammation swelling range motion load progression walking stairs "
         "physical therapist evaluation plan goals daily routine habits athlete return sport weeks "
         "gentle gradual manual treatment dry needling massage heat ice evidence study research").split()
TOPICS = ["Knee Pain", "Low Back Pain", "Shoulder Impingement", "Plantar Fasciitis", "Neck Stiffness",
          "ACL Recovery", "Tennis Elbow", "Hip Mobility", "Sciatica", "Posture at Work"]
AUTHORS = ["Dr. Maya Chen, DPT", "Dr. Luis Ortega, DPT", "Dr. Priya Natarajan, DPT", "Dr. Sam Keller, DPT"]
REVIEWERS = ["Dr. Ana Ruiz, MD", "Dr. Tom Baker, DO", "Dr. Helen Park, PT, OCS"]
NAV = ["Home", "About", "Our Team", "Services", "Physical Therapy", "Sports Rehab", "Dry Needling",
       "Pelvic Health", "Vestibular", "Workers Comp", "Insurance", "New Patients", "Forms", "Locations",
       "Blog", "Podcast", "Careers", "Contact", "Book Online", "Pay Bill"]
SITEMAP_SIZE = 1000


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(9, 20))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return "<p>" + " ".join(sentence(rng) for _ in range(rng.randint(3, 6))) + "</p>"


def slug_for(number: int) -> str:
    return f"{TOPICS[number % len(TOPICS)].lower().replace(' ', '-')}-{number}"


def post_html(number: int, posts: int) -> str:
    """One post page, WordPress-like: nav, article with byline and sections, related posts, footer."""
    rng = random.Random(number)
    title = f"{rng.choice(['Understanding', 'Treating', 'Five Myths About', 'Living With'])} " \
            f"{TOPICS[number % len(TOPICS)]}: {sentence(rng)[:40].rstrip('.')}"
    author, reviewer = rng.choice(AUTHORS), rng.choice(REVIEWERS)
    day = f"20{20 + number % 6}-{1 + number % 12:02d}-{1 + number % 28:02d}"
    nav = "".join(f'<li><a href="/{n.lower().replace(" ", "-")}/">{n}</a></li>' for n in NAV)
    body = []
    for _ in range(rng.randint(5, 7)):
        body.append(f"<h2>{sentence(rng)[:50]}</h2>" + "".join(paragraph(rng) for _ in range(rng.randint(1, 2))))
        if rng.random() < 0.5:
            body.append("<ul>" + "".join(f"<li>{sentence(rng)}</li>" for _ in range(rng.randint(3, 5))) + "</ul>")
    refs = "".join(f"<li>{sentence(rng)} J Orthop Sports Phys Ther. {2010 + rng.randint(0, 14)};"
                   f"{rng.randint(20, 55)}:{rng.randint(1, 900)}.</li>" for _ in range(rng.randint(3, 6)))
    related = "".join(f'<li><a href="/blog/{slug_for(other)}/">{TOPICS[other % len(TOPICS)]}</a></li>'
                      for other in rng.sample(range(posts), min(3, posts)))
    ld = ""
    if number % 3 == 0:
        ld = '<script type="application/ld+json">' + json.dumps({
            "@context": "https://schema.org", "@type": "BlogPosting", "headline": title,
            "datePublished": day, "author": {"@type": "Person", "name": author}}) + "</script>"
    # Inline theme CSS and scripts as a WordPress theme ships them: most of the 22 KB is not text.
    css = "".join(f".wp-block-{WORDS[i % len(WORDS)]}-{i}{{margin:{i}px;padding:{i % 7}px;"
                  f"color:#{i * 4099 % 0xffffff:06x}}}" for i in range(200))
    return f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8"><title>{title} | Peak Motion PT</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta property="og:title" content="{title}">
<style id="theme-inline-css">{css}</style>{ld}</head>
<body class="post-template-default single single-post postid-{number}">
<header class="site-header"><a class="logo" href="/">Peak Motion Physical Therapy</a>
<nav class="main-navigation"><ul>{nav}</ul></nav></header>
<main id="main"><article class="post-{number} post type-post status-publish">
<h1 class="entry-title">{title}</h1>
<div class="entry-meta"><span class="byline">By <a class="author-name" href="/author/{number % 4}/">{author}</a></span>
<span class="reviewed">Medically reviewed by {reviewer}</span>
<time class="entry-date published" datetime="{day}T09:00:00-06:00">{day}</time></div>
<div class="entry-content">{"".join(body)}
<h2>References</h2><ol class="references">{refs}</ol></div></article>
<aside class="related-posts"><h3>Related posts</h3><ul>{related}</ul></aside></main>
<footer class="site-footer"><ul>{nav}</ul><p>&copy; 2025 Peak Motion PT. All rights reserved.</p></footer>
<div id="cookie-banner" class="cookie-notice">We use cookies to improve your experience.
<button>Accept</button> <a href="/privacy-policy/">Privacy policy</a></div></body></html>"""


def write_site(root: Path, posts: int, origin: str) -> list[str]:
    """Write the site's files under root; returns the post URLs."""
    urls = []
    for number in range(posts):
        page = root / "blog" / slug_for(number) / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(post_html(number, posts), encoding="utf-8")
        urls.append(f"{origin}/blog/{slug_for(number)}/")
    parts = [urls[i:i + SITEMAP_SIZE] for i in range(0, len(urls), SITEMAP_SIZE)]
    for index, part in enumerate(parts):
        entries = "".join(f"<url><loc>{u}</loc></url>" for u in part)
        (root / f"post-sitemap{index + 1}.xml").write_text(
            f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</urlset>")
    maps = "".join(f"<sitemap><loc>{origin}/post-sitemap{i + 1}.xml</loc></sitemap>" for i in range(len(parts)))
    (root / "sitemap.xml").write_text(f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
                                      f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>')
    (root / "robots.txt").write_text(f"User-agent: *\nDisallow: /wp-admin/\nSitemap: {origin}/sitemap.xml\n")
    return urls


class ClinicSite:
    """A context manager: builds the site, starts nginx, and on exit stops it and removes the files."""

    def __init__(self, posts: int = 3000):
        self.posts = posts
        self.dir = Path(tempfile.mkdtemp(prefix="clinic-site-"))
        self.port = _free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.post_urls: list[str] = []

    def __enter__(self) -> ClinicSite:
        try:
            root = self.dir / "www"
            root.mkdir()
            self.post_urls = write_site(root, self.posts, self.origin)
            conf = self.dir / "nginx.conf"
            conf.write_text(NGINX_CONF.format(dir=self.dir, port=self.port, root=root,
                                              user="user root;" if AS_ROOT else ""))
            # -e: before reading its config nginx opens /var/log/nginx/error.log unless told otherwise.
            self.process = subprocess.Popen(
                [binary("nginx"), "-p", str(self.dir), "-c", str(conf), "-e", str(self.dir / "error.log"),
                 "-g", "daemon off;"], stdin=subprocess.DEVNULL, start_new_session=True)
            _wait_for(lambda: _port_open(self.port), 15, "nginx", self.dir / "error.log")
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)


NGINX_CONF = """{user}
worker_processes 1;
pid {dir}/nginx.pid;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {dir}/client_body;
    fastcgi_temp_path {dir}/fastcgi;
    proxy_temp_path {dir}/proxy;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""
