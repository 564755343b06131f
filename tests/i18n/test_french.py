"""The French interface: a complete catalogue, and pages that render in French while
the record's content keeps its own language.

The catalogue is read with the standard library only (no gettext tools at test time).
"""

import ast
import gettext
import re
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import EventFactory, editor, published_claim, reviewer

LC_MESSAGES = Path(settings.PACKAGE_DIR) / "locale" / "fr" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# printf-style placeholders (%(name)s, %s, %d…) and brace placeholders ({name}).
PRINTF = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[a-zA-Z%]")
BRACES = re.compile(r"\{\{?\s*[\w.]*\s*\}?\}")

FRENCH_NAV = ["Vue d’ensemble", "Événements", "Revendications", "Carte", "Acteurs", "Lieux"]
ENGLISH_NAV = ["Overview", "Events", "Claims", "Map", "Actors", "Places"]


# The .po file --------------------------------------------------------------------------


def parse_po(text):
    """The entries of a .po file: dicts of fields (msgid, msgstr[0]…) plus "flags"."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, field, obsolete = {"flags": set()}, None, False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#~"):
                obsolete = True
            elif line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                entry[field] += ast.literal_eval(line)
            else:
                field, value = line.split(" ", 1)
                entry[field] = ast.literal_eval(value)
        if not obsolete and "msgid" in entry:
            entries.append(entry)
    return entries


def msgstrs(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def placeholders(text):
    found = [p for p in PRINTF.findall(text) if p != "%%"] + BRACES.findall(text)
    return Counter(found)


@pytest.fixture(scope="module")
def po_entries():
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(po_entries):
    return [entry for entry in po_entries if entry["msgid"]]


def test_catalogue_header_is_french_with_french_plural_rule(po_entries):
    header = po_entries[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: fr\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]


def test_catalogue_has_the_project_messages(messages):
    msgids = {entry["msgid"] for entry in messages}
    assert len(messages) > 300
    for msgid in ("Events", "Claims", "Search the record", "Draft", "In review", "Withdraw"):
        assert msgid in msgids


def test_no_untranslated_or_fuzzy_entries(messages):
    fuzzy = [entry["msgid"] for entry in messages if "fuzzy" in entry["flags"]]
    untranslated = [
        entry["msgid"] for entry in messages if not all(s.strip() for s in msgstrs(entry))
    ]
    assert fuzzy == []
    assert untranslated == []


def test_plural_entries_have_both_french_forms(messages):
    plurals = [entry for entry in messages if "msgid_plural" in entry]
    assert plurals
    for entry in plurals:
        assert set(key for key in entry if key.startswith("msgstr")) == {"msgstr[0]", "msgstr[1]"}
        assert entry["msgstr[0]"] != entry["msgstr[1]"], entry["msgid"]


def test_translations_keep_the_placeholders(messages):
    for entry in messages:
        if "msgid_plural" in entry:
            pairs = [
                (entry["msgid"], entry["msgstr[0]"]),
                (entry["msgid_plural"], entry["msgstr[1]"]),
            ]
        else:
            pairs = [(entry["msgid"], entry["msgstr"])]
        for source, translation in pairs:
            assert placeholders(translation) == placeholders(source), (source, translation)


def test_translations_differ_from_english_where_french_differs(messages):
    same = {entry["msgid"] for entry in messages if entry.get("msgstr") == entry["msgid"]}
    # Only words that are the same in both languages may stay as they are.
    assert same <= {
        "Action", "Article", "Exact", "Citations", "Coalition", "Date", "Dates", "Kidal 2023",
        "Original", "Pages", "Participant", "Source", "Sources", "Type", "URL",
        "action", "citation", "citations", "coalition", "description", "kidal",
        "latitude", "longitude", "source", "sources",
    }  # fmt: skip


def test_compiled_catalogue_matches_the_po_file(messages):
    """The .mo was compiled from this .po: every translation is in it, unchanged."""
    with MO_FILE.open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    for entry in messages:
        key = (
            entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        )
        if "msgid_plural" in entry:
            assert catalog[(key, 0)] == entry["msgstr[0]"]
            assert catalog[(key, 1)] == entry["msgstr[1]"]
        else:
            assert catalog[key] == entry["msgstr"]


# Rendered pages -------------------------------------------------------------------------


class LangOfText(HTMLParser):
    """Records the language in force (the nearest lang attribute) around a piece of text."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, needle):
        super().__init__()
        self.needle, self.stack, self.found = needle, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            lang = dict(attrs).get("lang")
            self.stack.append((tag, lang if lang is not None else self.current()))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def current(self):
        return self.stack[-1][1] if self.stack else None

    def handle_data(self, data):
        if self.needle in data:
            self.found.append(self.current())


def langs_of(html, needle):
    """The languages in force wherever ``needle`` appears in the page's <body>."""
    parser = LangOfText(needle)
    parser.feed(html[html.index("<body") :])
    return parser.found


def page(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def public_event(db):
    author, approver = editor("i18n-editor"), reviewer("i18n-reviewer")
    event = EventFactory(
        title="Army enters Kidal",
        slug="army-enters-kidal",
        summary="Malian troops entered the town of Kidal after the rebels withdrew.",
        start_date=date(2023, 11, 14),
        language="en",
    )
    published_claim(
        author=author,
        approver=approver,
        event=event,
        text="The army says it took the town without a fight.",
        language="en",
    )
    return event


@pytest.mark.django_db
def test_home_page_in_english_by_default(client):
    html = page(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en">' in html
    for label in ENGLISH_NAV:
        assert f">{label}</a>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/events/"])
def test_pages_in_french_from_accept_language(client, path):
    html = page(client.get(path, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5"))
    assert '<html lang="fr">' in html
    for label in FRENCH_NAV:
        assert f">{label}</a>" in html
    assert ">Overview</a>" not in html
    assert "Rechercher dans le dossier" in html
    assert "le dossier de l’offensive" in html
    assert "Seules sont publiées les fiches approuvées" in html


@pytest.mark.django_db
def test_language_switch_sets_french_for_later_pages(client):
    response = client.get("/language/fr/", {"next": "/events/"})
    assert response.status_code == 302
    assert response["Location"] == "/events/"
    html = page(client.get("/events/"))
    assert '<html lang="fr">' in html
    for label in FRENCH_NAV:
        assert f">{label}</a>" in html
    assert ">Filtrer<" in html
    assert ">Appliquer<" in html
    assert "Effacer les filtres" in html
    # The language selector shows French as the current choice and links to English.
    assert '<strong aria-current="true" lang="fr">Français</strong>' in html
    assert 'href="/language/en/?next=/events/"' in html


@pytest.mark.django_db
def test_english_content_keeps_its_language_on_french_pages(client, public_event):
    html = page(client.get("/events/army-enters-kidal/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert '<html lang="fr">' in html
    # The interface is French…
    assert "Revendications" in html
    assert "14 novembre 2023" in html
    assert "Dernière relecture le" in html
    # …the content stays English, marked as such.
    assert langs_of(html, "Malian troops entered the town of Kidal") == ["en"]
    assert set(langs_of(html, "Army enters Kidal")) == {"en"}
    assert "<title>Army enters Kidal · Kidal 2023</title>" in html
    assert set(langs_of(html, "The army says it took the town without a fight.")) == {"en"}
    # French labels inside the English article are marked French.
    assert set(langs_of(html, "Sources citées")) == {"fr"}


@pytest.mark.django_db
def test_french_lists_and_home_with_a_public_event(client, public_event):
    events = page(client.get("/events/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "1 événement" in events
    assert langs_of(events, "Army enters Kidal") == ["en"]
    home = page(client.get("/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Le dossier en chiffres" in home
    assert re.search(r"<strong>1</strong> revendication<", home)
    assert re.search(r"<strong>1</strong> événement<", home)
    assert "Chronologie" in home
    claims = page(client.get("/claims/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "1 revendication" in claims
    assert set(langs_of(claims, "The army says it took the town")) == {"en"}


@pytest.mark.django_db
def test_not_found_page_in_french(client):
    response = client.get("/events/no-such-event/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Page introuvable" in html


@pytest.mark.django_db
def test_admin_login_in_french(client):
    html = page(client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert '<html lang="fr"' in html
    assert "kidal — rédaction" in html
    assert "Connexion" in html
    assert "Mot de passe" in html
    assert "Log in" not in html
