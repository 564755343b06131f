"""The WSGI entry point gunicorn loads: a worker starts with every view imported and what it
loaded out of the garbage collector's walks (kidal/wsgi.py), so that no reader's request pays
for the first import or for a full collection over the whole loaded code."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys
import kidal.wsgi
print(json.dumps({
    "views": sorted(name for name in ("events.views", "api.views") if name in sys.modules),
    "frozen": gc.get_freeze_count(),
    "tracked": len(gc.get_objects()),
    "threshold": gc.get_threshold()[0],
}))
"""


def test_a_worker_starts_with_the_views_loaded_and_frozen():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kidal.settings"}
    output = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    worker = json.loads(output.splitlines()[-1])
    assert worker["views"] == ["api.views", "events.views"]
    # Nearly everything loaded is frozen: a full collection walks what requests create.
    assert worker["frozen"] > 10 * worker["tracked"]
    assert worker["threshold"] > 700
