"""Upgrade a populated database from the previous release to this code, as an operator would.

The previous release (PREVIOUS below) is taken from git, installed in a virtualenv of its own,
and fills a new PostgreSQL database with the demo record through its own workflow. This code
then runs `migrate` on that database. The check: every migration applies, the stored public
state still matches the publication rule, every public address of before is still public and
answers 200, and the history (versions, revisions, the review log) is intact, entry by entry.
Used by CI (.ci/run):

    .venv/bin/python tools/check_upgrade.py

Needs git with the project's history and PostgreSQL at 127.0.0.1:5432 (trust auth).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
# The release before this one (0.1.0).
PREVIOUS = "d4b392c"

# Run by both versions' `manage.py shell`: what must survive the upgrade, as JSON.
SURVEY = """
import json
from reversion.models import Revision, Version
from events.models import Claim, Event, Transition
from events.sitemaps import SITEMAPS
from sources.models import Citation

addresses = sorted(
    site.location(item) for site in (s() for s in SITEMAPS.values()) for item in site.items()
)
history = {
    f"{version.content_type.model}:{version.object_id}": []
    for version in Version.objects.select_related("content_type")
}
for version in Version.objects.select_related("content_type", "revision").order_by("pk"):
    history[f"{version.content_type.model}:{version.object_id}"].append(
        [version.pk, version.revision.date_created.isoformat(), version.serialized_data]
    )
print(json.dumps({
    "public addresses": addresses,
    "public events": Event.objects.public().count(),
    "claims": Claim.objects.count(),
    "citations": Citation.objects.count(),
    "revisions": Revision.objects.count(),
    "review log": list(Transition.objects.order_by("pk").values_list(
        "pk", "action", "object_id", "created_at")),
    "history": history,
}, default=str))
"""

# Run by this code after the upgrade: every public address answers, history pages render.
VISIT = """
import json, sys
from django.contrib.auth import get_user_model
from django.test import Client
from events.models import Claim
addresses = json.loads(sys.stdin.read())
reader = Client(HTTP_HOST="127.0.0.1")
failed = [a for a in addresses if reader.get(a).status_code != 200]
admin = Client(HTTP_HOST="127.0.0.1")
admin.force_login(get_user_model().objects.filter(is_superuser=True).first())
claim = Claim.objects.public().first()
history = admin.get(f"/admin/events/claim/{claim.pk}/history/")
print(json.dumps({"failed": failed, "history page": history.status_code}))
"""


def shell(python, project, env, code, stdin=None):
    result = subprocess.run(
        [str(python), str(project / "manage.py"), "shell", "-c", code],
        env=env,
        cwd=project,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        raise SystemExit(1)


def main():
    work = Path(tempfile.mkdtemp(prefix="kidal-upgrade-"))
    database = f"kidal_upgrade_{os.getpid()}"
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "KIDAL_EXPORT_ROOT": str(work / "exports"),
        "KIDAL_DATA_DIR": str(work),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    env.pop("CACHE_URL", None)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    try:
        old = work / "previous"
        old.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(PROJECT), "archive", PREVIOUS], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True)
        old_python = work / "venv" / "bin" / "python"
        subprocess.run(
            [str(old_python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            + ["-e", str(old)],
            check=True,
        )
        for step in (["migrate", "--noinput", "-v0"], ["load_demo"]):
            subprocess.run(
                [str(old_python), str(old / "manage.py"), *step],
                env=env,
                cwd=old,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        before = shell(old_python, old, env, SURVEY)
        print(
            f"previous release ({PREVIOUS}): {len(before['public addresses'])} public addresses, "
            f"{before['revisions']} revisions, {len(before['review log'])} review steps"
        )

        subprocess.run(
            [sys.executable, str(PROJECT / "manage.py"), "migrate", "--noinput", "-v0"],
            env=env,
            cwd=PROJECT,
            check=True,
        )
        check(True, "every migration applied to the populated database")
        subprocess.run(
            [sys.executable, str(PROJECT / "manage.py"), "check_publication"],
            env=env,
            cwd=PROJECT,
            check=True,
        )
        check(True, "the stored public state matches the publication rule")
        after = shell(sys.executable, PROJECT, env, SURVEY)
        gone = set(before["public addresses"]) - set(after["public addresses"])
        check(not gone, f"every public address is still public ({sorted(gone)[:5]})")
        for key in ("public events", "claims", "citations", "revisions", "review log"):
            check(before[key] == after[key], f"{key}: the same after the upgrade")
        check(before["history"] == after["history"], "every entry's versions, dates and content")
        visit = shell(
            sys.executable, PROJECT, env, VISIT, stdin=json.dumps(after["public addresses"])
        )
        check(not visit["failed"], f"every public address answers 200 ({visit['failed'][:5]})")
        check(visit["history page"] == 200, "an entry's history page renders")
        print("The upgrade from the previous release keeps the record and its history.")
    finally:
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=False
        )
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
