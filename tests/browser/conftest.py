"""Browser tests: the app served by a real server process, driven in Debian's Chromium.

The server runs `manage.py runserver` on a free local port against its own database
(an SQLite file, or a fresh PostgreSQL database beside the one in DATABASE_URL),
migrated and loaded with the demo record.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dj_database_url
import pytest

CHROMIUM = os.environ.get("KIDAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("KIDAL_SCREENSHOTS", PROJECT / "screenshots"))

# Playwright's sync API runs an event loop in this thread; the tests never touch the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Database:
    """A database of the server's own, removed when the session ends."""

    def __init__(self, tmp_path):
        configured = os.environ.get("DATABASE_URL", "")
        self.postgres = configured.startswith(("postgres://", "postgresql://"))
        if self.postgres:
            config = dj_database_url.parse(configured)
            self.name = f"{config['NAME']}_browser_{os.getpid()}"
            self.admin_dsn = configured.rsplit("/", 1)[0] + "/postgres"
            self._execute(f'CREATE DATABASE "{self.name}"')
            self.url = configured.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.url = f"sqlite:///{tmp_path / 'browser.sqlite3'}"

    def _execute(self, sql):
        import psycopg

        with psycopg.connect(self.admin_dsn, autocommit=True) as connection:
            connection.execute(sql)

    def drop(self):
        if self.postgres:
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"No Chromium at {CHROMIUM}: install Debian's chromium to run browser tests")
    database = _Database(tmp_path_factory.mktemp("browser"))
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database.url,
        "KIDAL_ALLOW_SELF_APPROVAL": "0",
        "KIDAL_EXPORT_ROOT": str(tmp_path_factory.mktemp("exports")),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(PROJECT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*manage, "load_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = _free_port()
    log = open(tmp_path_factory.mktemp("log") / "server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base_url + "/robots.txt", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("The server did not start: see " + log.name)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        database.drop()


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.kidalReportViolation(
    event.effectiveDirective, event.blockedURI, `${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class Visitor:
    """One person's browser window; records console errors and failed requests."""

    def __init__(self, browser, base_url, name):
        self.base_url = base_url
        self.name = name
        self.context = browser.new_context(base_url=base_url, accept_downloads=True)
        self.problems = []
        # Every Content-Security-Policy violation on any page fails the test. Init scripts
        # run outside the page's policy, so the listener itself is not refused.
        self.context.expose_function("kidalReportViolation", self._report_violation)
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.expected_statuses = {}
        self.page.on("console", self._check_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._check_failed_request)
        self.page.on("response", self._check_response)

    def _report_violation(self, directive, blocked, source):
        self.problems.append(f"CSP violation of {directive}: {blocked} at {source}")

    def _check_console(self, message):
        # Chromium logs every 4xx response here too; _check_response judges those.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error: {message.text}")

    def _check_failed_request(self, request):
        # The admin's autocomplete cancels its previous lookup when the search term changes.
        if request.failure == "net::ERR_ABORTED" and "/admin/autocomplete/" in request.url:
            return
        self.problems.append(f"request failed: {request.url} {request.failure}")

    def _check_response(self, response):
        path = response.url.removeprefix(self.base_url)
        if response.status >= 400 and self.expected_statuses.get(path) != response.status:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def goto(self, path, expect_status=200):
        if expect_status != 200:
            self.expected_statuses[path] = expect_status
        response = self.page.goto(path)
        assert response.status == expect_status, f"{path} answered {response.status}"
        return response

    def log_in(self, username, password, code=""):
        self.goto("/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        if code:
            self.page.fill("#id_otp_token", code)
        self.page.click("input[type=submit]")
        self.page.wait_for_url("**/admin/")

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def visitors(browser, server):
    opened = []

    def open_visitor(name):
        visitor = Visitor(browser, server, name)
        opened.append(visitor)
        return visitor

    yield open_visitor
    problems = [f"{v.name}: {problem}" for v in opened for problem in v.problems]
    for visitor in opened:
        visitor.context.close()
    assert not problems, "\n".join(problems)
