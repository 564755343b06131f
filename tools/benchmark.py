"""Benchmark kidal's pages under load, as ratios to a trivial view measured in the same run.

Serves the app with gunicorn (DEBUG off) on the PostgreSQL database in DATABASE_URL, drives
every public page, the admin pages and the liveness view with wrk, and writes a table of
each page's throughput and p50/p95/p99 latency to docs/benchmarks.md. Public pages are
measured twice: warm (the page cache on, after a first request) and uncached
(KIDAL_PAGE_CACHE=0). The database should hold a record of the size to measure:

    createdb -h 127.0.0.1 -U postgres kidal_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kidal_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_synthetic --events 10000
    .venv/bin/python tools/benchmark.py --duration 5

``--mirror`` times ``manage.py build_mirror`` instead (a full build into an empty folder, a
rebuild with nothing changed, then a rebuild after approving one claim in review, which
changes the database), on the database at hand (DATABASE_URL, or the SQLite demo when it is
unset), and prints the times; it needs neither wrk nor PostgreSQL.

Needs wrk (Debian: apt-get install wrk) and Redis for the page cache (CACHE_URL, by default
redis://127.0.0.1:6379/1). Each server and each load run stops by itself;
every request goes to 127.0.0.1.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

# wrk prints one JSON line with the numbers this script reads.
WRK_REPORT = """
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"rps": %f, "p50": %f, "p95": %f, "p99": %f, "requests": %d, "errors": %d, "non2xx": %d}\\n',
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def django_setup(env):
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidal.settings")
    import django

    django.setup()


def pages():
    """The pages to measure: (group, name, path), from the record in the database."""
    from django.db.models import Count
    from reversion.models import Version

    from events.models import Actor, Claim, Event, Place
    from sources.models import Citation, Source

    event = Event.objects.public().order_by("pk").first()
    largest = Event.objects.public().annotate(n=Count("claims")).order_by("-n").first() or event
    claim = Claim.objects.public().order_by("pk").first()
    actor = Actor.objects.public().order_by("pk").first()
    place = Place.objects.public().order_by("pk").first()
    source = Source.objects.public().order_by("pk").first()
    citation = Citation.objects.public().order_by("pk").first()
    public = [
        ("home", "/"),
        ("event list", "/events/"),
        ("event list, filtered", f"/events/?actor={actor.pk}&claim_kind=casualties&sort=-date"),
        ("event list, page 50", "/events/?page=50"),
        ("event", event.get_absolute_url()),
        (f"event with {largest.n} claims", largest.get_absolute_url()),
        ("claim list", "/claims/"),
        ("claim", claim.get_absolute_url()),
        ("actor list", "/actors/"),
        ("actor", actor.get_absolute_url()),
        ("place list", "/places/"),
        ("place", place.get_absolute_url()),
        ("map", "/map/"),
        ("source list", "/sources/"),
        ("source", source.get_absolute_url()),
        ("citation", citation.get_absolute_url()),
        ("search", "/search/?q=convoy"),
        ("feed", "/feed/"),
        ("sitemap index", "/sitemap.xml"),
        ("sitemap of claims, page 1", "/sitemap-claims.xml"),
        ("exports page", "/exports/"),
        ("claims CSV export", "/exports/claims.csv"),
        ("API: events", "/api/v1/events/"),
        ("API: events, filtered", f"/api/v1/events/?actor={actor.pk}&claim_kind=casualties"),
        ("API: event", f"/api/v1/events/{event.pk}/"),
        ("API: claims", "/api/v1/claims/"),
        ("API: claim", f"/api/v1/claims/{claim.pk}/"),
        ("API: citations", "/api/v1/citations/"),
    ]
    version = Version.objects.get_for_object(claim).order_by("-pk").first()
    admin = [
        ("admin: claims", "/admin/events/claim/"),
        ("admin: claims in review", "/admin/events/claim/?review=in_review"),
        ("admin: events", "/admin/events/event/"),
        ("admin: citations", "/admin/sources/citation/"),
        ("admin: claim form", f"/admin/events/claim/{claim.pk}/change/"),
        ("admin: event form", f"/admin/events/event/{event.pk}/change/"),
        ("admin: claim history", f"/admin/events/claim/{claim.pk}/history/"),
        (
            "admin: compare",
            f"/admin/events/claim/{claim.pk}/history/compare/?from={version.pk}&to=live"
            if version
            else f"/admin/events/claim/{claim.pk}/history/",
        ),
        ("admin: review queue", "/admin/review-queue/"),
        ("admin: audit log", "/admin/audit/"),
    ]
    return public, admin


def staff_cookie():
    """A session of a reviewer verified by a second factor, for the admin pages."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, _ = get_user_model().objects.get_or_create(
        username="benchmark-reviewer", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name="Reviewers"))
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="benchmark", confirmed=True)
    session = SessionStore()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class Server:
    def __init__(self, env, workers):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(PROJECT / ".venv" / "bin" / "gunicorn"),
                "kidal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=PROJECT,
            env=env,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.url}/health/live", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def measure(url, duration, connections, cookie=None, script=None):
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "-s",
        script,
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 60
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith('{"rps"'))
    return json.loads(line)


def warm(url, workers, cookie=None):
    """Ask for the page a few times per worker before measuring: "uncached" means without
    the page cache, not a worker's first request (its templates compiled, its code loaded)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    for _ in range(3 * workers):
        with urllib.request.urlopen(request, timeout=120) as response:
            status, size = response.status, len(response.read())
    return status, size


def machine():
    cpu = platform.processor() or platform.machine()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split()[1])
        memory = f"{kilobytes / 1024 / 1024:.0f} GiB"
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({model or cpu}), {memory} of memory, "
        f"Python {platform.python_version()}, {postgres}"
    )


def record_size():
    from events.models import Claim, ClaimCitation, Event
    from sources.models import Source

    return (
        f"{Event.objects.count():,} events ({Event.objects.public().count():,} public), "
        f"{Claim.objects.count():,} claims, {ClaimCitation.objects.count():,} citation links, "
        f"{Source.objects.count():,} sources"
    )


def row(name, result, baseline, size=None):
    ratio = result["rps"] / baseline["rps"] if baseline["rps"] else 0
    errors = result["errors"] + result["non2xx"]
    return (
        f"| {name} | {result['rps']:.0f} | {ratio:.0%} | {result['p50']:.1f} | "
        f"{result['p95']:.1f} | {result['p99']:.1f} | {errors} |"
        + (f" {size / 1024:.0f} KB |" if size is not None else "")
    )


def approve_one_claim():
    """Approve one claim in review on a public event, as a reviewer the four-eyes rule lets
    approve it: the change the last timed rebuild renders. Returns the claim's id."""
    from events import workflow
    from events.models import Claim, Status

    waiting = Claim.objects.filter(status=Status.IN_REVIEW, event__is_public=True).order_by("pk")
    for reviewer in workflow.reviewers():
        claim = workflow.approvable_by(waiting, reviewer).first()
        if claim is not None:
            workflow.approve(claim, by=reviewer)
            return claim.pk
    raise SystemExit("No claim in review that a reviewer may approve: no change to rebuild.")


def time_mirror():
    """(what, seconds, the command's summary) of a full build of the static mirror into an
    empty folder, a rebuild with nothing changed, and a rebuild after one approval."""
    django_setup({})
    from mirror import state

    times = []
    with tempfile.TemporaryDirectory() as folder:
        key = Path(folder) / "key.pem"
        subprocess.run(
            [sys.executable, "manage.py", "mirror_key", str(key)],
            cwd=PROJECT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        env = {**os.environ, "KIDAL_MIRROR_SIGNING_KEY": str(key)}
        mirror = Path(folder) / "m"
        try:
            for what in ("full build", "rebuild, nothing changed", "rebuild after one approval"):
                if what == "rebuild after one approval":
                    what += f" (claim {approve_one_claim()})"
                started = time.perf_counter()
                built = subprocess.run(
                    [sys.executable, "manage.py", "build_mirror", "-v0", str(mirror)],
                    cwd=PROJECT,
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                summary = built.stdout.split("; signed")[0]
                times.append((what, time.perf_counter() - started, summary))
        finally:
            state.path_for(mirror).unlink(missing_ok=True)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--skip-export-build",
        action="store_true",
        help="do not time a build of the export files when those on disk are current "
        "(it takes minutes at 10,000 events)",
    )
    parser.add_argument(
        "--mirror",
        action="store_true",
        help="only time a full build and two rebuilds of the static mirror (the second "
        "after approving a claim), on the database at hand",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=str(PROJECT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    if args.mirror:
        for what, seconds, summary in time_mirror():
            print(f"Mirror {what}: {seconds:.1f} s ({summary})")
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Point DATABASE_URL at the PostgreSQL database to measure.")

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-" + "x" * 50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "CONN_MAX_AGE": "600",
        # The page cache as in production: shared by the workers.
        "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/1"),
        # wrk is one client: the API's per-address limit would answer it with 429s.
        "KIDAL_API_RATE": "off",
    }
    django_setup(env)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=PROJECT,
        env=env,
        check=True,
    )
    from events import export_files

    export_seconds = None
    # Without current files, the first request to the exports would start a build inside a
    # worker while the pages are measured.
    if not (args.skip_export_build and export_files.is_current()):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "build_exports"],
            cwd=PROJECT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        export_seconds = time.perf_counter() - started
    public, admin = pages()
    cookie = staff_cookie()
    lines = []

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)

    def run(label, server, items, cookie=None, sizes=None, connections=args.connections):
        baseline = measure(
            f"{server.url}/health/live", args.duration, connections, script=script.name
        )
        lines.append(f"\n### {label}\n")
        lines.append(
            "| page | requests/s | of the trivial view | p50 ms | p95 ms | p99 ms | errors |"
            + (" size |" if sizes is not None else "")
        )
        lines.append("|---|---|---|---|---|---|---|" + ("---|" if sizes is not None else ""))
        lines.append(
            row(
                "trivial view (`/health/live`)",
                baseline,
                baseline,
                0 if sizes is not None else None,
            )
        )
        for name, path in items:
            status, size = warm(server.url + path, args.workers, cookie)
            if sizes is not None:
                sizes[name] = size
            result = measure(server.url + path, args.duration, connections, cookie, script.name)
            lines.append(row(name, result, baseline, sizes.get(name) if sizes else None))
            print(lines[-1], flush=True)

    sizes = {}
    server = Server({**env, "KIDAL_PAGE_CACHE": "1"}, args.workers)
    try:
        run("Public pages, warm cache", server, public, sizes=sizes)
        # One reviewer at a time: how long a reviewer waits (the target); then as many
        # reviewers at once as the public pages have readers, queueing at the workers.
        run("Admin pages, one reviewer at a time", server, admin, cookie=cookie, connections=1)
        run(f"Admin pages, {args.connections} reviewers at once", server, admin, cookie=cookie)
    finally:
        server.stop()
    server = Server({**env, "KIDAL_PAGE_CACHE": "0"}, args.workers)
    try:
        # One reader at a time: how long a page nobody asked for since the last publication
        # takes to build (the latency target); then under the same load as the warm pages.
        run("Public pages, uncached, one reader at a time", server, public, connections=1)
        run(f"Public pages, uncached, {args.connections} connections", server, public)
    finally:
        server.stop()
    os.unlink(script.name)

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    document = "\n".join(
        [
            "# Benchmarks",
            "",
            f"Measured by `tools/benchmark.py` on {when}: gunicorn with {args.workers} "
            f"workers (DEBUG off), wrk with {args.connections} connections for "
            f"{args.duration} s per page, all on one machine.",
            "",
            f"- Machine: {machine()}.",
            f"- Record: {record_size()}.",
            *(
                [
                    f"- Building the four whole-record export files took {export_seconds:.0f} s "
                    "(off the request path, after each publication)."
                ]
                if export_seconds is not None
                else []
            ),
            "- Ratios compare each page's throughput with the trivial view's in the same "
            "server run; absolute numbers depend on the machine, ratios much less.",
            *lines,
            "",
        ]
    )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(document, encoding="utf-8")
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
