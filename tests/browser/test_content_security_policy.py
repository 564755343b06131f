"""Every kind of page, public and admin, under the Content-Security-Policy in Chromium.

The visitors fixture fails a test on any violation the browser reports (see conftest.py),
so walking the pages is the assertion: no inline script or style, nothing from another host.
"""

from urllib.parse import urlparse

import pytest

from tests.pages import PUBLIC_PAGES

ADMIN = ("admin", "kidal-admin-2023")

ADMIN_PAGES = [
    "/admin/",
    "/admin/review-queue/",
    "/admin/audit/",
    "/admin/sources/citation/import/",
    "/admin/password_change/",
]


def _visit(visitor, path):
    """Open ``path`` and let its images and styles finish loading before the next page."""
    response = visitor.goto(path)
    visitor.page.wait_for_load_state("networkidle")
    return response


def _links(page, selector):
    return sorted({link.get_attribute("href") for link in page.locator(selector).all()})


@pytest.mark.browser
def test_public_pages_keep_to_the_policy(visitors):
    reader = visitors("reader")
    page = reader.page
    for path in PUBLIC_PAGES:
        response = _visit(reader, path)
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    # One detail page of each kind, reached from its list.
    for path in ["/events/", "/claims/", "/actors/", "/places/", "/sources/"]:
        _visit(reader, path)
        links = [
            link
            for link in _links(page, f"main a[href^='{path}']")
            if len(link) > len(path) and "?" not in link
        ]
        assert links, f"no detail link on {path}"
        _visit(reader, links[0])
        if path in ("/events/", "/claims/"):
            # A published version, from the page's "Cite this page" block.
            permalinks = _links(page, ".cite a[href*='/v/'][href$='/']")
            assert permalinks, f"no permanent link on {links[0]}"
            _visit(reader, urlparse(permalinks[0]).path)


@pytest.mark.browser
def test_admin_pages_keep_to_the_policy(visitors):
    admin = visitors("admin")
    admin.log_in(*ADMIN)
    page = admin.page
    for path in ADMIN_PAGES:
        _visit(admin, path)
    _visit(admin, "/admin/")
    changelists = [
        link
        for link in _links(page, "#content-main th[scope=row] a")
        if link.startswith("/admin/") and link.count("/") == 4
    ]
    assert len(changelists) >= 8, changelists
    for changelist in changelists:
        _visit(admin, changelist)
        entries = _links(page, "#result_list tbody th a")
        for add in _links(page, "a.addlink"):
            _visit(admin, add)
        if not entries:
            continue
        _visit(admin, entries[0])
        _visit(admin, entries[0].removesuffix("change/") + "history/")
        compare = page.locator(
            "form[action$='/history/compare/'] button, "
            "form[action$='/history/compare/'] input[type=submit]"
        )
        if compare.count():
            compare.first.click()
            page.wait_for_load_state()
        recover = changelist + "recover/"
        if page.locator(f"a[href='{recover}']").count():
            _visit(admin, recover)


@pytest.mark.browser
def test_api_documentation_keeps_to_the_policy(visitors):
    reader = visitors("reader")
    page = reader.page
    _visit(reader, "/api/v1/docs/")
    # Swagger UI drew the operations from the schema, with nothing from another host.
    page.locator(".opblock-summary-path").first.wait_for()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/events/" in paths and "/api/v1/claims/{id}/" in paths
    page.locator(".opblock-summary-path", has_text="/api/v1/events/").first.click()
    page.wait_for_load_state("networkidle")
    reader.screenshot("api-documentation")
