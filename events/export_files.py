"""Whole-record exports built as files off the request path, and served from disk.

Exports of tens of thousands of entries take longer than a web worker may take to answer.
So the four files (events and claims, CSV and JSON) are written by ``build`` to
``KIDAL_EXPORT_ROOT``: each into a temporary file first, moved into place only once complete,
with a manifest giving each file's size, SHA-256 and the publication stamp it was built at.
A reader therefore always downloads a complete file, never a truncated one.

``build`` runs after every approval or withdrawal (in a separate process, after the commit;
at once when ``KIDAL_EXPORTS_IN_BACKGROUND`` is off, as in tests), from ``manage.py
build_exports``, and when a download finds the files older than the record. While a build
runs, readers get the previous complete files, which say when they were built.
"""

import fcntl
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from .caching import publication_stamp
from .exports import EXPORTS

MANIFEST = "manifest.json"


def root():
    path = Path(settings.KIDAL_EXPORT_ROOT)
    path.mkdir(parents=True, exist_ok=True)
    return path


def manifest():
    """What the last complete build wrote, or None."""
    try:
        return json.loads((root() / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def manifest_version():
    """A string that changes whenever a build completes (the manifest is written last)."""
    try:
        return str((root() / MANIFEST).stat().st_mtime_ns)
    except FileNotFoundError:
        return "none"


def is_current(built=None):
    built = built if built is not None else manifest()
    return built is not None and built["stamp"] == publication_stamp()[0]


def _write(path, chunks):
    """Write ``chunks`` to ``path`` through a temporary file; return its size and digest."""
    digest, size = hashlib.sha256(), 0
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                data = chunk.encode("utf-8")
                out.write(data)
                digest.update(data)
                size += len(data)
        os.chmod(temporary, 0o644)  # readable by a web server serving the folder
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return {"size": size, "sha256": digest.hexdigest()}


def build(force=False):
    """Write the four files and their manifest, unless another process is building them or
    they are current. Returns the new manifest, or None if nothing was built."""
    folder = root()
    with open(folder / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None  # another build is running; it checks the stamp again when done
        built = None
        while force or not is_current():
            force = False
            # One transaction: every file shows the record at the same moment. The files are
            # the same for every reader, so the text they write (periods, figures) is in the
            # site's language, whichever request set off the build.
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                stamp = publication_stamp()[0]
                files = {
                    name: _write(folder / name, writer(settings.KIDAL_SITE_URL))
                    for name, (_content_type, writer) in EXPORTS.items()
                }
            built = {"stamp": stamp, "built_at": timezone.now().isoformat(), "files": files}
            _write(folder / MANIFEST, [json.dumps(built, indent=2)])
        return built


_started = []  # the build process this worker started last


def _build_in_background():
    """Build in a separate process: a build of tens of thousands of entries would hold the
    web worker's interpreter for minutes and slow every page the worker serves meanwhile.
    While the one it started runs, a worker starts no other (every download of stale files
    asks); a process that finds another worker's build holding the lock stops at once."""
    if _started and _started[-1].poll() is None:
        return
    package_parent = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(package_parent), os.environ.get("PYTHONPATH")])
        ),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "kidal", "build_exports", "--if-stale"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # not stopped with the worker that started it
    )
    _started[:] = [process]
    # Reap it when it ends, so that no finished build lingers as a zombie process.
    threading.Thread(target=process.wait, name="kidal-exports", daemon=True).start()


def _build_after_commit():
    if settings.KIDAL_EXPORTS_IN_BACKGROUND:
        _build_in_background()
    else:
        build()


def refresh_after_commit():
    """Rebuild the files once the current transaction commits (a review step's): once,
    however many steps the transaction holds (the demo loader's holds hundreds)."""
    connection = transaction.get_connection()
    # Django keeps the callbacks waiting for the commit as (savepoints, callback, robust).
    if any(callback is _build_after_commit for _ids, callback, *_ in connection.run_on_commit):
        return
    transaction.on_commit(_build_after_commit)


def refresh_if_stale():
    """Start a rebuild if the record changed since the files were built (or there are none
    yet: ``manage.py build_exports`` builds the first ones at deployment, and the demo loader
    builds them for the demo)."""
    if is_current():
        return
    if settings.KIDAL_EXPORTS_IN_BACKGROUND:
        _build_in_background()
    else:
        build()
