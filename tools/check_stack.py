"""Start kidal's production stack on this machine and use it as a reader and an admin would.

Debian's nginx with deploy/nginx.conf (TLS with a throw-away certificate) in front of gunicorn
with deploy/gunicorn.conf.py, on a new PostgreSQL database and Redis, DEBUG off: fetches public
pages and static files over https, checks the http redirect, the security headers, that the
page cache lives in Redis, and logs in to the admin with a password and a second-factor code.
Everything it starts is stopped and its database dropped at the end. Used by CI (.ci/run):

    .venv/bin/python tools/check_stack.py

Needs nginx, openssl, PostgreSQL at 127.0.0.1:5432 (trust auth for `createdb -U postgres`) and
Redis at 127.0.0.1:6379.
"""

import fcntl
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
BIN = PROJECT / ".venv" / "bin"
REDIS_DB = 6


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_config(work, https_port, http_port):
    """deploy/nginx.conf as shipped, with this machine's addresses, certificate and folders."""
    text = (PROJECT / "deploy" / "nginx.conf").read_text()
    for example, here in (
        ("unix:/run/kidal/gunicorn.sock", f"unix:{work}/gunicorn.sock"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("/etc/letsencrypt/live/kidal.example.org/fullchain.pem", f"{work}/cert.pem"),
        ("/etc/letsencrypt/live/kidal.example.org/privkey.pem", f"{work}/key.pem"),
        ("/srv/kidal/data/", f"{work}/data/"),
        ("kidal.example.org", "localhost"),
    ):
        assert example in text, f"deploy/nginx.conf no longer holds {example!r}"
        text = text.replace(example, here)
    # IPv6 may be missing on a CI machine; the IPv4 lines above are the ones tested.
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


def main_config(work):
    return f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
user root;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {work}/nginx-access.log;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/site.conf;
}}
"""


def run(command, env, **kwargs):
    return subprocess.run(command, env=env, check=True, cwd=kwargs.pop("cwd", None), **kwargs)


def kidal(env, *args, **kwargs):
    return run([str(BIN / "python"), str(PROJECT / "manage.py"), *args], env, **kwargs)


class Browser:
    """urllib with cookies, trusting the throw-away certificate and never following redirects
    by itself, so each answer is checked as it comes."""

    def __init__(self):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        self.cookies = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.cookies),
            NoRedirect,
        )

    def fetch(self, url, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, self.headers(response), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, self.headers(error), error.read().decode(errors="replace")

    @staticmethod
    def headers(response):
        """Header values by name, repeated headers joined as HTTP allows."""
        joined = {}
        for name, value in response.headers.items():
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
        return joined

    def cookie(self, name):
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        raise SystemExit(1)


def wait_for_export_builds(folder, seconds=120):
    """Export builds run in processes of their own, which outlive the workers that started
    them: wait until none holds the exports' lock, so that none finds its database gone."""
    if not (folder / ".lock").exists():
        return
    with open(folder / ".lock") as lock:
        for _ in range(seconds * 5):
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                time.sleep(0.2)


def main():
    if not shutil.which("nginx"):
        raise SystemExit("nginx is needed: apt-get install nginx")
    work = Path(tempfile.mkdtemp(prefix="kidal-stack-"))
    database = f"kidal_stack_{os.getpid()}"
    https_port, http_port = free_port(), free_port()
    origin = f"https://localhost:{https_port}"
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost",
        "CSRF_TRUSTED_ORIGINS": origin,
        "KIDAL_SITE_URL": origin,
        "KIDAL_DATA_DIR": str(work / "data"),
        "KIDAL_TRUSTED_PROXIES": "1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "KIDAL_BIND": f"unix:{work}/gunicorn.sock",
        "KIDAL_WORKERS": "2",
        "KIDAL_ACCESS_LOG": str(work / "gunicorn-access.log"),
        "DJANGO_SUPERUSER_PASSWORD": secrets.token_urlsafe(16),
    }
    processes = []
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    try:
        (work / "data").mkdir()
        run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], env, stdout=subprocess.DEVNULL)
        run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
            + ["-subj", "/CN=localhost", "-keyout", work / "key.pem", "-out", work / "cert.pem"],
            env,
            stderr=subprocess.DEVNULL,
        )
        kidal(env, "migrate", "--noinput", "-v0")
        kidal(env, "collectstatic", "--noinput", "-v0")
        kidal(env, "check", "--deploy", "--fail-level", "WARNING")
        kidal(env, "createsuperuser", "--noinput", "--username", "chief", "--email", "c@x.org")
        secret = kidal(
            env,
            "shell",
            "-c",
            "from django.contrib.auth.models import User;"
            "from django_otp.plugins.otp_totp.models import TOTPDevice;"
            "d = TOTPDevice.objects.create(user=User.objects.get(username='chief'), name='phone');"
            "print(d.key)",
            capture_output=True,
            text=True,
        ).stdout.split()[-1]  # after the shell's note on the models it imported
        # Some public content, published through the workflow as the demo loader does.
        kidal({**env, "DEBUG": "1"}, "load_demo", stdout=subprocess.DEVNULL)

        processes.append(
            subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(PROJECT / "deploy" / "gunicorn.conf.py")]
                + ["kidal.wsgi"],
                env=env,
                cwd=work / "data",
                start_new_session=True,
            )
        )
        (work / "site.conf").write_text(site_config(work, https_port, http_port))
        (work / "nginx.conf").write_text(main_config(work))
        run(["nginx", "-t", "-q", "-p", str(work), "-c", str(work / "nginx.conf")], env)
        processes.append(
            subprocess.Popen(
                ["nginx", "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                start_new_session=True,
            )
        )
        browser = Browser()
        for _ in range(100):
            if (work / "gunicorn.sock").exists():
                try:
                    if browser.fetch(f"{origin}/healthz")[0] == 200:
                        break
                except OSError:
                    pass
            time.sleep(0.2)

        status, headers, body = browser.fetch(f"{origin}/")
        check(status == 200 and '<html lang="en">' in body, "home page over https")
        check("max-age=" in headers.get("Strict-Transport-Security", ""), "HSTS header")
        check("default-src 'self'" in headers.get("Content-Security-Policy", ""), "CSP header")
        status, headers, body = browser.fetch(f"{origin}/", headers={"Accept-Language": "fr"})
        check(status == 200 and '<html lang="fr">' in body, "home page in French")
        for path in ("/events/", "/claims/", "/map/", "/feed/", "/sitemap.xml", "/healthz"):
            check(browser.fetch(origin + path)[0] == 200, f"{path} over https")
        stylesheet = re.search(r'href="(/static/kidal/site\.[0-9a-f]+\.css)"', body)
        check(stylesheet is not None, "hashed stylesheet name in the page")
        status, headers, _ = browser.fetch(origin + stylesheet.group(1))
        check(
            status == 200 and "immutable" in headers.get("Cache-Control", ""),
            f"nginx serves it for a year ({status}, {headers.get('Cache-Control')})",
        )
        status, headers, _ = browser.fetch(f"http://localhost:{http_port}/events/")
        check(
            status == 301 and headers.get("Location") == "https://localhost/events/",
            "plain http redirected to https",
        )
        keys = run(
            ["redis-cli", "-n", str(REDIS_DB), "--scan", "--pattern", "*kidal:page:*"],
            env,
            capture_output=True,
            text=True,
        ).stdout.split()
        check(len(keys) >= 5, f"public pages cached in Redis ({len(keys)} keys)")

        status, _, body = browser.fetch(f"{origin}/admin/login/?next=/admin/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        check(status == 200 and browser.cookie("csrftoken"), "admin login page")
        sys.path.insert(0, str(PROJECT))
        from django_otp.oath import totp

        code = f"{totp(bytes.fromhex(secret)):06d}"
        form = {
            "csrfmiddlewaretoken": token,
            "username": "chief",
            "password": env["DJANGO_SUPERUSER_PASSWORD"],
            "otp_token": code,
            "next": "/admin/",
        }
        referer = {"Referer": f"{origin}/admin/login/"}
        status, headers, _ = browser.fetch(f"{origin}/admin/login/", form, referer)
        check(status == 302 and headers.get("Location") == "/admin/", "log in with a TOTP code")
        status, _, body = browser.fetch(f"{origin}/admin/")
        check(status == 200 and "chief" in body, "the admin, logged in through the proxy")
        sessions = run(
            ["redis-cli", "-n", str(REDIS_DB), "--scan", "--pattern", "*cached_db*"],
            env,
            capture_output=True,
            text=True,
        ).stdout.split()
        check(len(sessions) >= 1, "the session lives in Redis (and the database)")
        status, _, body = browser.fetch(f"{origin}/admin/review-queue/")
        check(status == 200, "the review queue")

        # Without export files, a download starts a build in a process of its own and says
        # so; the complete file is served once the build is done.
        shutil.rmtree(work / "data" / "exports")
        status, headers, _ = browser.fetch(f"{origin}/exports/claims.csv")
        check(status == 503 and "Retry-After" in headers, f"export being prepared ({status})")
        for _ in range(300):
            status, headers, body = browser.fetch(f"{origin}/exports/claims.csv")
            if status == 200:
                break
            time.sleep(0.2)
        check(
            status == 200 and body.startswith("\ufeffclaim_id,") and len(body.splitlines()) > 100,
            f"export built in the background and served ({status})",
        )
        print("The production stack works: nginx, TLS, gunicorn, PostgreSQL and Redis.")
    finally:
        for process in reversed(processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        wait_for_export_builds(work / "data" / "exports")
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=False
        )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
