"""Actors and sources marked as parties to the conflict, with their side."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from events import exports
from events.models import Status
from tests.factories import (
    ActorFactory,
    CitationFactory,
    SourceFactory,
    editor,
    publish,
    published_claim,
    reviewer,
)

pytestmark = pytest.mark.django_db


def test_a_source_speaking_for_an_actor_takes_the_actors_side():
    army = ActorFactory(side="malian_state")
    assert SourceFactory(is_party=True, actor=army).party_side == "malian_state"
    assert SourceFactory(is_party=True, side="csp_psd").party_side == "csp_psd"
    assert SourceFactory(side="").party_side == ""
    # An actor not yet approved lends nothing: its row holds unreviewed content.
    draft = ActorFactory(side="jihadist", status=Status.DRAFT, is_live=False)
    assert SourceFactory(is_party=True, actor=draft, side="other").party_side == "other"


def test_only_a_party_has_a_side():
    source = SourceFactory.build(name="RFI", slug="rfi-x", side="csp_psd", is_party=False)
    with pytest.raises(ValidationError) as error:
        source.clean()
    assert "side" in error.value.message_dict


def test_pages_mark_party_claimants_and_party_sources(client):
    author, approver = editor("party-editor"), reviewer("party-reviewer")
    csp = ActorFactory(name="CSP-PSD", kind="coalition", side="csp_psd")
    statements = SourceFactory(name="CSP-PSD statements", is_party=True, actor=csp)
    citation = publish(CitationFactory(source=statements), author=author, approver=approver)
    claim = published_claim(author=author, approver=approver, citation=citation, claimant_actor=csp)
    for url in (claim.get_absolute_url(), claim.event.get_absolute_url(), "/claims/"):
        page = client.get(url).content.decode()
        assert "party to the conflict: CSP-PSD and allied movements" in page, url
    assert (
        "party to the conflict: CSP-PSD and allied movements"
        in client.get(csp.get_absolute_url()).content.decode()
    )
    assert (
        "party to the conflict: CSP-PSD and allied movements"
        in client.get(citation.get_absolute_url()).content.decode()
    )
    rows = csv.DictReader(io.StringIO("".join(exports.claims_csv("https://x")).lstrip("\ufeff")))
    assert [row["claimant_side"] for row in rows] == ["csp_psd"]
