"""Safe decisions on the change form: withdrawing and discarding are confirmed on a page of
their own and look apart from Approve; nobody is offered a step they cannot take; "Save and
submit for review" sits beside Save, and a claim is submitted with its draft citations."""

import pytest

from events import workflow
from events.models import Claim, Status
from sources.models import Citation
from tests.admin_forms import admin_form_data
from tests.factories import CitationFactory, ClaimCitationFactory, published_claim

from .helpers import claim_in, counts, draft_claim, pending_edit
from .test_admin import NEW_TEXT, OLD_TEXT, change_url, decide, messages_of, transition_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_claim(editor, other_reviewer):
    return published_claim(author=editor, approver=other_reviewer, text=OLD_TEXT)


def test_withdraw_shows_a_confirmation_page_and_changes_nothing_until_confirmed(
    client, reviewer, live_claim
):
    before = counts()
    client.force_login(reviewer)
    page = decide(client, live_claim, action="withdraw", comment="The outlet retracted it.")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Withdrawing takes this entry off the public site at once" in html
    assert ">The outlet retracted it.</textarea>" in html
    assert 'name="confirmed" value="on"' in html
    assert 'class="button risky-button">Withdraw</button>' in html
    assert counts() == before
    assert Claim.objects.get(pk=live_claim.pk).is_public

    decide(
        client, live_claim, action="withdraw", comment="The outlet retracted it.", confirmed="on"
    )
    row = Claim.objects.get(pk=live_claim.pk)
    assert (row.status, row.is_live, row.is_public) == (Status.WITHDRAWN, False, False)


def test_discard_shows_the_edit_it_drops_before_dropping_it(client, editor, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    client.force_login(editor)
    page = decide(client, live_claim, action="discard")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Discarding drops the edit awaiting review" in html
    assert "including children" in html  # the diff of the pending change
    assert Claim.objects.get(pk=live_claim.pk).pending_change is not None

    decide(client, live_claim, action="discard", confirmed="on")
    row = Claim.objects.get(pk=live_claim.pk)
    assert (row.pending_change, row.text) == (None, OLD_TEXT)


def test_risky_steps_stand_apart_from_approve(client, editor, reviewer, live_claim):
    pending_edit(live_claim, by=editor, text=NEW_TEXT)
    workflow.submit(live_claim, by=editor)
    client.force_login(reviewer)
    html = client.get(change_url(live_claim)).content.decode()
    decisions = html[html.index('class="review-decisions"') : html.index('class="risky-decisions"')]
    risky = html[html.index('class="risky-decisions"') :]
    assert 'value="approve" class="button default">Approve</button>' in decisions
    assert "withdraw" not in decisions and "discard" not in decisions
    assert 'value="withdraw" class="button risky-button">Withdraw…</button>' in risky
    assert 'value="discard" class="button risky-button">Discard pending change…</button>' in risky


def test_a_confirmation_page_is_never_shown_for_a_step_the_person_cannot_take(
    client, editor, live_claim
):
    client.force_login(editor)
    before = counts()
    response = decide(client, live_claim, action="withdraw", comment="Gone.")
    assert response.status_code == 302
    assert any("permission to withdraw" in message for message in messages_of(response))
    page = client.get(
        f"{change_url(live_claim)[: -len('change/')]}transition/confirm/?action=withdraw"
    )
    assert page.status_code == 302
    assert counts() == before
    assert Claim.objects.get(pk=live_claim.pk).is_public


def test_waiting_for_a_reviewer_reads_as_information(client, editor, reviewer):
    claim = claim_in(Status.IN_REVIEW, author=reviewer, approver=None)
    client.force_login(reviewer)
    html = client.get(change_url(claim)).content.decode()
    assert 'value="approve"' not in html
    assert '<p class="review-info" id="review-waiting">You shaped the content' in html
    assert "errornote" not in html
    client.force_login(editor)
    html = client.get(change_url(claim)).content.decode()
    assert '<p class="review-info" id="review-waiting">Waiting for a reviewer' in html


def test_save_and_submit_sits_beside_save_at_the_top_and_the_bottom(client, editor):
    claim = draft_claim(author=editor)
    client.force_login(editor)
    html = client.get(change_url(claim)).content.decode()
    assert html.count('name="_submit"') == 2
    assert html.count('value="Save and submit for review"') == 2


def test_save_and_submit_saves_then_submits(client, editor):
    claim = draft_claim(author=editor)
    citation = claim.citation_links.get().citation
    workflow.submit(citation, by=editor)
    client.force_login(editor)
    form = client.get(change_url(claim))
    response = client.post(
        change_url(claim), admin_form_data(form, text="Edited before submission.", _submit="1")
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(claim)
    row = Claim.objects.get(pk=claim.pk)
    assert (row.text, row.status) == ("Edited before submission.", Status.IN_REVIEW)


def test_submitting_a_claim_offers_to_submit_its_draft_citations_with_it(client, editor):
    claim = draft_claim(author=editor)
    first = claim.citation_links.get().citation
    second = CitationFactory(title="Second report")
    ClaimCitationFactory(claim=claim, citation=second)
    client.force_login(editor)

    form = client.get(change_url(claim))
    response = client.post(change_url(claim), admin_form_data(form, _submit="1"))
    assert response.status_code == 302
    confirm_url = response["Location"]
    assert confirm_url.endswith("/transition/confirm/?action=submit")
    assert Claim.objects.get(pk=claim.pk).status == Status.DRAFT

    page = client.get(confirm_url)
    html = page.content.decode()
    assert "This claim cites citations that are not submitted yet" in html
    for citation in (first, second):
        assert f'name="with" value="{citation.pk}" checked' in html

    # The editor keeps the first citation back and submits the second with the claim.
    token = page.context["seen"]
    client.post(
        transition_url(claim),
        {"action": "submit", "seen": token, "confirmed": "on", "with": [str(second.pk)]},
    )
    assert Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW
    assert Citation.objects.get(pk=second.pk).status == Status.IN_REVIEW
    assert Citation.objects.get(pk=first.pk).status == Status.DRAFT


def test_the_review_panel_submit_asks_about_draft_citations_too(client, editor):
    claim = draft_claim(author=editor)
    client.force_login(editor)
    page = decide(client, claim, action="submit")
    assert page.status_code == 200
    assert "This claim cites citations that are not submitted yet" in page.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == Status.DRAFT
