"""A private WordPress from Debian's packages on 127.0.0.1: MariaDB, php-fpm and nginx.

Everything lives in one temporary directory: a copy of /usr/share/wordpress with our own
wp-config.php, a MariaDB datadir on a unix socket (no TCP), a php-fpm pool on a unix socket
and nginx on a free loopback port. Nothing under /etc is written; no service manager is used.
The site is populated through WordPress's own PHP API (tests/wordpress_site.php), with the
posts of tests/wordpress_content.py, so tests know the ground truth.

    with WordPress(theme="twentytwentyone") as wp:
        wp.origin, wp.posts, wp.pages; wp.edit_post(url, text); wp.trash_post(url); wp.add_post(post)

Needs: apt-get install wordpress wordpress-theme-twentytwentyone mariadb-server php-fpm php-mysql php-xml nginx
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests import wordpress_content as content

# Debian's wordpress package ships only the block theme and doesn't pull in php-xml, without
# which /wp-sitemap.xml answers 501 ("missing SimpleXML extension").
PACKAGES = ["wordpress", "wordpress-theme-twentytwentyone", "mariadb-server", "php-fpm", "php-mysql",
            "php-xml", "nginx"]
THEMES = ["twentytwentythree", "twentytwentyone"]  # block theme, classic theme
SOURCE = Path("/usr/share/wordpress")
PHP_FPM = "php-fpm8.2"  # Debian 12's; the php-fpm package only depends on it
SITE_SCRIPT = Path(__file__).with_name("wordpress_site.php")
AS_ROOT = os.geteuid() == 0


class WordPressUnavailable(RuntimeError):
    """A Debian package the fixture needs is missing; the message says what to install."""


def binary(name: str) -> str:
    """The command's path; the daemons live in /usr/sbin, which a user's PATH often lacks."""
    return shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin") or name


def missing_parts() -> list[str]:
    """What is missing to run the stack, as paths or commands; empty when all is there."""
    needed = [binary(b) for b in ("mariadb-install-db", "mariadbd", "mariadb", PHP_FPM, "php", "nginx")]
    needed += [str(SOURCE / "wp-load.php")] + [str(SOURCE / "wp-content/themes" / t / "style.css") for t in THEMES]
    missing = [n for n in needed if not os.path.exists(n)]
    if not missing and subprocess.run([binary("php"), "-r", 'exit(extension_loaded("simplexml") && '
                                       'extension_loaded("mysqli") ? 0 : 1);']).returncode != 0:
        missing.append("PHP's simplexml or mysqli extension")
    return missing


def install_hint() -> str:
    return f"sudo apt-get install {' '.join(PACKAGES)}"


class WordPress:
    """A running WordPress; a context manager that stops every process and removes its files."""

    def __init__(self, theme: str = THEMES[0], workdir: str | Path | None = None):
        missing = missing_parts()
        if missing:
            raise WordPressUnavailable(f"WordPress stack incomplete (missing {', '.join(missing)}); "
                                       f"install it with: {install_hint()}")
        self.theme = theme
        self._own_dir = workdir is None
        self.dir = Path(workdir or tempfile.mkdtemp(prefix="wordpress-"))
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.origin = f"http://{self.host}"
        self.root = self.dir / "wordpress"
        self.db_socket = self.dir / "mysqld.sock"
        self.processes: list[subprocess.Popen] = []
        self.posts: list[dict] = []  # ground truth plus id, url, date_gmt, modified_gmt from WordPress
        self.pages: list[dict] = []
        self.startup_seconds = 0.0

    def __enter__(self) -> WordPress:
        started = time.monotonic()
        try:
            self._start_database()
            self._copy_wordpress()
            self._start_php_fpm()
            self._start_nginx()
            self._install()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        self.processes.clear()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    # Mutations between crawls, through WordPress's own API.
    def edit_post(self, url: str, text: str) -> dict:
        """Append a paragraph to a post; WordPress moves its modified_gmt to now."""
        return self._php("edit", {"url": url, "text": text})

    def trash_post(self, url: str) -> dict:
        return self._php("trash", {"url": url})

    def add_post(self, post: dict) -> dict:
        """Publish a post (see wordpress_content.new_post); returns it as WordPress stored it."""
        stored = {**post, **self._php("add", {"post": post})}
        self.posts.append(stored)
        return stored

    def access_log(self) -> list[dict]:
        """Every request nginx answered so far: method, path (query included), status."""
        log = self.dir / "access.log"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]

    # The stack, bottom up.
    def _start_database(self) -> None:
        data = self.dir / "mysql"
        user = ["--user=root"] if AS_ROOT else []
        # root without a password (any OS user may log in): the server listens on our socket only.
        _run([binary("mariadb-install-db"), "--no-defaults", f"--datadir={data}", "--skip-test-db",
              "--auth-root-authentication-method=normal", "--skip-name-resolve", *user], self.dir / "install-db.log")
        self._spawn([binary("mariadbd"), "--no-defaults", f"--datadir={data}", f"--socket={self.db_socket}",
                     "--skip-networking", f"--pid-file={self.dir / 'mysqld.pid'}",
                     f"--log-error={self.dir / 'mysqld.log'}", "--innodb-buffer-pool-size=32M",
                     "--innodb-log-file-size=16M", "--skip-log-bin", *user], "mysqld.out")
        _wait_for(lambda: self.db_socket.exists() and self._sql("select 1"), 30, "MariaDB", self.dir / "mysqld.log")
        self._sql("create database wordpress character set utf8mb4; "
                  "create user 'wordpress'@'localhost' identified by 'wordpress'; "
                  "grant all on wordpress.* to 'wordpress'@'localhost';")

    def _sql(self, statement: str) -> bool:
        client = [binary("mariadb"), "--no-defaults", f"--socket={self.db_socket}", "-uroot", "-e", statement]
        return subprocess.run(client, capture_output=True).returncode == 0

    def _copy_wordpress(self) -> None:
        # Debian's wp-config.php reads /etc/wordpress/config-HOST.php: the copy gets its own. Its
        # relative symlinks into /usr/share/javascript and /usr/share/php are re-pointed there.
        subprocess.run(["cp", "-a", str(SOURCE), str(self.root)], check=True)
        for link in [p for p in self.root.rglob("*") if p.is_symlink()]:
            target = (SOURCE / link.relative_to(self.root)).resolve()
            link.unlink()
            link.symlink_to(target)
        (self.root / "wp-config.php").write_text(WP_CONFIG.format(
            socket=self.db_socket, origin=self.origin, content=self.root / "wp-content"))

    def _start_php_fpm(self) -> None:
        self.fpm_socket = self.dir / "php-fpm.sock"
        conf = self.dir / "php-fpm.conf"
        conf.write_text(FPM_CONF.format(dir=self.dir, socket=self.fpm_socket,
                                        user="user = root\n" if AS_ROOT else ""))
        self._spawn([binary(PHP_FPM), "--nodaemonize", "--fpm-config", str(conf), "--prefix", str(self.dir),
                     *(["--allow-to-run-as-root"] if AS_ROOT else [])], "php-fpm.out")
        _wait_for(self.fpm_socket.exists, 15, "php-fpm", self.dir / "php-fpm.log")

    def _start_nginx(self) -> None:
        conf = self.dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=self.dir, port=self.port, root=self.root,
                                          fpm=self.fpm_socket, user="user root;" if AS_ROOT else ""))
        # -e: before reading its config nginx opens /var/log/nginx/error.log unless told otherwise.
        self._spawn([binary("nginx"), "-p", str(self.dir), "-c", str(conf), "-e", str(self.dir / "nginx-error.log"),
                     "-g", "daemon off;"], "nginx.out")
        _wait_for(lambda: _port_open(self.port), 15, "nginx", self.dir / "nginx-error.log")

    def _install(self) -> None:
        posts = content.clinic_posts()
        result = self._php("install", {
            "title": content.SITE_TITLE, "timezone": content.TIMEZONE, "theme": self.theme,
            "authors": content.AUTHORS, "categories": content.CATEGORIES, "posts": posts,
            "pages": content.PAGES, "comments": content.COMMENTS})
        self.posts = [{**post, **stored} for post, stored in zip(posts, result["posts"])]
        self.pages = result["pages"]
        # wp_install() asks the site for a page to test pretty permalinks: not a crawl's request.
        os.truncate(self.dir / "access.log", 0)

    def _php(self, action: str, data: dict) -> dict:
        request = self.dir / f"{action}.json"
        request.write_text(json.dumps(data))
        done = subprocess.run([binary("php"), str(SITE_SCRIPT), str(self.root), self.host, action, str(request)],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"wordpress_site.php {action} failed: {done.stderr[-2000:]} {done.stdout[-2000:]}")
        # Notices printed before the JSON (mail() without sendmail, say) are not our result.
        return json.loads(done.stdout[done.stdout.index("{"):] if "{" in done.stdout else "{}")

    def _spawn(self, command: list[str], log_name: str) -> None:
        log = open(self.dir / log_name, "wb")
        self.processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                               stdin=subprocess.DEVNULL, start_new_session=True))
        log.close()  # the child holds its own copy


def _run(command: list[str], log: Path) -> None:
    with open(log, "wb") as out:
        if subprocess.run(command, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
            raise RuntimeError(f"{command[0]} failed; see {log}:\n{log.read_text()[-2000:]}")


def _wait_for(ready, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            text = log.read_text()[-2000:] if log.exists() else "(no log)"
            raise RuntimeError(f"{what} did not start within {seconds}s; {log}:\n{text}")
        time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


WP_CONFIG = """<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', 'wordpress');
define('DB_HOST', 'localhost:{socket}');
define('DB_CHARSET', 'utf8mb4');
define('WP_HOME', '{origin}');
define('WP_SITEURL', '{origin}');
define('WP_CONTENT_DIR', '{content}');
define('WP_HTTP_BLOCK_EXTERNAL', true);  // tests never leave loopback
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_DEBUG', false);
$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
"""

FPM_CONF = """[global]
pid = {dir}/php-fpm.pid
error_log = {dir}/php-fpm.log
daemonize = no

[wordpress]
{user}listen = {socket}
pm = static
pm.max_children = 4
clear_env = no
php_admin_value[error_log] = {dir}/php-errors.log
php_admin_flag[log_errors] = on
"""

NGINX_CONF = """{user}
worker_processes 1;
pid {dir}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    log_format json escape=json '{{"method":"$request_method","path":"$request_uri","status":$status}}';
    access_log {dir}/access.log json;
    client_body_temp_path {dir}/client_body;
    fastcgi_temp_path {dir}/fastcgi;
    proxy_temp_path {dir}/proxy;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        root {root};
        index index.php;
        location / {{ try_files $uri $uri/ /index.php?$args; }}
        location ~ \\.php$ {{
            # Our own params, not Debian's fastcgi_params: its security update sets HTTP_HOST to
            # $host, without the port, and WordPress on a non-default port then redirects to itself.
            fastcgi_param HTTP_HOST $host:$server_port;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
            fastcgi_param SCRIPT_NAME $fastcgi_script_name;
            fastcgi_param QUERY_STRING $query_string;
            fastcgi_param REQUEST_METHOD $request_method;
            fastcgi_param CONTENT_TYPE $content_type;
            fastcgi_param CONTENT_LENGTH $content_length;
            fastcgi_param REQUEST_URI $request_uri;
            fastcgi_param DOCUMENT_URI $document_uri;
            fastcgi_param DOCUMENT_ROOT $document_root;
            fastcgi_param SERVER_PROTOCOL $server_protocol;
            fastcgi_param GATEWAY_INTERFACE CGI/1.1;
            fastcgi_param REMOTE_ADDR $remote_addr;
            fastcgi_param REMOTE_PORT $remote_port;
            fastcgi_param SERVER_ADDR $server_addr;
            fastcgi_param SERVER_PORT $server_port;
            fastcgi_param SERVER_NAME $server_name;
            fastcgi_param REDIRECT_STATUS 200;
            fastcgi_pass unix:{fpm};
        }}
    }}
}}
"""
