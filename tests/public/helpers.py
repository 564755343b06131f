"""A small record for the public-site tests: public entries, and entries the public
must never see, each carrying a unique marker text."""

from datetime import date
from types import SimpleNamespace

from events import drafts, workflow
from events.models import Claim, Event, EventActor, Place
from tests.factories import (
    ActorFactory,
    CitationFactory,
    ClaimCitationFactory,
    ClaimFactory,
    EventActorFactory,
    EventFactory,
    PlaceFactory,
    SourceFactory,
    editor,
    publish,
    published_claim,
    reviewer,
)

# Texts that belong to entries the public cannot see.
SECRETS = [
    "Zqxdraftevent",
    "Zqxdraftclaim",
    "Zqxdraftcitation",
    "Zqxwithdrawnevent",
    "Zqxpendingsummary",
    "Zqxunsourcedclaim",
    "Zqxreviewclaim",
]


def users():
    return editor("pub-editor"), reviewer("pub-reviewer")


def build_record():
    author, approver = users()
    kidal = PlaceFactory(name="Kidal", slug="kidal", region="Kidal", latitude=18.44, longitude=1.41)
    anefis = PlaceFactory(
        name="Anéfis",
        slug="anefis",
        alternative_names="Anefis",
        region="Kidal",
        latitude=18.05,
        longitude=0.6,
    )
    csp = ActorFactory(name="CSP-PSD", slug="csp-psd", kind="coalition")
    mnla = ActorFactory(name="MNLA", slug="mnla", parent=csp)
    fama = ActorFactory(name="Malian Armed Forces", slug="fama", kind="state_force")
    rfi = SourceFactory(name="RFI", slug="rfi")
    statement = SourceFactory(
        name="CSP-PSD statements",
        slug="csp-statements",
        kind="armed_group",
        is_party=True,
        actor=csp,
    )

    offensive = EventFactory(
        title="Kidal offensive",
        slug="kidal-offensive",
        event_type=Event.Type.CAMPAIGN,
        start_date=date(2023, 10, 2),
        end_date=date(2023, 12, 20),
        place=kidal,
        summary="The army's campaign to retake the north-east.",
    )
    strike = EventFactory(
        title="Drone strike on Kidal",
        slug="drone-strike",
        event_type=Event.Type.AIR_DRONE_STRIKE,
        start_date=date(2023, 11, 7),
        place=kidal,
        parent=offensive,
        summary="Drones struck the town near a school.",
    )
    EventActorFactory(event=strike, actor=fama, role=EventActor.Role.ATTACKER)
    EventActorFactory(event=strike, actor=mnla, role=EventActor.Role.TARGET)
    battle = EventFactory(
        title="Fighting at Anéfis",
        slug="anefis-fighting",
        event_type=Event.Type.BATTLE,
        start_date=date(2023, 10, 11),
        date_precision=Event.DatePrecision.NIGHT,
        place=anefis,
        parent=offensive,
        summary="Clashes around Anéfis during the night.",
    )
    EventActorFactory(event=battle, actor=fama, role=EventActor.Role.ATTACKER)
    EventActorFactory(event=battle, actor=csp, role=EventActor.Role.DEFENDER)

    rfi_report = CitationFactory(
        source=rfi,
        title="Au moins une dizaine de morts à Kidal",
        published_on=date(2023, 11, 7),
        url="https://example.org/rfi-kidal",
        archive_url="https://archive.example.org/rfi-kidal",
    )
    csp_statement = CitationFactory(
        source=statement,
        title="Communiqué du CSP-PSD",
        published_on=date(2023, 11, 7),
    )
    publish(rfi_report, author=author, approver=approver)
    publish(csp_statement, author=author, approver=approver)

    published_claim(
        author=author,
        approver=approver,
        event=offensive,
        citation=rfi_report,
        text="The army announced an offensive on Kidal.",
        claimant_actor=fama,
    )
    csp_claim = published_claim(
        author=author,
        approver=approver,
        event=strike,
        citation=csp_statement,
        text="The strikes killed fourteen civilians.",
        claimant_actor=csp,
        kind=Claim.Kind.CASUALTIES,
        figure_kind=Claim.FigureKind.EXACT,
        figure_low=14,
        figure_high=14,
        figure_unit="civilians killed",
        assessment=Claim.Assessment.UNVERIFIED,
    )
    medical_claim = ClaimFactory(
        event=strike,
        text="At least ten civilians died, children among them.",
        claimant_label="medical sources",
        kind=Claim.Kind.CASUALTIES,
        figure_kind=Claim.FigureKind.AT_LEAST,
        figure_low=10,
        figure_unit="civilians killed",
        assessment=Claim.Assessment.LIKELY,
        language="en",
    )
    ClaimCitationFactory(
        claim=medical_claim,
        citation=rfi_report,
        quote="au moins une dizaine de morts",
        quote_language="fr",
        translation="at least ten dead",
    )
    publish(medical_claim, author=author, approver=approver)
    csp_claim.contradicts.add(medical_claim)
    army_claim = published_claim(
        author=author,
        approver=approver,
        event=battle,
        citation=rfi_report,
        text="The army said it held Anéfis.",
        claimant_actor=fama,
        kind=Claim.Kind.TERRITORIAL_CONTROL,
        assessment=Claim.Assessment.DISPUTED,
    )
    rebel_claim = published_claim(
        author=author,
        approver=approver,
        event=battle,
        citation=csp_statement,
        text="The CSP-PSD said it repelled the army.",
        claimant_actor=csp,
        kind=Claim.Kind.TERRITORIAL_CONTROL,
        assessment=Claim.Assessment.DISPUTED,
    )
    army_claim.contradicts.add(rebel_claim)

    # What the public must not see ------------------------------------------------------
    hidden_place = PlaceFactory(name="Hiddenplace Qx", slug="hidden-place")
    hidden_actor = ActorFactory(name="Hiddenactor Qx", slug="hidden-actor")
    draft_event = EventFactory(
        title="Zqxdraftevent",
        slug="draft-event",
        place=hidden_place,
        start_date=date(2023, 11, 20),
        summary="Zqxdraftevent summary",
    )
    EventActorFactory(event=draft_event, actor=hidden_actor)
    # A claim that is approved, on a draft event: not public.
    published_draft_event_claim = ClaimFactory(event=draft_event, text="Zqxdraftevent claim")
    ClaimCitationFactory(claim=published_draft_event_claim, citation=rfi_report)
    publish(published_draft_event_claim, author=author, approver=approver)

    draft_claim = ClaimFactory(event=strike, text="Zqxdraftclaim", claimant_label="Zqxdraftclaim")
    ClaimCitationFactory(claim=draft_claim, citation=rfi_report)
    review_claim = ClaimFactory(event=strike, text="Zqxreviewclaim")
    ClaimCitationFactory(claim=review_claim, citation=rfi_report)
    review_claim.last_edited_by = author
    review_claim.save()
    workflow.submit(review_claim, by=author)

    draft_citation = CitationFactory(
        source=rfi, title="Zqxdraftcitation", url="https://example.org/zqx"
    )
    ClaimCitationFactory(claim=csp_claim, citation=draft_citation, quote="Zqxdraftcitation quote")

    unsourced = ClaimFactory(event=strike, text="Zqxunsourcedclaim")
    ClaimCitationFactory(claim=unsourced, citation=draft_citation)
    publish(unsourced, author=author, approver=approver)

    withdrawn = EventFactory(title="Zqxwithdrawnevent", slug="withdrawn-event", place=kidal)
    withdrawn_claim = published_claim(
        author=author,
        approver=approver,
        event=withdrawn,
        citation=rfi_report,
        text="Zqxwithdrawnevent claim",
    )
    workflow.withdraw(withdrawn, by=approver, comment="Wrong event")

    snapshot = drafts.snapshot_of(strike)
    snapshot["fields"]["summary"] = "Zqxpendingsummary"
    workflow.edit(strike, snapshot, by=author)
    strike.refresh_from_db()

    return SimpleNamespace(
        author=author,
        approver=approver,
        kidal=kidal,
        anefis=anefis,
        csp=csp,
        mnla=mnla,
        fama=fama,
        rfi=rfi,
        statement=statement,
        offensive=offensive,
        strike=strike,
        battle=battle,
        rfi_report=rfi_report,
        csp_statement=csp_statement,
        csp_claim=csp_claim,
        medical_claim=medical_claim,
        army_claim=army_claim,
        rebel_claim=rebel_claim,
        hidden_place=hidden_place,
        hidden_actor=hidden_actor,
        draft_event=draft_event,
        draft_claim=draft_claim,
        review_claim=review_claim,
        draft_citation=draft_citation,
        unsourced=unsourced,
        withdrawn=withdrawn,
        withdrawn_claim=withdrawn_claim,
    )


def place_without_events():
    return Place.objects.create(name="Empty", slug="empty")
