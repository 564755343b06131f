"""The whole editorial journey, as editors, reviewers and readers meet it in a browser.

The steps depend on each other (what the editor writes, the reviewer approves), so they
run as one test per journey; screenshots of the key pages go to the screenshots folder.
"""

import re

import pytest

EDITOR = ("editor", "kidal-editor-2023")
REVIEWER = ("reviewer", "kidal-reviewer-2023")

EVENT_TITLE = "Ambush on a supply convoy near Intahaka"
EVENT_SLUG = "ambush-on-a-supply-convoy-near-intahaka"  # what the admin fills in
CITATION_TITLE = "Embuscade contre un convoi près d'Intahaka"
FIRST_TEXT = "Local officials said the convoy lost four trucks in the ambush."
RESUBMITTED_TEXT = "Two local officials said the convoy lost four trucks in the ambush."
CORRECTED_TEXT = "Two local officials said the convoy lost five trucks in the ambush."
CORRECTION_NOTE = "The number of trucks lost was corrected from four to five."


def choose(page, select_id, search):
    """Pick an option in one of the admin's autocomplete (select2) fields."""
    page.click(f"#{select_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", search)
    page.click(f".select2-results__option:has-text({search!r})")


def save_and_continue(page):
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    assert not page.locator(".errornote").count(), page.locator(".errorlist").all_inner_texts()


def entry_id(page):
    return re.search(r"/(\d+)/change/", page.url).group(1)


def act(page, action, comment=""):
    """Press one of the review buttons on an admin change form."""
    if comment:
        page.fill("#review-comment", comment)
    page.click(f"#review-form button[value={action}]")
    page.wait_for_load_state()


def create_entries(editor):
    page = editor.page
    editor.goto("/admin/events/event/add/")
    page.fill("#id_title", EVENT_TITLE)
    page.fill("#id_summary", "A supply convoy was ambushed on the road north of Intahaka.")
    page.select_option("#id_event_type", "battle")
    page.fill("#id_start_date", "2023-10-20")
    save_and_continue(page)
    event_id = entry_id(page)
    act(page, "submit")

    editor.goto("/admin/sources/citation/add/")
    choose(page, "id_source", "RFI")
    page.fill("#id_title", CITATION_TITLE)
    page.fill("#id_published_on", "2023-10-21")
    page.select_option("#id_language", "fr")
    save_and_continue(page)
    citation_id = entry_id(page)
    act(page, "submit")

    editor.goto("/admin/events/claim/add/")
    choose(page, "id_event", "Intahaka")
    page.fill("#id_text", FIRST_TEXT)
    page.select_option("#id_kind", "other")
    page.fill("#id_claimant_label", "local officials")
    choose(page, "id_citation_links-0-citation", "Intahaka")
    page.fill("#id_citation_links-0-quote", "le convoi a perdu quatre camions")
    save_and_continue(page)
    claim_id = entry_id(page)
    act(page, "submit")
    editor.screenshot("01-editor-claim-submitted")
    return event_id, citation_id, claim_id


@pytest.mark.browser
def test_an_entry_goes_from_editor_to_reader_only_through_review(visitors):
    editor, reviewer, reader = visitors("editor"), visitors("reviewer"), visitors("reader")
    editor.log_in(*EDITOR)
    event_id, citation_id, claim_id = create_entries(editor)

    # 1. Submitted entries stay out of public view.
    reader.goto(f"/events/{EVENT_SLUG}/", expect_status=404)
    reader.goto("/search/?q=Intahaka")
    assert EVENT_TITLE not in reader.page.content()

    # 2. The reviewer finds them in the queue and sends the claim back with a comment.
    reviewer.log_in(*REVIEWER)
    reviewer.goto("/admin/review-queue/")
    queue = reviewer.page.locator("#content-main").inner_text()
    assert EVENT_TITLE in queue and CITATION_TITLE in queue and "convoy lost four" in queue
    reviewer.screenshot("02-review-queue")
    reviewer.goto(f"/admin/events/claim/{claim_id}/change/")
    act(reviewer.page, "request_changes", "Say how many officials you spoke to.")

    editor.goto(f"/admin/events/claim/{claim_id}/change/")
    assert "Say how many officials you spoke to." in editor.page.inner_text("#review-log")
    editor.page.fill("#id_text", RESUBMITTED_TEXT)
    save_and_continue(editor.page)
    act(editor.page, "submit")

    for path in (
        f"/admin/events/event/{event_id}/change/",
        f"/admin/sources/citation/{citation_id}/change/",
        f"/admin/events/claim/{claim_id}/change/",
    ):
        reviewer.goto(path)
        act(reviewer.page, "approve")
        assert "is now approved" in reviewer.page.inner_text(".messagelist")

    reader.goto(f"/events/{EVENT_SLUG}/")
    page_text = reader.page.inner_text("main")
    assert RESUBMITTED_TEXT in page_text and CITATION_TITLE in page_text
    reader.screenshot("03-public-event")

    # 3. An edit of the published claim waits for review; the public keeps the approved text.
    editor.goto(f"/admin/events/claim/{claim_id}/change/")
    editor.page.fill("#id_text", CORRECTED_TEXT)
    save_and_continue(editor.page)
    assert "pending change" in editor.page.inner_text(".messagelist")
    act(editor.page, "submit")
    reader.goto(f"/events/{EVENT_SLUG}/")
    assert RESUBMITTED_TEXT in reader.page.inner_text("main")
    assert CORRECTED_TEXT not in reader.page.inner_text("main")

    # 4. The editor cannot approve it: no button, and a forged request is refused.
    editor.goto(f"/admin/events/claim/{claim_id}/change/")
    assert editor.page.locator("#review-form button[value=approve]").count() == 0
    token = editor.page.locator("#review-form input[name=csrfmiddlewaretoken]").input_value()
    seen = editor.page.locator("#review-form input[name=seen]").input_value()
    forged = editor.page.request.post(
        f"/admin/events/claim/{claim_id}/transition/",
        form={"action": "approve", "csrfmiddlewaretoken": token, "seen": seen},
        headers={"Referer": editor.base_url + f"/admin/events/claim/{claim_id}/change/"},
    )
    assert forged.ok and "You do not have permission" in forged.text()
    reader.goto(f"/events/{EVENT_SLUG}/")
    assert CORRECTED_TEXT not in reader.page.inner_text("main")

    # The reviewer compares the published text with the pending change, then approves it.
    reviewer.goto(f"/admin/events/claim/{claim_id}/history/compare/?from=live&to=pending")
    differences = reviewer.page.inner_text(".review-diff")
    assert "four" in reviewer.page.inner_text(".review-diff del")
    assert "five" in reviewer.page.inner_text(".review-diff ins")
    assert differences
    reviewer.screenshot("04-compare-pending-change")
    reviewer.goto(f"/admin/events/claim/{claim_id}/change/")
    reviewer.page.fill("#correction-note", CORRECTION_NOTE)
    act(reviewer.page, "approve")

    reader.goto(f"/events/{EVENT_SLUG}/")
    page_text = reader.page.inner_text("main")
    assert CORRECTED_TEXT in page_text and CORRECTION_NOTE in page_text
    reader.screenshot("05-public-event-corrected")


@pytest.mark.browser
def test_a_reader_filters_reads_switches_language_searches_and_exports(visitors):
    reader = visitors("reader")
    page = reader.page
    reader.goto("/events/")
    reader.screenshot("06-event-list")
    page.select_option("#id_event_type", "air_drone_strike")
    page.click(".filters form button[type=submit]")
    page.wait_for_load_state()
    assert "event_type=air_drone_strike" in page.url
    assert page.locator(".event-item .event-title").count() > 0

    # The 7 November strike carries the CSP-PSD's and the medical sources' contradicting counts.
    reader.goto("/events/?start=2023-11-07&end=2023-11-07&event_type=air_drone_strike")
    page.locator(".event-item .event-title").first.click()
    page.wait_for_load_state()
    contradiction = page.locator(".contradiction .side-by-side").first
    assert contradiction.count() == 1
    assert "14" in contradiction.inner_text()
    reader.screenshot("07-contradicting-claims")

    page.click(".language-form a[hreflang=fr]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    reader.screenshot("08-event-in-french")

    page.fill("#site-search", "Anefis")
    page.press("#site-search", "Enter")
    page.wait_for_load_state()
    assert "Anéfis" in page.inner_text("main")
    reader.screenshot("09-search-anefis")

    reader.goto("/exports/")
    with page.expect_download() as download_info:
        page.click("a[href$='events.csv']")
    download = download_info.value
    header = open(download.path(), encoding="utf-8").readline()
    assert "event_date" in header and "latitude" in header
