"""Fingerprints of the seed documents, so the quote test can check words against them while
the repository carries no copy of their text (articles under others' copyright or licence).

A document's fingerprint is the set of short hashes of its word sequences: every run of
``RUN`` words and every run of ``SHORT`` words. A passage appears in the document when every
run of ``RUN`` consecutive words of it does (or its whole run, when it is shorter). Words are
compared as written, capitals and accents included; punctuation and spacing are left out.

    python -m tests.demo.fingerprints SEED_FILE ... > tests/demo/seed_fingerprints.json

(with the demo key of each document as the file's name without its extension).
"""

import hashlib
import json
import re
import sys
from pathlib import Path

RUN, SHORT = 5, 2
FILE = Path(__file__).with_name("seed_fingerprints.json")


def words(text):
    return re.findall(r"\w+(?:['’]\w+)*", text)


def _digest(run):
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:12]


def fingerprint(text):
    tokens = words(text)
    return sorted(
        {_digest(tokens[i : i + n]) for n in (SHORT, RUN) for i in range(len(tokens) - n + 1)}
    )


def appears(passage, prints):
    """Whether every run of words of ``passage`` is in the fingerprint ``prints``."""
    tokens = words(passage)
    n = RUN if len(tokens) >= RUN else SHORT
    if len(tokens) < SHORT:
        return False  # too short to tell
    return all(_digest(tokens[i : i + n]) in prints for i in range(len(tokens) - n + 1))


def load():
    return {key: set(prints) for key, prints in json.loads(FILE.read_text()).items()}


if __name__ == "__main__":
    json.dump(
        {
            Path(path).stem: fingerprint(Path(path).read_text(encoding="utf-8"))
            for path in sys.argv[1:]
        },
        sys.stdout,
        separators=(",", ":"),
        sort_keys=True,
    )
