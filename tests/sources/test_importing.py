import datetime
import html
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Version

from events.models import Status
from sources.importing import Action, apply_import, plan_import
from sources.models import Citation, Source
from tests.factories import CitationFactory, SourceFactory, UserFactory, editor

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
OFFENSIVE = DATA / "offensive_references.txt"
BATTLE_OF_KIDAL = DATA / "battle_of_kidal_references.txt"
IMPORT_URL = "admin:sources_citation_import"
HIDDEN_REFERENCES = re.compile(r'<input type="hidden" name="references" value="(?P<value>[^"]*)"')

# Into an empty record, two lines of the offensive list cannot be given a source: line 2
# names no outlet (its title ends with one), line 53 names only YouTube.
OFFENSIVE_IMPORTABLE = 69
# References 17, 48-52, 54 and 55 of the offensive list are 8, 12-15, 17, 20 and 21 of the
# Battle of Kidal article. The France 24 video (53 and 16, written "Mali:" once and "Mali :"
# once) is imported from the Battle of Kidal list, which names its publisher.
SHARED_BY_BOTH_LISTS = 8

RFI_LINE = (
    "Web site: 2023-10-02 . Mali: l'armée malienne sur la route de Kidal . 2024-05-28 . RFI . fr."
)
MALFORMED_LIST = "\n".join(
    [
        RFI_LINE,
        "Just some words without any date",
        "",
        'Doe, J. (2023-13-45). "A title". Outlet. Retrieved 2024-01-01.',
        "Web site: 2023-10-01 . Mali: l'armée effectue des frappes . 2024-05-28 . RFI . fr.",
    ]
)


def reference_line(outlet, title="Au Mali, l'armée se rapproche de Kidal", date="2023-11-11"):
    return f"Web site: {date} . {title} . 2024-05-29 . {outlet} . fr."


# --- importing the seed lists ---------------------------------------------------------------


def test_seed_lists_import_as_draft_citations_edited_by_the_importer():
    user = editor()

    first = apply_import(OFFENSIVE.read_text(encoding="utf-8"), by=user)
    second = apply_import(BATTLE_OF_KIDAL.read_text(encoding="utf-8"), by=user)

    assert first.citations_created == OFFENSIVE_IMPORTABLE
    assert second.citations_created == 25 - SHARED_BY_BOTH_LISTS
    assert second.citations_matched == SHARED_BY_BOTH_LISTS
    assert Citation.objects.count() == OFFENSIVE_IMPORTABLE + 25 - SHARED_BY_BOTH_LISTS
    assert set(Citation.objects.values_list("status", "is_live", "last_edited_by")) == {
        (Status.DRAFT, False, user.pk)
    }


def test_imported_citation_is_parsed_field_by_field():
    apply_import(OFFENSIVE.read_text(encoding="utf-8"), by=editor())

    citation = Citation.objects.get(title="The Wagner Group's Playbook in Africa: Mali")
    assert citation.source.name == "Foreign Policy Research Institute"
    assert citation.author == "Parens, Raphael"
    assert citation.published_on == datetime.date(2022, 3, 18)
    assert citation.accessed_on == datetime.date(2024, 5, 27)
    archived = Citation.objects.get(title__startswith="Mali: le Jnim revendique")
    assert archived.archive_url.startswith("https://web.archive.org/web/20231221140832/")
    assert archived.archived_on == datetime.date(2023, 12, 21)
    month_only = Citation.objects.get(title__startswith="Decreasing tensions")
    assert month_only.published_precision == Citation.DatePrecision.MONTH


def test_the_france_24_video_cited_by_both_lists_is_recorded_once_as_france_24s():
    france_24 = SourceFactory(name="France 24", aliases="FRANCE 24")
    first = plan_import(BATTLE_OF_KIDAL.read_text(encoding="utf-8"))
    apply_import(first, by=editor())

    video = next(row for row in first.rows if row.reference.line_number == 16)
    assert (video.action, video.source) == (Action.CREATE, france_24)
    assert video.source_reason == "published on YouTube by “France 24”, a known source"
    recorded = Citation.objects.get(title__startswith="Mali\u00a0: la bataille pour Kidal")
    assert (recorded.source, recorded.kind, recorded.author) == (france_24, "video", "")

    second = plan_import(OFFENSIVE.read_text(encoding="utf-8"))

    same = next(row for row in second.rows if row.reference.line_number == 53)
    assert (same.action, same.citation, same.source) == (Action.MATCH, recorded, france_24)
    assert same.citation_reason == "the same title and date as a citation of “France 24”"


def test_a_line_naming_only_a_platform_is_reported_when_nothing_recorded_matches():
    plan = plan_import(
        "Web site: 2023-11-13 . Kidal : la bataille continue . 2024-05-29 . YouTube ."
    )

    assert plan.rows == []
    assert plan.unparsed[0].reason == "published on YouTube; the reference does not say by whom"
    assert not Source.objects.filter(name="YouTube").exists()


def test_a_channel_credited_as_author_publishes_the_video():
    plan = plan_import(
        "Example TV (2023-11-13). Kidal en images . Retrieved 2024-06-01 via YouTube."
    )
    apply_import(plan, by=editor())

    citation = Citation.objects.get()
    assert (citation.source.name, citation.kind, citation.author) == ("Example TV", "video", "")


def test_a_post_on_x_by_a_known_account_is_that_account_s():
    csp = SourceFactory(name="CSP-PSD statements", aliases="CSP-PSD")
    plan = plan_import(
        "Web site: 2023-11-14 . Communiqué . https://x.com/csp/status/1 . 2024-05-29 . CSP-PSD ."
    )
    apply_import(plan, by=editor())

    citation = Citation.objects.get()
    assert (citation.source, citation.kind) == (csp, "social_media_post")
    assert plan.rows[0].source_reason == (
        "“CSP-PSD” is an alias or the website of “CSP-PSD statements”; published on X"
    )


def test_each_imported_citation_has_a_revision_by_the_importer():
    user = editor()
    apply_import(reference_line("RFI"), by=user)

    citation = Citation.objects.get()
    revision = Version.objects.get_for_object(citation).get().revision
    assert revision.user == user
    assert revision.comment == "Imported from a reference list"


def test_reimporting_a_list_creates_nothing():
    text = OFFENSIVE.read_text(encoding="utf-8")
    apply_import(text, by=editor())
    counts = Source.objects.count(), Citation.objects.count()

    again = apply_import(text, by=editor())

    assert (Source.objects.count(), Citation.objects.count()) == counts
    assert (again.sources_created, again.citations_created) == (0, 0)
    assert again.citations_matched == OFFENSIVE_IMPORTABLE


def test_a_line_repeated_in_one_list_is_created_once():
    plan = plan_import(f"{RFI_LINE}\n{RFI_LINE}")

    assert [row.action for row in plan.rows] == [Action.CREATE, Action.MATCH]
    assert plan.rows[1].same_as_line == 1

    result = apply_import(plan, by=editor())

    assert (result.citations_created, result.citations_matched) == (1, 1)
    assert Citation.objects.count() == 1


def test_planning_writes_nothing():
    plan = plan_import(OFFENSIVE.read_text(encoding="utf-8"))

    assert len(plan.rows) == OFFENSIVE_IMPORTABLE
    assert not Source.objects.exists()
    assert not Citation.objects.exists()


def test_import_matches_sources_added_after_the_preview():
    plan = plan_import(reference_line("RFI"))
    rfi = SourceFactory(name="Radio France Internationale", slug="rfi")

    apply_import(plan, by=editor())

    assert Source.objects.get() == rfi
    assert Citation.objects.get().source == rfi


# --- matching sources ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outlet", "existing"),
    [
        ("JeuneAfrique.com", {"name": "Jeune Afrique", "website": "jeuneafrique.com"}),
        ("Le Monde.fr", {"name": "Le Monde"}),
        (
            "www.crisisgroup.org",
            {"name": "International Crisis Group", "website": "crisisgroup.org"},
        ),
        ("RFI", {"name": "Radio France Internationale", "aliases": "Radio France\nRFI"}),
        ("Liberation", {"name": "Libération"}),
    ],
)
def test_outlet_matches_an_existing_source(outlet, existing):
    source = SourceFactory(**existing)

    plan = plan_import(reference_line(outlet))
    result = apply_import(plan, by=editor())

    assert plan.rows[0].source == source
    assert not plan.rows[0].source_is_new
    assert (result.sources_created, result.sources_matched) == (0, 1)
    assert Citation.objects.get().source == source


@pytest.mark.parametrize(
    ("outlet", "name", "website", "kind"),
    [
        ("www.20minutes.fr", "20minutes.fr", "20minutes.fr", Source.Kind.NEWS_OUTLET),
        ("JeuneAfrique.com", "JeuneAfrique.com", "jeuneafrique.com", Source.Kind.NEWS_OUTLET),
        ("Africa News", "Africa News", "", Source.Kind.NEWS_OUTLET),
        ("The Carter Center", "The Carter Center", "", Source.Kind.OTHER),
        ("www.crisisgroup.org", "crisisgroup.org", "crisisgroup.org", Source.Kind.OTHER),
    ],
)
def test_new_outlet_becomes_a_source(outlet, name, website, kind):
    apply_import(reference_line(outlet), by=editor())

    source = Source.objects.get()
    assert (source.name, source.website, source.kind) == (name, website, kind)


def test_new_source_gets_a_free_slug():
    SourceFactory(name="Something else", slug="le-monde-fr")

    apply_import(reference_line("Le Monde.fr"), by=editor())

    assert Source.objects.get(name="Le Monde.fr").slug == "le-monde-fr-2"


# --- matching citations -------------------------------------------------------------------


def test_citation_matches_by_normalised_url_under_any_source():
    existing = CitationFactory(url="https://www.rfi.fr/fr/afrique/20231002-kidal")
    line = (
        "Web site: 2023-10-02 . Another title . "
        "http://rfi.fr/fr/afrique/20231002-kidal/?utm_source=x#top . 2024-05-28 . RFI . fr."
    )

    plan = plan_import(line)
    result = apply_import(plan, by=editor())

    assert plan.rows[0].citation == existing
    assert plan.rows[0].source == existing.source
    assert (result.sources_created, result.citations_created) == (0, 0)


def test_citation_matches_by_title_ignoring_case_spacing_and_quotes():
    rfi = SourceFactory(name="RFI")
    existing = CitationFactory(
        source=rfi,
        title="Mali : l'armée se rapproche de Kidal",
        published_on=datetime.date(2023, 11, 11),
    )

    plan = plan_import(reference_line("RFI", title="MALI:\u00a0l’armée  se rapproche de Kidal"))

    assert plan.rows[0].action == Action.MATCH
    assert plan.rows[0].citation == existing


@pytest.mark.parametrize(
    ("recorded", "written"),
    [
        ("trafficking flows.", "trafficking flows. . May 27, 2024"),
        ("trafficking flows", "trafficking flows. . May 27, 2024"),
        ("trafficking flows.", "trafficking flows . May 27, 2024"),
    ],
)
def test_a_title_matches_with_or_without_its_final_period(recorded, written):
    source = SourceFactory(name="Global Initiative")
    existing = CitationFactory(
        source=source, title=f"Signatory groups may benefit {recorded}", published_on=None
    )

    plan = plan_import(f"Web site: Signatory groups may benefit {written} . Global Initiative .")

    assert plan.rows[0].action == Action.MATCH
    assert plan.rows[0].citation == existing
    assert plan.rows[0].citation_reason == "the same source, title and date"


def test_a_title_is_recorded_as_written_with_its_final_period():
    apply_import(OFFENSIVE.read_text(encoding="utf-8"), by=editor())

    assert Citation.objects.filter(
        title="Decreasing tensions between peace agreement signatory groups in Mali may "
        "benefit trafficking flows."
    ).exists()


def test_an_outlet_fused_into_the_title_is_split_off_when_the_outlet_is_known():
    hrw = SourceFactory(name="Human Rights Watch", aliases="HRW")

    plan = plan_import(OFFENSIVE.read_text(encoding="utf-8"))

    row = next(row for row in plan.rows if row.reference.line_number == 2)
    assert (row.action, row.source, row.citation.title) == (
        Action.CREATE,
        hrw,
        "Mali's Peace Deal Ends",
    )
    assert row.source_reason == "the title ends with “Human Rights Watch”, a recorded source"


def test_the_import_page_shows_the_title_recorded_and_the_platform(client):
    SourceFactory(name="Human Rights Watch")
    SourceFactory(name="France 24", aliases="FRANCE 24")
    client.force_login(editor())
    lines = OFFENSIVE.read_text(encoding="utf-8").splitlines()
    battle = BATTLE_OF_KIDAL.read_text(encoding="utf-8").splitlines()

    preview = client.post(
        reverse(IMPORT_URL), {"references": "\n".join([lines[1], battle[15]]), "preview": "1"}
    )

    content = html.unescape(preview.content.decode())
    assert "Recorded as “Mali's Peace Deal Ends”" in content
    assert "Source: the title ends with “Human Rights Watch”, a recorded source." in content
    assert "— (on YouTube) → France 24" in content
    assert "Source: published on YouTube by “France 24”, a known source." in content


def test_a_document_recorded_with_the_outlet_in_its_title_still_matches():
    hrw = SourceFactory(name="Human Rights Watch")
    existing = CitationFactory(
        source=hrw,
        title="Mali's Peace Deal Ends Human Rights Watch",
        published_on=datetime.date(2024, 1, 26),
    )

    plan = plan_import(OFFENSIVE.read_text(encoding="utf-8"))

    row = next(row for row in plan.rows if row.reference.line_number == 2)
    assert (row.action, row.citation) == (Action.MATCH, existing)


def test_a_french_date_is_read():
    apply_import(
        '"Kidal sur le qui-vive". RFI (in French). 10 novembre 2023. Retrieved 1er juin 2024.',
        by=editor(),
    )

    citation = Citation.objects.get()
    assert (citation.published_on, citation.accessed_on) == (
        datetime.date(2023, 11, 10),
        datetime.date(2024, 6, 1),
    )


def test_same_title_on_another_date_is_another_citation():
    rfi = SourceFactory(name="RFI")
    CitationFactory(source=rfi, title="Point de situation", published_on=datetime.date(2023, 11, 1))

    plan = plan_import(reference_line("RFI", title="Point de situation", date="2023-11-02"))

    assert plan.rows[0].action == Action.CREATE


# --- lines that cannot be imported --------------------------------------------------------


def test_malformed_lines_are_reported_with_their_number_and_text():
    result = apply_import(MALFORMED_LIST, by=editor())

    assert [(line.line_number, line.raw) for line in result.unparsed] == [
        (2, "Just some words without any date"),
        (4, 'Doe, J. (2023-13-45). "A title". Outlet. Retrieved 2024-01-01.'),
    ]
    assert all(line.reason for line in result.unparsed)
    assert result.citations_created == 2


def test_reference_without_outlet_is_reported_not_dropped():
    plan = plan_import(OFFENSIVE.read_text(encoding="utf-8"))

    assert [(line.line_number, line.reason) for line in plan.unparsed] == [
        (2, "no outlet or URL names the source"),
        (53, "published on YouTube; the reference does not say by whom"),
    ]


def test_reference_accessed_before_publication_is_reported():
    plan = plan_import("Web site: 2024-06-01 . A title . 2024-05-28 . RFI . fr.")

    assert plan.rows == []
    assert plan.unparsed[0].reason == "the access date is before the publication date"


# --- the admin page -----------------------------------------------------------------------


def test_editor_previews_then_imports_a_pasted_list(client):
    client.force_login(editor())
    url = reverse(IMPORT_URL)

    preview = client.post(url, {"references": MALFORMED_LIST, "preview": "Preview"})

    assert preview.status_code == 200
    assert not Citation.objects.exists()
    content = preview.content.decode()
    assert "Mali: l&#x27;armée effectue des frappes" in content
    assert "Just some words without any date" in content
    assert [row.reference.line_number for row in preview.context["plan"].rows] == [1, 5]
    # Each line says what it matched and why.
    assert "Source: no recorded source goes by “RFI”: a new one." in content
    assert "Source: the new source “RFI” of an earlier line." in content
    assert "Citation: no recorded citation has this URL, or this source, title and date." in content

    hidden_list = html.unescape(HIDDEN_REFERENCES.search(content)["value"])
    assert hidden_list == MALFORMED_LIST
    confirmed = client.post(url, {"references": hidden_list, "import": "Import"})

    changelist = reverse("admin:sources_citation_changelist")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"{changelist}?review=draft"
    assert Citation.objects.filter(status=Status.DRAFT).count() == 2
    messages = [str(message) for message in get_messages(confirmed.wsgi_request)]
    assert messages == [
        "Sources: 1 new, 0 matched. Citations: 2 new, 0 matched. Lines not imported: 2.",
        "Not imported (listed in the preview): lines 2, 4.",
    ]


def test_citation_changelist_links_to_the_import_page_and_keeps_recover(client):
    client.force_login(editor())

    response = client.get(reverse("admin:sources_citation_changelist"))

    assert reverse(IMPORT_URL) in response.content.decode()
    assert reverse("admin:sources_citation_recoverlist") in response.content.decode()


def test_user_who_cannot_add_citations_is_refused(client):
    client.force_login(UserFactory(username="staff_without_permissions"))

    assert client.get(reverse(IMPORT_URL)).status_code == 403


def test_non_staff_user_is_sent_to_the_login_page(client):
    client.force_login(UserFactory(username="reader", is_staff=False))

    response = client.post(reverse(IMPORT_URL), {"references": RFI_LINE, "import": "Import"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Citation.objects.exists()


# --- the management command ---------------------------------------------------------------


def run_command(*args):
    out = StringIO()
    call_command("import_references", *args, stdout=out)
    return out.getvalue()


def test_command_imports_a_file_and_prints_a_summary(tmp_path):
    path = tmp_path / "references.txt"
    path.write_text(MALFORMED_LIST, encoding="utf-8")
    user = editor()

    output = run_command(str(path), "--user", user.username)

    assert "Sources: 1 new, 0 matched. Citations: 2 new, 0 matched." in output
    assert "Line 2 not imported (no date found" in output
    assert "Just some words without any date" in output
    assert "Line 4 not imported" in output
    assert set(Citation.objects.values_list("last_edited_by", flat=True)) == {user.pk}


def test_command_dry_run_writes_nothing():
    output = run_command(str(OFFENSIVE), "--dry-run")

    assert "Dry run" in output
    assert f"Citations: {OFFENSIVE_IMPORTABLE} new, 0 matched." in output
    assert (
        "Line 5, Foreign Policy Research Institute: no recorded source goes by "
        "“Foreign Policy Research Institute”: a new one; no recorded citation has this URL, "
        "or this source, title and date." in output
    )
    assert not Source.objects.exists()
    assert not Citation.objects.exists()


def test_command_fails_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_command(str(tmp_path / "missing.txt"))


def test_command_fails_on_an_unknown_user():
    with pytest.raises(CommandError, match="No user"):
        run_command(str(OFFENSIVE), "--user", "nobody")
    assert not Citation.objects.exists()


def test_import_page_shows_the_accepted_formats(client):
    client.force_login(editor())
    content = client.get(reverse(IMPORT_URL)).content.decode()
    formats = content[content.index('id="import-formats"') :]
    for written in ("20 novembre 2023", "November 20, 2023", "20 Nov 2023", "1er octobre 2023"):
        assert f"<code>{written}</code>" in formats
    assert "<code>Web site: 2023-10-02 . Mali : l&#x27;armée à Anéfis" in formats
