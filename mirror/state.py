"""What the last build of a mirror left for the next one to start from, in an SQLite file:
every mirrored address with its file's digest, the row it is about (its *owner*), the rows it
showed and the addresses it links to; a digest of every row of the models pages showed; the
build's identity, its signing key and the digest of the manifest it wrote.

The file lives in the data directory (``KIDAL_DATA_DIR``), named after the mirror's folder,
not in the folder: the folder is what gets published and copied, and the state holds digests
and ids of unpublished rows too.
"""

import hashlib
import sqlite3
from pathlib import Path

from django.conf import settings

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rows (
    id INTEGER PRIMARY KEY, label TEXT NOT NULL, pk TEXT NOT NULL, digest BLOB,
    UNIQUE (label, pk)
);
CREATE TABLE pages (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, page_key TEXT NOT NULL,
    page_number INTEGER NOT NULL, language TEXT NOT NULL, file TEXT NOT NULL UNIQUE,
    digest TEXT, owner INTEGER
);
CREATE INDEX pages_owner ON pages (owner);
CREATE TABLE page_rows (page INTEGER NOT NULL, row INTEGER NOT NULL, PRIMARY KEY (page, row))
    WITHOUT ROWID;
CREATE INDEX page_rows_row ON page_rows (row, page);
CREATE TABLE links (page INTEGER NOT NULL, target INTEGER NOT NULL, PRIMARY KEY (page, target))
    WITHOUT ROWID;
CREATE INDEX links_target ON links (target, page);
"""
CHUNK = 500


def path_for(folder):
    """The state file of the mirror in ``folder``."""
    name = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:32]
    return Path(settings.DATA_DIR) / "mirror-state" / f"{name}.sqlite3"


def chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class BuildState:
    def __init__(self, path):
        self.path = Path(path)
        self.db = None

    # Opening, and deciding whether it can be built upon ----------------------------------

    def reason_for_full_build(self, identity, fingerprint, manifest_digest):
        """Why the last build cannot be built upon (None when it can)."""
        if not self.path.is_file():
            return "no state of an earlier build"
        try:
            self.db = sqlite3.connect(self.path)
            meta = dict(self.db.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError:
            return "the state of the last build is unreadable"
        if meta.get("complete") != "1":
            return "the last build did not finish"
        if meta.get("identity") != identity:
            return "the code, templates, translations, static files or settings changed"
        if meta.get("fingerprint") != fingerprint:
            return "another signing key"
        if meta.get("manifest") != manifest_digest:
            return "the folder's manifest is not the one the last build wrote"
        return None

    def start_afresh(self, folder):
        """An empty state, for a full build."""
        if self.db is not None:
            self.db.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(SCHEMA)
        self.set_meta(folder=str(Path(folder).resolve()))

    def begin(self):
        """Mark the state as being changed, so that a build that stops half way is never
        built upon: its files and its state may disagree."""
        self.set_meta(complete="0")
        self.db.commit()

    def finish(self, **meta):
        self.set_meta(complete="1", **meta)
        self.db.commit()
        self.db.close()
        self.db = None

    def set_meta(self, **values):
        self.db.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items()
        )

    # Rows ------------------------------------------------------------------------------

    def labels(self):
        return [label for (label,) in self.db.execute("SELECT DISTINCT label FROM rows")]

    def update_rows(self, label, current):
        """Store the digests ``current`` yields for the rows of ``label``; return the ids of
        the rows that changed, appeared or disappeared (a deleted row's digest becomes NULL:
        pages may still name it until they are rendered again)."""
        stored = {
            pk: (row_id, digest)
            for row_id, pk, digest in self.db.execute(
                "SELECT id, pk, digest FROM rows WHERE label = ?", [label]
            )
        }
        changed, new = [], []
        for pk, digest in current:
            row_id, old = stored.pop(pk, (None, None))
            if row_id is None:
                new.append((label, pk, digest))
            elif old != digest:
                changed.append((digest, row_id))
        gone = [(row_id,) for row_id, digest in stored.values() if digest is not None]
        self.db.executemany("UPDATE rows SET digest = ? WHERE id = ?", changed)
        self.db.executemany("UPDATE rows SET digest = NULL WHERE id = ?", gone)
        ids = {row_id for _digest, row_id in changed} | {row_id for (row_id,) in gone}
        for label_pk_digest in new:
            cursor = self.db.execute(
                "INSERT INTO rows (label, pk, digest) VALUES (?, ?, ?)", label_pk_digest
            )
            ids.add(cursor.lastrowid)
        return ids

    def row_ids(self, keys):
        """{(label, pk): id} of the given rows, and the ids of those among them that have no
        digest yet: rows the state did not hold, added now (a later build takes them as
        changed)."""
        keys = list(keys)
        self.db.executemany("INSERT OR IGNORE INTO rows (label, pk) VALUES (?, ?)", keys)
        found, undigested = {}, set()
        for label in {label for label, _pk in keys}:
            pks = [pk for key_label, pk in keys if key_label == label]
            for chunk in chunks(pks):
                marks = ",".join("?" * len(chunk))
                query = f"SELECT id, pk, digest FROM rows WHERE label = ? AND pk IN ({marks})"
                for row_id, pk, digest in self.db.execute(query, [label, *chunk]):
                    found[label, pk] = row_id
                    if digest is None:
                        undigested.add(row_id)
        return found, undigested

    def forget_unused_rows(self):
        """Drop the rows of deleted entries that no page shows any more."""
        self.db.execute(
            "DELETE FROM rows WHERE digest IS NULL AND id NOT IN (SELECT row FROM page_rows)"
        )

    # Pages -----------------------------------------------------------------------------

    def pages(self):
        """(id, path, page key, page number, language, file, owner) of every address."""
        return self.db.execute(
            "SELECT id, path, page_key, page_number, language, file, owner FROM pages"
        )

    def add_page(self, path, page, language, file):
        key, number = page or ("", 0)
        cursor = self.db.execute(
            "INSERT INTO pages (path, page_key, page_number, language, file) "
            "VALUES (?, ?, ?, ?, ?)",
            [path, key, number, language or "", file],
        )
        return cursor.lastrowid

    def rows_of(self, page_id):
        return {
            row for (row,) in self.db.execute("SELECT row FROM page_rows WHERE page = ?", [page_id])
        }

    def record(self, page_id, digest, owner, rows, links):
        """What rendering the page ``page_id`` gave: its file's digest, its owner's row id,
        the ids of the rows it showed and of the pages it links to."""
        self.db.execute(
            "UPDATE pages SET digest = ?, owner = ? WHERE id = ?", [digest, owner, page_id]
        )
        self.db.execute("DELETE FROM page_rows WHERE page = ?", [page_id])
        self.db.executemany(
            "INSERT INTO page_rows (page, row) VALUES (?, ?)", [(page_id, row) for row in rows]
        )
        self.db.execute("DELETE FROM links WHERE page = ?", [page_id])
        self.db.executemany(
            "INSERT INTO links (page, target) VALUES (?, ?)",
            [(page_id, target) for target in links],
        )

    def pages_showing(self, row_ids):
        """The pages that showed any of the rows ``row_ids``."""
        return self._select("SELECT DISTINCT page FROM page_rows WHERE row IN ({})", row_ids)

    def pages_owned_by(self, row_ids):
        return self._select("SELECT id FROM pages WHERE owner IN ({})", row_ids)

    def pages_linking_to(self, page_ids):
        return self._select("SELECT DISTINCT page FROM links WHERE target IN ({})", page_ids)

    def _select(self, query, ids):
        found = set()
        for chunk in chunks(ids):
            found.update(
                value
                for (value,) in self.db.execute(query.format(",".join("?" * len(chunk))), chunk)
            )
        return found

    def unreachable(self, seed_ids):
        """The pages no path of links leads to from the pages ``seed_ids``."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS seeds (id INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM seeds")
        self.db.executemany("INSERT OR IGNORE INTO seeds (id) VALUES (?)", [(i,) for i in seed_ids])
        query = """
            WITH RECURSIVE reached (id) AS (
                SELECT id FROM seeds
                UNION SELECT links.target FROM links JOIN reached ON links.page = reached.id
            )
            SELECT id FROM pages WHERE id NOT IN (SELECT id FROM reached)
        """
        return {page for (page,) in self.db.execute(query)}

    def remove_pages(self, page_ids):
        for chunk in chunks(page_ids):
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"DELETE FROM page_rows WHERE page IN ({marks})", chunk)
            self.db.execute(f"DELETE FROM links WHERE page IN ({marks})", chunk)
            self.db.execute(f"DELETE FROM links WHERE target IN ({marks})", chunk)
            self.db.execute(f"DELETE FROM pages WHERE id IN ({marks})", chunk)

    def page_ids(self):
        return {page for (page,) in self.db.execute("SELECT id FROM pages")}

    def manifest(self):
        """{file: digest} of every mirrored page."""
        return dict(self.db.execute("SELECT file, digest FROM pages"))
