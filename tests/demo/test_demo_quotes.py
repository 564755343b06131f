"""Every quoted passage in the demo record is words of the document it is attributed to.

The seed documents the record was written from (two encyclopedia articles with their
reference lists, an AFP dispatch and a commentary) are kept as fingerprints of their word
sequences (``fingerprints.py``). A quote from one of them must appear in its text; a quote
from any other document must come from that document's title, as the seeds' reference lists
give it. Where the record knows a document
only through an article that reports it, the link names that article and quotes nothing.
"""

import json
import re

import pytest

from events.management.commands.load_demo import DATA_FILE

from . import fingerprints

# The documents the seeds hold in full, by their key in the demo dataset.
HELD_DOCUMENTS = fingerprints.load()

DEMO = json.loads(DATA_FILE.read_text(encoding="utf-8"))
CITATIONS = {row["key"]: row for row in DEMO["citations"]}
LINKS = [(claim, link) for claim in DEMO["claims"] for link in claim["citations"]]
QUOTED = [(claim, link) for claim, link in LINKS if link["quote"]]
REPORTED = [(claim, link) for claim, link in LINKS if link.get("reported_by")]


def _words(text):
    return re.sub(r"\s+", " ", text).strip()


def _link_id(pair):
    claim, link = pair
    return f"{claim['key']}:{link['citation']}"


def test_the_seeds_and_the_dataset_agree_on_which_documents_are_held():
    assert set(HELD_DOCUMENTS) <= set(CITATIONS)
    assert len(QUOTED) >= 40 and len(REPORTED) >= 9


@pytest.mark.parametrize("pair", QUOTED, ids=_link_id)
def test_a_quote_is_words_of_the_cited_document(pair):
    _claim, link = pair
    citation = CITATIONS[link["citation"]]
    quote = _words(link["quote"])
    if link["citation"] in HELD_DOCUMENTS:
        assert fingerprints.appears(quote, HELD_DOCUMENTS[link["citation"]])
    else:
        # Of a document the seeds know only by its reference, only the title's words are known.
        title = _words(citation["title"])
        assert quote in title
        assert any(fingerprints.appears(title, prints) for prints in HELD_DOCUMENTS.values())
    assert link["quote_language"] == citation["language"]


@pytest.mark.parametrize("pair", REPORTED, ids=_link_id)
def test_a_document_known_through_another_is_not_quoted_and_its_reporter_is_cited(pair):
    claim, link = pair
    assert not link["quote"] and not link["translation"]
    assert link["reported_by"] in CITATIONS and link["reported_by"] != link["citation"]
    assert link["reported_by"] in {other["citation"] for other in claim["citations"]}
