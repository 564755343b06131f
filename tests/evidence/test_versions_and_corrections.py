"""Published versions with permanent links and citations, and the public corrections log."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import reverse

from events import drafts, versions, workflow
from events.models import Transition
from tests.factories import EventFactory, editor, publish, published_claim, reviewer

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def people():
    return editor("version-editor"), reviewer("version-reviewer")


def change(entry, people, note="", **fields):
    """Edit published content and approve the change, with a correction note."""
    author, approver = people
    snapshot = drafts.snapshot_of(entry)
    snapshot["fields"].update(fields)
    workflow.edit(entry, snapshot, by=author)
    workflow.submit(entry, by=author)
    workflow.approve(entry, by=approver, correction_note=note)
    entry.refresh_from_db()
    return entry


@pytest.fixture
def corrected_event(people):
    event = publish(EventFactory(summary="First account."), author=people[0], approver=people[1])
    published_claim(author=people[0], approver=people[1], event=event)
    change(event, people, note="Casualty count was wrong.", summary="Second account.")
    change(event, people, note="The date was a day off.", summary="Third account.")
    return event


def test_every_correction_stays_on_the_entry_newest_first(client, corrected_event):
    page = client.get(corrected_event.get_absolute_url()).content.decode()
    assert page.index("The date was a day off.") < page.index("Casualty count was wrong.")
    logged = Transition.objects.filter(action="approve").exclude(correction_note="")
    assert logged.count() == 2


def test_the_corrections_page_and_the_feed_list_each_correction(client, corrected_event):
    page = client.get(reverse("events:corrections")).content.decode()
    assert "Casualty count was wrong." in page and "The date was a day off." in page
    feed = ET.fromstring(client.get(reverse("events:feed")).content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert titles.count(f"Correction: {corrected_event.title}") == 2


def test_corrections_of_entries_taken_off_the_site_are_not_shown(client, people):
    event = publish(EventFactory(), author=people[0], approver=people[1])
    published_claim(author=people[0], approver=people[1], event=event)
    change(event, people, note="Zqxhiddencorrection", summary="Changed.")
    workflow.withdraw(event, by=people[1], comment="Duplicate")
    assert "Zqxhiddencorrection" not in client.get(reverse("events:corrections")).content.decode()
    assert "Zqxhiddencorrection" not in client.get(reverse("events:feed")).content.decode()


def test_each_published_version_has_a_permanent_link(client, corrected_event):
    first, second, third = reversed(list(versions.approvals_of(corrected_event)))
    old = client.get(versions.version_url(corrected_event, first)).content.decode()
    assert "First account." in old and "Third account." not in old
    assert "A newer version exists." in old
    current = client.get(versions.version_url(corrected_event, third)).content.decode()
    assert "Third account." in current and "It is the current version." in current
    # The current page cites its current version.
    page = client.get(corrected_event.get_absolute_url()).content.decode()
    assert "Cite this page" in page
    assert versions.version_url(corrected_event, third) in page


def test_only_approved_versions_have_a_permanent_link(client, people, corrected_event):
    author, _approver = people
    snapshot = drafts.snapshot_of(corrected_event)
    snapshot["fields"]["summary"] = "Zqxunapprovedsummary"
    edit = workflow.edit(corrected_event, snapshot, by=author)
    submit = workflow.submit(corrected_event, by=author)
    for step in (edit, submit):
        url = reverse("events:event_version", args=[corrected_event.slug, step.pk])
        assert client.get(url).status_code == 404
    for approval in versions.approvals_of(corrected_event):
        page = client.get(versions.version_url(corrected_event, approval)).content.decode()
        assert "Zqxunapprovedsummary" not in page
    # Another entry's approval is not a version of this one.
    other = publish(EventFactory(), author=people[0], approver=people[1])
    foreign = versions.approvals_of(other).first()
    url = reverse("events:event_version", args=[corrected_event.slug, foreign.pk])
    assert client.get(url).status_code == 404


def test_versions_of_a_withdrawn_entry_are_gone(client, people, corrected_event):
    approval = versions.approvals_of(corrected_event).first()
    workflow.withdraw(corrected_event, by=people[1], comment="Duplicate")
    assert client.get(versions.version_url(corrected_event, approval)).status_code == 404
    assert client.get(versions.cite_url(corrected_event, approval, "bib")).status_code == 404


def test_a_claim_version_and_its_references(client, people):
    claim = published_claim(author=people[0], approver=people[1], text="Ten were killed.")
    change(claim, people, note="Figure corrected.", text="Twelve were killed.")
    first = list(versions.approvals_of(claim))[-1]
    page = client.get(versions.version_url(claim, first)).content.decode()
    assert "Ten were killed." in page and "Twelve were killed." not in page
    assert claim.citations.first().title in page

    response = client.get(versions.cite_url(claim, first, "json"))
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    (item,) = json.loads(response.content)
    assert item["URL"] == settings.KIDAL_SITE_URL + versions.version_url(claim, first)
    assert item["type"] == "webpage" and item["container-title"] == "Kidal offensive record"
    bib = client.get(versions.cite_url(claim, first, "bib")).content.decode()
    assert bib.startswith(f"@misc{{kidal-claim-{claim.pk}-v{first.pk},")
    assert "url = {" + settings.KIDAL_SITE_URL + versions.version_url(claim, first) + "}" in bib
    assert client.get(versions.cite_url(claim, first, "ris")).status_code == 404


def test_bibtex_escapes_what_tex_would_read_as_commands():
    assert versions.bibtex_text("50% of {AFP} & co_1 #2 $") == (r"50\% of \{AFP\} \& co\_1 \#2 \$")


def test_versions_corrections_and_backing_read_in_french(client, corrected_event):
    page = client.get(corrected_event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content
    page = page.decode()
    assert "Citer cette page" in page and "Lien permanent" in page
    assert "Rectificatifs, du plus récent au plus ancien" in page
    assert "1 média indépendant" in page
    approval = versions.approvals_of(corrected_event).last()
    old = client.get(versions.version_url(corrected_event, approval), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Une version plus récente existe." in old.content.decode()
    log = client.get(reverse("events:corrections"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "la version corrigée" in log
